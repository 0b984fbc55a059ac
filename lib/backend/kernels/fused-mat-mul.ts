/**
 * `_FusedMatMul` (matMul + bias + activation) for the wasm backend, replacing the stock one's slow
 * path the same way as batch-mat-mul.ts: explicit transposes and a batch of `a` folded into rows, so
 * the product runs on XNNPACK with the bias and activation fused as before.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasm, giveAs, runStock } from './wasm-ops.js';
import { fastOperands, releaseOperands } from './mat-mul-operands.js';

function fusedMatMul({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = asWasm(backend);
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as tf._FusedMatMulAttrs;
  const ops = a.dtype === 'float32' && b.dtype === 'float32'
    ? fastOperands(wasm, a, b, transposeA, transposeB)
    : undefined;
  if (ops === undefined) return runStock(tf._FusedMatMul, wasm, inputs, attrs);
  try {
    const out = runStock(tf._FusedMatMul, wasm, { ...inputs, a: ops.a, b: ops.b }, { ...attrs, transposeA: false, transposeB: false });
    return giveAs(out, ops.outShape);
  } finally {
    releaseOperands(wasm, ops);
  }
}

export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: 'wasm',
  kernelFunc: fusedMatMul,
};
