/**
 * A stock wasm kernel taken over by a native one from the BLAS add-on. Without BLAS rxtrain leaves
 * these stock kernels alone, so each is installed only when BLAS is first turned on, keeps the stock
 * one to fall back to (BLAS turned off again, or a case the native kernel does not handle: it returns
 * undefined then), and stays out of replaceStockWasmKernels' list.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { asWasm, runConfig } from '../kernels/wasm-ops.js';

export type NativeFirst = (backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => tf.TensorInfo | undefined;

export interface BlasFirstKernel {
  readonly config: tf.KernelConfig;
  /** Put it in place of wasm's (idempotent; nothing when wasm has no such kernel). */
  install(): void;
}

export function blasFirstKernel(kernelName: string, native: NativeFirst): BlasFirstKernel {
  let stock: tf.KernelConfig | undefined;
  const config: tf.KernelConfig = {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend, attrs }) => {
      const wasm = asWasm(backend);
      return native(wasm, inputs, attrs ?? {}) ?? runConfig(stock!, wasm, inputs, attrs);
    }) as tf.KernelFunc,
  };
  const install = () => {
    const current = tf.getKernel(kernelName, 'wasm');
    if (current === undefined || current === config) return;
    stock = current;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel(config);
  };
  return { config, install };
}
