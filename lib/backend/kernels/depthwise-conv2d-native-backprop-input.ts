/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend: the input gradient of a depthwise
 * convolution, needed when a depthwise/separable layer is not the first layer.
 *
 *   dx[n, h, w, c] = Σ_{a,b,m} dyUp[n, h + pt − a·d, w + pl − b·d, c·M + m] · f[a, b, c, m]
 *
 * where dyUp is dy with s − 1 zeros inserted between rows and columns (the transposed convolution).
 * That is wasm's own depthwise convolution (multiplier 1 over the C·M channels) of dyUp with the
 * spatially flipped filter, stride 1, dilation d, followed by a sum over m when M > 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasm, cropNhwc, endPadding, giveAs, pair, release, runWasm, sumAxis, view } from './wasm-ops.js';
import { kernelAttrs } from './kernel-attrs.js';

function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = asWasm(backend);
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = kernelAttrs<tf.DepthwiseConv2dNativeBackpropInputAttrs>(attrs);
  const [fh, fw, c, m] = filter.shape as [number, number, number, number];
  const [sh, sw] = pair(strides);
  const [dh, dw] = pair(dilations);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, [fh, fw, c, m], strides, dilations, pad, dimRoundingMode, true,
  );
  const [n, h, w] = inputShape;
  const [, outH, outW] = dy.shape as [number, number, number, number];
  const effH = (fh - 1) * dh + 1;
  const effW = (fw - 1) * dw + 1;

  // Zero-insertion for strides > 1: [N, Ho, 1, Wo, 1, CM] padded to [N, Ho, s, Wo, s, CM].
  const up = sh > 1 || sw > 1
    ? runWasm('PadV2', wasm, { x: view(dy, [n, outH, 1, outW, 1, c * m]) }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
      constantValue: 0,
    })
    : undefined;
  const upH = outH * sh;
  const upW = outW * sw;
  // Padding in front is (window − 1 − pt); an explicit pt larger than the window makes it negative,
  // and then the front of dyUp is cropped instead, as is any excess at the end.
  const top = effH - 1 - info.padInfo.top;
  const left = effW - 1 - info.padInfo.left;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  const rows = endPadding(upH - cropTop, Math.max(0, top), h, effH, 1);
  const cols = endPadding(upW - cropLeft, Math.max(0, left), w, effW, 1);
  const upInfo = up === undefined ? dy : view(up, [n, upH, upW, c * m]);
  const cropped = cropTop + cropLeft + rows.crop + cols.crop > 0
    ? cropNhwc(wasm, upInfo, cropTop, cropLeft, upH - cropTop - rows.crop, upW - cropLeft - cols.crop)
    : undefined;
  if (cropped !== undefined) release(wasm, up);
  const src = cropped ?? upInfo;

  const flipped = runWasm('Reverse', wasm, { x: view(filter, [fh, fw, c * m, 1]) }, { dims: [0, 1] });
  let out: tf.TensorInfo;
  try {
    out = runWasm('DepthwiseConv2dNative', wasm, { x: src, filter: flipped }, {
      strides: [1, 1],
      dilations: [dh, dw],
      pad: [[0, 0], [Math.max(0, top), rows.back], [Math.max(0, left), cols.back], [0, 0]],
      dimRoundingMode: 'floor',
    });
  } finally {
    release(wasm, flipped, cropped ?? up);
  }
  if (m === 1) return giveAs(out, [n, h, w, c]);
  const summed = sumAxis(wasm, view(out, [n, h, w, c, m]), 4);
  release(wasm, out);
  return giveAs(summed, [n, h, w, c]);
}

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
