/**
 * `BatchMatMul` and `_FusedMatMul` (matMul + bias + activation) for the wasm backend, replacing the
 * stock kernels' slow path: a transposed operand is transposed explicitly and a batch of `a` against
 * one `b` becomes more rows, so the product runs on XNNPACK (mat-mul-operands.ts says why), with any
 * bias and activation fused as before. A `b` with a batch of its own, or non-float32 operands, still go
 * to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasm, giveAs, runStock } from './wasm-ops.js';
import { fastOperands, releaseOperands } from './mat-mul-operands.js';

function fastMatMul(kernelName: typeof tf.BatchMatMul | typeof tf._FusedMatMul): tf.KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo => {
    const wasm = asWasm(backend);
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const ops = a.dtype === 'float32' && b.dtype === 'float32'
      ? fastOperands(wasm, a, b, transposeA, transposeB)
      : undefined;
    if (ops === undefined) return runStock(kernelName, wasm, inputs, attrs);
    try {
      const out = runStock(kernelName, wasm, { ...inputs, a: ops.a, b: ops.b }, { ...attrs, transposeA: false, transposeB: false });
      return giveAs(out, ops.outShape);
    } finally {
      releaseOperands(wasm, ops);
    }
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}

export const batchMatMulConfig: tf.KernelConfig = fastMatMul(tf.BatchMatMul);
export const fusedMatMulConfig: tf.KernelConfig = fastMatMul(tf._FusedMatMul);
