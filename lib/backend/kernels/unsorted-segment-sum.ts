/**
 * `UnsortedSegmentSum` for the wasm backend: out[s, ...] = Σ_{i : ids[i] = s} x[i, ...]. It is the
 * gradient of `gather`, so every embedding layer needs it.
 *
 * One pass over x, adding each row into its segment, straight on the wasm heap: O(size of x), where
 * cpu's kernel does one masked sum per segment, O(numSegments · size of x). Ids outside
 * [0, numSegments) are dropped, as TensorFlow does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasm } from './wasm-ops.js';
import { kernelAttrs } from './kernel-attrs.js';

function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = asWasm(backend);
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = kernelAttrs<tf.UnsortedSegmentSumAttrs>(attrs);
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`rxtrain wasm UnsortedSegmentSum: x must be float32 or int32 (got ${x.dtype})`);
  }
  const idsShape = segmentIds.shape;
  if (idsShape.some((d, i) => x.shape[i] !== d)) {
    throw new Error(`rxtrain wasm UnsortedSegmentSum: segmentIds shape [${idsShape}] must be a prefix of x shape [${x.shape}]`);
  }
  const rowShape = x.shape.slice(idsShape.length);
  const rowSize = tf.util.sizeFromShape(rowShape);
  const out = wasm.makeOutput([numSegments, ...rowShape], x.dtype);
  // Views after makeOutput (which may grow the heap); makeOutput's memory is not zeroed.
  const dst = wasm.typedArrayFromHeap(out);
  dst.fill(0);
  const src = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const from = i * rowSize;
    const to = s * rowSize;
    for (let k = 0; k < rowSize; k++) dst[to + k]! += src[from + k]!;
  }
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
