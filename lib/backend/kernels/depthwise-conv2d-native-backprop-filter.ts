/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend: the filter gradient of a depthwise
 * convolution (depthwiseConv2d and the depthwise half of separableConv2d).
 *
 *   dF[a, b, c, m] = Σ_{n,i,j} x[n, i·s + a·d − pt, j·s + b·d − pl, c] · dy[n, i, j, c·M + m]
 *
 * For each pair (c, n) this is a correlation of one image plane with one dy plane, so it runs as one
 * call of wasm's own depthwise convolution with the roles swapped: a batch of 1 whose C·N "channels"
 * are the (c, n) planes of x, filtered by dy (spatial size Ho×Wo, M outputs per channel), with the
 * forward stride as the dilation and the forward dilation as the stride. The output [1, fh, fw, C·N·M]
 * is then summed over n.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasm, cropNhwc, endPadding, giveAs, pair, release, runWasm, sumAxis, transpose, view } from './wasm-ops.js';
import { kernelAttrs } from './kernel-attrs.js';

function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = asWasm(backend);
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = kernelAttrs<tf.DepthwiseConv2dNativeBackpropFilterAttrs>(attrs);
  const [fh, fw, c, m] = filterShape;
  const [sh, sw] = pair(strides);
  const [dh, dw] = pair(dilations);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true,
  );
  const [n, h, w] = x.shape as [number, number, number, number];
  const [, outH, outW] = dy.shape as [number, number, number, number];

  const rows = endPadding(h, info.padInfo.top, fh, (outH - 1) * sh + 1, dh);
  const cols = endPadding(w, info.padInfo.left, fw, (outW - 1) * sw + 1, dw);
  const cropped = rows.crop > 0 || cols.crop > 0 ? cropNhwc(wasm, x, 0, 0, h - rows.crop, w - cols.crop) : undefined;
  const inH = h - rows.crop;
  const inW = w - cols.crop;

  const xT = transpose(wasm, cropped ?? x, [1, 2, 3, 0]); // [H, W, C, N]: the (c, n) planes as channels
  release(wasm, cropped);
  const dyT = transpose(wasm, view(dy, [n, outH, outW, c, m]), [1, 2, 3, 0, 4]); // [Ho, Wo, C, N, M]
  let out: tf.TensorInfo;
  try {
    out = runWasm('DepthwiseConv2dNative', wasm, {
      x: view(xT, [1, inH, inW, c * n]),
      filter: view(dyT, [outH, outW, c * n, m]),
    }, {
      strides: [dh, dw],
      dilations: [sh, sw],
      pad: [[0, 0], [info.padInfo.top, rows.back], [info.padInfo.left, cols.back], [0, 0]],
      dimRoundingMode: 'floor',
    });
  } finally {
    release(wasm, xT, dyT);
  }
  if (n === 1) return giveAs(out, [fh, fw, c, m]);
  // With M = 1 the n axis is innermost, which spares the Sum kernel a transpose.
  const summed = sumAxis(wasm, view(out, m === 1 ? [fh, fw, c, n] : [fh, fw, c, n, m]), 3);
  release(wasm, out);
  return giveAs(summed, [fh, fw, c, m]);
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
