/**
 * The start of the BLAS kernel benchmarks: wasm with all of rxtrain's kernels and the add-on on (one
 * BLAS thread), or, without the add-on, a line saying why and a skipped result, and exit.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, replaceStockWasmKernels } from '../lib/backend/register-wasm-kernels.js';
import { blasUnavailable, chooseBlas } from '../lib/backend/blas/blas-state.js';

export async function wasmWithBlasOrSkip(bench: string): Promise<void> {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
  replaceStockWasmKernels();
  if (chooseBlas({ threads: 1 })) return;
  console.error(`bench/${bench}.ts skipped: it needs the BLAS add-on: ${blasUnavailable()}`);
  console.log(JSON.stringify({ bench, skipped: blasUnavailable() }));
  process.exit(0);
}
