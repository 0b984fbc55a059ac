/**
 * Sum over leading axes ([N, H, W, C] → [C]: every bias gradient) on the BLAS add-on's native loop,
 * reading x once row after row. Stock wasm's Sum first transposes the reduced axes to the end, which
 * is most of its time on these shapes. Other reductions, int32, or no add-on: undefined (wasm's Sum).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBlas } from './blas-active.js';
import { heapBuffer, heapOffset } from '../kernels/wasm-ops.js';

/** How many leading axes `axis` names (0, 1, ... k−1, in any order, k below the rank), or 0. */
function leadingAxes(axis: number | number[], shape: number[]): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape))].sort((a, b) => a - b);
  const leading = axes.every((a, i) => a === i);
  return leading && axes.length < shape.length ? axes.length : 0;
}

export function blasSum(backend: BackendWasm, x: tf.TensorInfo, attrs: Pick<tf.SumAttrs, 'axis' | 'keepDims'>): tf.TensorInfo | undefined {
  const blas = activeBlas();
  if (blas === undefined || x.dtype !== 'float32') return undefined;
  const k = leadingAxes(attrs.axis, x.shape);
  if (k === 0) return undefined;
  const kept = x.shape.slice(k);
  const out = backend.makeOutput(attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...kept] : kept, 'float32');
  const cols = tf.util.sizeFromShape(kept);
  const rows = cols === 0 ? 0 : tf.util.sizeFromShape(x.shape) / cols;
  blas.sumRows(heapBuffer(backend, out), heapOffset(backend, x), rows, cols, heapOffset(backend, out));
  return out;
}
