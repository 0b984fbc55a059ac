/**
 * Makes the wasm backend a full training backend. Stock @tensorflow/tfjs-backend-wasm 4.22.0 lacks the
 * kernels that only gradients use (found by training each model family: bench/wasm-probe.ts), so
 * `tf.variableGrads` / `optimizer.minimize` fail on any conv, depthwise/separable conv or embedding
 * layer. rxtrain registers its own, built on wasm's fast kernels (lib/backend/kernels/), and can
 * replace the stock kernels that are wrong or slow for training. docs/wasm-backend.md has the lists.
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import { batchMatMulConfig, fusedMatMulConfig } from './kernels/fast-mat-mul.js';
import { rememberStock, stockKernel, stockKernelConfigs } from './kernels/wasm-ops.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/depthwise-conv2d-native-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/depthwise-conv2d-native-backprop-input.js';
import { unsortedSegmentSumConfig } from './kernels/unsorted-segment-sum.js';
import { clipByValueConfig, fusedConv2DConfig, relu6Config } from './kernels/nan-propagating.js';
import { identityConfig } from './kernels/identity.js';

/** Every kernel rxtrain can add to the wasm backend. */
export const wasmTrainingKernels: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/**
 * Register, for the backend `'wasm'`, each training kernel it lacks. Idempotent: a kernel that is
 * already there (a later tfjs may ship its own, or this ran before) is left alone.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmTrainingKernels } from 'rxtrain';
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels(); // ['Conv2DBackpropFilter', ...] the first time, [] after
 * ```
 * @returns The names of the kernels registered by this call.
 */
export function registerWasmTrainingKernels(): string[] {
  const registered: string[] = [];
  for (const config of wasmTrainingKernels) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}

/**
 * Kernels that stock wasm has but that a CNN should not use: its MaxPoolGrad gives wrong gradients
 * once there is more than one channel (test/backend/wasm-kernels.test.ts shows it against cpu), and
 * its Conv2DBackpropInput is a plain C++ loop, a third of a CNN step (bench/wasm-cnn.ts --profile);
 * its BatchMatMul and _FusedMatMul take XNNPACK's path only without transposes and without a batch,
 * and fall to a plain loop 6-13x slower otherwise, which is every dense layer's backward pass. Its
 * clamps (ClipByValue, Relu6, the fused activations of _FusedMatMul and FusedConv2D) turn NaN into a
 * bound, which hid a broken model behind finite predictions. Its Identity copies the data where cpu's
 * shares it, and tfjs clones every input it saves for a gradient (7-8% of a CNN step).
 */
export const wasmReplacementKernels: readonly tf.KernelConfig[] = [
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  clipByValueConfig,
  relu6Config,
  fusedConv2DConfig,
  identityConfig,
];

/**
 * Replace, for the backend `'wasm'`, the stock kernels that are wrong or slow for training with
 * rxtrain's (equal to the cpu backend's within 1e-4 relative, and faster). Idempotent. The stock
 * kernels stay available through {@link stockWasmKernel} and come back with
 * {@link restoreStockWasmKernels}.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels();
 * replaceStockWasmKernels(); // ['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', '_FusedMatMul'], then []
 * ```
 * @returns The names of the kernels replaced by this call.
 */
export function replaceStockWasmKernels(): string[] {
  const replaced: string[] = [];
  for (const config of wasmReplacementKernels) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current === config) continue;
    if (current !== undefined) {
      rememberStock(current);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
    replaced.push(config.kernelName);
  }
  return replaced;
}

/** The stock wasm kernel that {@link replaceStockWasmKernels} replaced, if it did. */
export function stockWasmKernel(name: string): tf.KernelConfig | undefined {
  return stockKernel(name);
}

/** Undo {@link replaceStockWasmKernels}. @returns The names of the kernels put back. */
export function restoreStockWasmKernels(): string[] {
  const restored: string[] = [];
  for (const config of stockKernelConfigs()) {
    const name = config.kernelName;
    if (tf.getKernel(name, 'wasm') === config) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
    restored.push(name);
  }
  return restored;
}
