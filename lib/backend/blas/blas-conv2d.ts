/**
 * Conv2D and its two gradients on the native BLAS, as im2col + one sgemm on the wasm heap:
 *
 *   forward        y[rows, co]  = cols[rows, K] · W[K, co]
 *   filter grad    dW[K, co]    = colsᵀ · dy[rows, co]
 *   input grad     dcols        = dy · Wᵀ, then col2im (the adjoint of im2col) gives dx
 *
 * with rows = n·outH·outW and K = fh·fw·ci: an HWIO filter is already W[K, co] and NHWC dy is
 * already dy[rows, co]. The patches (cols) are gathered natively into a heap buffer freed at once.
 * Returns undefined for what it does not handle (no add-on, NCHW, non-float32): the caller runs
 * wasm's kernel then. Which of the three beat XNNPACK, and so are used, is in docs/wasm-backend.md.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBlas } from './blas-active.js';
import { heapBuffer, heapOffset } from '../kernels/wasm-ops.js';
import type { BlasAddon, ConvGeometryArgs } from './blas-addon.js';

type Conv2DAttrs = tf.Conv2DAttrs;

interface Geometry {
  readonly info: tf.backend_util.Conv2DInfo;
  readonly rows: number;
  readonly k: number;
  /** A 1×1 filter at stride 1 without padding: x itself is the patch matrix. */
  readonly pointwise: boolean;
}

function geometry(xShape: number[], filterShape: number[], attrs: Pick<Conv2DAttrs, 'strides' | 'pad' | 'dimRoundingMode'> & { dilations?: Conv2DAttrs['dilations'] }): Geometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode,
  );
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const pointwise = info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1 && info.padInfo.top === 0 && info.padInfo.left === 0;
  return { info, rows, k, pointwise };
}

function geometryArgs(g: Geometry, colsOffset: number): ConvGeometryArgs {
  const i = g.info;
  return [i.batchSize, i.inHeight, i.inWidth, i.inChannels, i.filterHeight, i.filterWidth, i.strideHeight, i.strideWidth, i.dilationHeight, i.dilationWidth, i.padInfo.top, i.padInfo.left, i.outHeight, i.outWidth, colsOffset];
}

function usable(attrs: { dataFormat?: string }, ...ts: tf.TensorInfo[]): BlasAddon | undefined {
  const blas = activeBlas();
  if (blas === undefined || attrs.dataFormat === 'NCHW' || attrs.dataFormat === 'channelsFirst') return undefined;
  return ts.every((t) => t.dtype === 'float32') ? blas : undefined;
}

/** The patches of x as a [rows, K] heap tensor (the caller releases it). */
function patches(blas: BlasAddon, backend: BackendWasm, x: tf.TensorInfo, g: Geometry): tf.TensorInfo {
  const cols = backend.makeOutput([g.rows, g.k], 'float32');
  const heap = heapBuffer(backend, cols);
  blas.im2col(heap, heapOffset(backend, x), ...geometryArgs(g, heapOffset(backend, cols)));
  return cols;
}

/**
 * Run `product` (given the heap and the patches' offset) with x's patches, gathered into a heap buffer
 * freed afterwards, or x itself for a pointwise filter; returns `out`, which `product` fills.
 */
function onPatches(blas: BlasAddon, backend: BackendWasm, x: tf.TensorInfo, g: Geometry, out: tf.TensorInfo, product: (heap: ArrayBuffer, colsOffset: number) => void): tf.TensorInfo {
  const cols = g.pointwise ? x : patches(blas, backend, x, g);
  try {
    product(heapBuffer(backend, out), heapOffset(backend, cols));
  } finally {
    if (cols !== x) backend.disposeData(cols.dataId);
  }
  return out;
}

export function blasConv2D(backend: BackendWasm, x: tf.TensorInfo, filter: tf.TensorInfo, attrs: Conv2DAttrs): tf.TensorInfo | undefined {
  const blas = usable(attrs, x, filter);
  if (blas === undefined) return undefined;
  const g = geometry(x.shape, filter.shape, attrs);
  const co = g.info.outChannels;
  const out = backend.makeOutput([g.info.batchSize, g.info.outHeight, g.info.outWidth, co], 'float32');
  return onPatches(blas, backend, x, g, out, (heap, cols) =>
    blas.sgemm(heap, false, false, g.rows, co, g.k, cols, heapOffset(backend, filter), heapOffset(backend, out), 1, 0, 0, 0));
}

export function blasConv2DBackpropFilter(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, attrs: tf.Conv2DBackpropFilterAttrs): tf.TensorInfo | undefined {
  const blas = usable(attrs, x, dy);
  if (blas === undefined) return undefined;
  const g = geometry(x.shape, attrs.filterShape, attrs);
  const co = g.info.outChannels;
  const out = backend.makeOutput([...attrs.filterShape], 'float32');
  return onPatches(blas, backend, x, g, out, (heap, cols) =>
    blas.sgemm(heap, true, false, g.k, co, g.rows, cols, heapOffset(backend, dy), heapOffset(backend, out), 1, 0, 0, 0));
}

export function blasConv2DBackpropInput(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, attrs: tf.Conv2DBackpropInputAttrs): tf.TensorInfo | undefined {
  const blas = usable(attrs, dy, filter);
  if (blas === undefined) return undefined;
  const g = geometry([...attrs.inputShape], filter.shape, attrs);
  const co = g.info.outChannels;
  const dx = backend.makeOutput([...attrs.inputShape], 'float32');
  if (g.pointwise) {
    const heap = heapBuffer(backend, dx);
    blas.sgemm(heap, false, true, g.rows, g.k, co, heapOffset(backend, dy), heapOffset(backend, filter), heapOffset(backend, dx), 1, 0, 0, 0);
    return dx;
  }
  const dcols = backend.makeOutput([g.rows, g.k], 'float32');
  try {
    const heap = heapBuffer(backend, dcols);
    blas.sgemm(heap, false, true, g.rows, g.k, co, heapOffset(backend, dy), heapOffset(backend, filter), heapOffset(backend, dcols), 1, 0, 0, 0);
    blas.col2im(heap, heapOffset(backend, dx), ...geometryArgs(g, heapOffset(backend, dcols)));
  } finally {
    backend.disposeData(dcols.dataId);
  }
  return dx;
}
