/**
 * MaxPool and MaxPoolGrad on the BLAS add-on's native loops (native/rxtrain_blas.cc), in place on
 * the wasm heap: the cpu backend's rules (the first strictly larger value of each window wins, from
 * -Infinity, padding excluded), which stock wasm's MaxPool does not follow for NaN. Returns undefined
 * (the caller runs the wasm kernel) without the add-on or for non-float32 tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBlas } from './blas-active.js';
import { heapBuffer, heapOffset } from '../kernels/wasm-ops.js';
import type { BlasAddon, PoolGeometryArgs } from './blas-addon.js';
import { maxPoolGradGeometry } from '../kernels/max-pool-grad-geometry.js';

type PoolAttrs = Pick<tf.MaxPoolAttrs, 'filterSize' | 'strides' | 'pad' | 'dimRoundingMode'>;

function usable(...ts: tf.TensorInfo[]): BlasAddon | undefined {
  const blas = activeBlas();
  return blas !== undefined && ts.every((t) => t.dtype === 'float32' && t.shape.length === 4) ? blas : undefined;
}

function poolArgs(i: tf.backend_util.Conv2DInfo, yOffset: number): PoolGeometryArgs {
  return [i.batchSize, i.inHeight, i.inWidth, i.inChannels, i.effectiveFilterHeight, i.effectiveFilterWidth, i.strideHeight, i.strideWidth, i.padInfo.top, i.padInfo.left, i.outHeight, i.outWidth, yOffset];
}

export function blasMaxPool(backend: BackendWasm, x: tf.TensorInfo, attrs: PoolAttrs): tf.TensorInfo | undefined {
  const blas = usable(x);
  if (blas === undefined) return undefined;
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const y = backend.makeOutput([...info.outShape], 'float32');
  // The heap's buffer is taken after makeOutput: an allocation may grow the memory and replace it.
  blas.maxPool(heapBuffer(backend, y), heapOffset(backend, x), ...poolArgs(info, heapOffset(backend, y)));
  return y;
}

export function blasMaxPoolGrad(backend: BackendWasm, dy: tf.TensorInfo, input: tf.TensorInfo, attrs: PoolAttrs): tf.TensorInfo | undefined {
  const blas = usable(dy, input);
  if (blas === undefined) return undefined;
  const info = maxPoolGradGeometry(input.shape, dy.shape, attrs);
  const dx = backend.makeOutput([...input.shape], 'float32');
  blas.maxPoolGrad(heapBuffer(backend, dx), heapOffset(backend, input), ...poolArgs(info, heapOffset(backend, dy)), heapOffset(backend, dx));
  return dx;
}
