/**
 * Stock wasm's Identity copies its input into a new buffer. tfjs calls it for every `clone`, and its
 * engine clones each input it saves for the backward pass, so on a CNN the copies were 7-8% of a
 * training step (bench/blas.ts --profile). cpu's Identity, and wasm's own Reshape, share the data and
 * take a reference instead; this does the same. Nothing in tfjs or rxtrain writes into an input's
 * buffer, with one exception that checks first: the native Adam update (lib/backend/blas/blas-adam.ts)
 * updates a weight in place only when no other tensor holds its data (refCount 1).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { asWasm } from './wasm-ops.js';

export const identityConfig: tf.KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const x = inputs.x!;
    asWasm(backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};
