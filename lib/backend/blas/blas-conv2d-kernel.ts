/**
 * The forward Conv2D on the BLAS (im2col + sgemm, blas-conv2d.ts): 1-3x faster than XNNPACK's on
 * training's shapes (bench/blas-conv.ts). Without BLAS rxtrain leaves wasm's Conv2D alone, so this
 * kernel is installed only when BLAS is first turned on, keeps the stock one to fall back to (BLAS
 * turned off again, NCHW, non-float32), and stays out of replaceStockWasmKernels' list.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasm, runConfig } from '../kernels/wasm-ops.js';
import { blasConv2D } from './blas-conv2d.js';

let stock: tf.KernelConfig | undefined;

const config: tf.KernelConfig = {
  kernelName: tf.Conv2D,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) => {
    const wasm = asWasm(backend);
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    return blasConv2D(wasm, x, filter, attrs as unknown as tf.Conv2DAttrs) ?? runConfig(stock!, wasm, inputs, attrs);
  }) as tf.KernelFunc,
};

/** Put the BLAS-first Conv2D in place of wasm's (idempotent; nothing when wasm has no Conv2D). */
export function installBlasConv2D(): void {
  const current = tf.getKernel(tf.Conv2D, 'wasm');
  if (current === undefined || current === config) return;
  stock = current;
  tf.unregisterKernel(tf.Conv2D, 'wasm');
  tf.registerKernel(config);
}
