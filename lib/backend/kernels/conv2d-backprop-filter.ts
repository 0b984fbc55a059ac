/**
 * `Conv2DBackpropFilter` for the wasm backend: the gradient of a convolution with respect to its
 * filter, needed to train any conv2d, conv1d or conv2dTranspose layer.
 *
 * It runs as ONE call of wasm's own forward convolution (XNNPACK) with the roles swapped:
 *
 *   dW[a, b, ci, co] = Σ_{n,i,j} x[n, i·s + a − pt, j·s + b − pl, ci] · dy[n, i, j, co]
 *
 * is a convolution whose "batch" is the input channel ci, whose "input channels" are the examples n,
 * whose filter is dy (spatial size Ho×Wo, n in, co out) and whose dilation is the forward stride s.
 * Its output is [Ci, fh, fw, Co]; one transpose gives [fh, fw, Ci, Co]. XNNPACK then does the whole
 * reduction over n·Ho·Wo as one GEMM, which measured 4-25x faster than im2col by slices + matMul
 * (bench/wasm-kernels.ts).
 *
 * When a window holds few values (fh·fw·Ci ≤ 16: a first layer on grey images), moving dy into the
 * filter layout costs more than the product. Then the patches are gathered on the heap, directly in
 * the transposed layout, and dW = patchesᵀ · dy is one XNNPACK matMul that reads dy as it is.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { blasConv2DBackpropFilter } from '../blas/blas-conv2d.js';
import { asWasm, cropNhwc, endPadding, giveAs, pair, release, runStock, runWasm, transpose, view } from './wasm-ops.js';

/** Up to this many values per window, im2col beats the role swap. */
const maxIm2colWindow = 16;

function byIm2col(
  wasm: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  attrs: tf.Conv2DBackpropFilterAttrs,
): tf.TensorInfo {
  const [fh, fw, ci, co] = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const [n, h, w] = x.shape as [number, number, number, number];
  const [, outH, outW] = dy.shape as [number, number, number, number];
  const { strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const k = fh * fw * ci;
  const rows = n * outH * outW;
  // The patches, already transposed ([window value, output position]) as the matMul wants them.
  const patchesT = wasm.makeOutput([k, rows], 'float32');
  const dst = wasm.typedArrayFromHeap(patchesT); // views after makeOutput, which may grow the heap
  const src = wasm.typedArrayFromHeap(x);
  for (let a = 0; a < fh; a++) {
    for (let b = 0; b < fw; b++) {
      for (let c = 0; c < ci; c++) {
        let o = ((a * fw + b) * ci + c) * rows;
        for (let m = 0; m < n; m++) {
          for (let i = 0; i < outH; i++, o += outW) {
            const r = i * sh + a - top;
            if (r < 0 || r >= h) {
              dst.fill(0, o, o + outW);
              continue;
            }
            const rowBase = (m * h + r) * w;
            for (let j = 0, col = b - left; j < outW; j++, col += sw) {
              dst[o + j] = col >= 0 && col < w ? src[(rowBase + col) * ci + c]! : 0;
            }
          }
        }
      }
    }
  }
  try {
    // Plain 3-D operands without transposes: XNNPACK's path in the stock kernel.
    const out = runStock(tf.BatchMatMul, wasm, { a: view(patchesT, [1, k, rows]), b: view(dy, [1, rows, co]) }, { transposeA: false, transposeB: false });
    return giveAs(out, [fh, fw, ci, co]);
  } finally {
    release(wasm, patchesT);
  }
}

function conv2dBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = asWasm(backend);
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') {
    throw new Error("rxtrain wasm Conv2DBackpropFilter: dataFormat 'NCHW' is not supported (nor is it by wasm's Conv2D); use 'NHWC'");
  }
  const onBlas = blasConv2DBackpropFilter(wasm, x, dy, attrs as unknown as tf.Conv2DBackpropFilterAttrs);
  if (onBlas !== undefined) return onBlas;
  const [fh, fw, ci, co] = filterShape;
  if (fh * fw * ci <= maxIm2colWindow) return byIm2col(wasm, x, dy, attrs as unknown as tf.Conv2DBackpropFilterAttrs);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
  );
  const [sh, sw] = pair(strides);
  const [, h, w] = x.shape as [number, number, number, number];
  const [, outH, outW] = dy.shape as [number, number, number, number];

  // Rows/columns of x past the last window are never read; XNNPACK cannot take a negative padding,
  // so they are cropped away instead.
  const rows = endPadding(h, info.padInfo.top, fh, (outH - 1) * sh + 1, 1);
  const cols = endPadding(w, info.padInfo.left, fw, (outW - 1) * sw + 1, 1);
  const cropped = rows.crop > 0 || cols.crop > 0 ? cropNhwc(wasm, x, 0, 0, h - rows.crop, w - cols.crop) : undefined;

  const xT = transpose(wasm, cropped ?? x, [3, 1, 2, 0]); // [Ci, H, W, N]: channels become the batch
  release(wasm, cropped);
  const dyT = transpose(wasm, dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]: dy becomes the filter
  let out: tf.TensorInfo;
  try {
    out = runWasm('Conv2D', wasm, { x: xT, filter: dyT }, {
      strides: [1, 1],
      dilations: [sh, sw],
      pad: [[0, 0], [info.padInfo.top, rows.back], [info.padInfo.left, cols.back], [0, 0]],
      dataFormat: 'NHWC',
      dimRoundingMode: 'floor',
    });
  } finally {
    // Disposing dyT also drops the XNNPACK operator cached for it as a filter.
    release(wasm, xT, dyT);
  }
  if (ci === 1) return giveAs(out, [fh, fw, 1, co]); // [1, fh, fw, Co] already has the right layout
  const result = transpose(wasm, out, [1, 2, 0, 3]);
  release(wasm, out);
  return result;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
