/**
 * `Conv2DBackpropInput` for the wasm backend, replacing the stock one (a plain C++ loop that ran at
 * about 2 GFLOP/s and was a third of a CNN training step): the input gradient of a convolution.
 *
 *   dx[n, h, w, ci] = Σ_{a,b,co} dyUp[n, h + pt − a, w + pl − b, co] · f[a, b, ci, co]
 *
 * where dyUp is dy with s − 1 zeros inserted between rows and columns. That is wasm's own forward
 * Conv2D (XNNPACK) of dyUp with the filter flipped in space and its channel axes exchanged,
 * [fh, fw, Co, Ci], stride 1. Zero insertion wastes s² of the work for strides > 1, and even so it
 * measured faster than the stock kernel (bench/wasm-kernels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { blasConv2DBackpropInput } from '../blas/blas-conv2d.js';
import { asWasm, cropNhwc, endPadding, giveAs, pair, release, runWasm, transpose, view } from './wasm-ops.js';

function conv2dBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = asWasm(backend);
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') {
    throw new Error("rxtrain wasm Conv2DBackpropInput: dataFormat 'NCHW' is not supported (nor is it by wasm's Conv2D); use 'NHWC'");
  }
  const onBlas = blasConv2DBackpropInput(wasm, dy, filter, attrs as unknown as tf.Conv2DBackpropInputAttrs);
  if (onBlas !== undefined) return onBlas;
  const [fh, fw, ci, co] = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, [fh, fw, ci, co], strides, 1, pad, dimRoundingMode);
  const [sh, sw] = pair(strides);
  const [n, h, w] = inputShape;
  const [, outH, outW] = dy.shape as [number, number, number, number];

  const up = sh > 1 || sw > 1
    ? runWasm('PadV2', wasm, { x: view(dy, [n, outH, 1, outW, 1, co]) }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
      constantValue: 0,
    })
    : undefined;
  const upH = outH * sh;
  const upW = outW * sw;
  // Padding in front is (fh − 1 − pt); an explicit pt ≥ fh makes it negative, and then the front of
  // dyUp is cropped instead, as is any excess at the end.
  const top = fh - 1 - info.padInfo.top;
  const left = fw - 1 - info.padInfo.left;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  const rows = endPadding(upH - cropTop, Math.max(0, top), h, fh, 1);
  const cols = endPadding(upW - cropLeft, Math.max(0, left), w, fw, 1);
  const upInfo = up === undefined ? dy : view(up, [n, upH, upW, co]);
  const cropped = cropTop + cropLeft + rows.crop + cols.crop > 0
    ? cropNhwc(wasm, upInfo, cropTop, cropLeft, upH - cropTop - rows.crop, upW - cropLeft - cols.crop)
    : undefined;
  if (cropped !== undefined) release(wasm, up);
  const src = cropped ?? upInfo;

  const flipped = runWasm('Reverse', wasm, { x: filter }, { dims: [0, 1] });
  const swapped = transpose(wasm, flipped, [0, 1, 3, 2]); // [fh, fw, Co, Ci]
  release(wasm, flipped);
  let out: tf.TensorInfo;
  try {
    out = runWasm('Conv2D', wasm, { x: src, filter: swapped }, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [[0, 0], [Math.max(0, top), rows.back], [Math.max(0, left), cols.back], [0, 0]],
      dataFormat: 'NHWC',
      dimRoundingMode: 'floor',
    });
  } finally {
    // Disposing the swapped filter also drops the XNNPACK operator cached for it.
    release(wasm, swapped, cropped ?? up);
  }
  return giveAs(out, [n, h, w, ci]);
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};
