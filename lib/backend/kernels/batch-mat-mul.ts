/**
 * `BatchMatMul` for the wasm backend, replacing the stock one's slow path: a transposed operand is
 * transposed explicitly and a batch of `a` against one `b` becomes more rows, so the product runs on
 * XNNPACK (mat-mul-operands.ts says why). A `b` with a batch of its own still goes to stock.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasm, giveAs, runStock } from './wasm-ops.js';
import { fastOperands, releaseOperands } from './mat-mul-operands.js';

function batchMatMul({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = asWasm(backend);
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  const ops = a.dtype === 'float32' && b.dtype === 'float32'
    ? fastOperands(wasm, a, b, transposeA, transposeB)
    : undefined;
  if (ops === undefined) return runStock(tf.BatchMatMul, wasm, inputs, attrs);
  try {
    const out = runStock(tf.BatchMatMul, wasm, { a: ops.a, b: ops.b }, { transposeA: false, transposeB: false });
    return giveAs(out, ops.outShape);
  } finally {
    releaseOperands(wasm, ops);
  }
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};
