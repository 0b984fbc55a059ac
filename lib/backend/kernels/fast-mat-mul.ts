/**
 * `BatchMatMul` and `_FusedMatMul` (matMul + bias + activation) for the wasm backend, replacing the
 * stock kernels' slow path: a transposed operand is transposed explicitly and a batch of `a` against
 * one `b` becomes more rows, so the product runs on XNNPACK (mat-mul-operands.ts says why), with any
 * bias fused as before and the activation applied apart (nan-propagating.ts). A `b` with a batch of
 * its own, or non-float32 operands, still go to the stock kernel. When the native BLAS add-on is
 * active (lib/backend/blas/), the product runs there instead, in place on the heap, for every layout
 * it handles.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asWasm, giveAs, runStock } from './wasm-ops.js';
import { fastOperands, releaseOperands } from './mat-mul-operands.js';
import { withSeparateActivation } from './nan-propagating.js';
import { blasMatMul } from '../blas/blas-mat-mul.js';

function fastMatMul(kernelName: typeof tf.BatchMatMul | typeof tf._FusedMatMul): tf.KernelFunc {
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
  return kernelFunc as tf.KernelFunc;
}

/** The BLAS kernel when it takes the case, else `onWasm`. */
function blasFirst(onWasm: tf.KernelFunc): tf.KernelFunc {
  const kernelFunc = (args: Parameters<tf.KernelFunc>[0]) => blasMatMul(asWasm(args.backend), args.inputs, args.attrs ?? {}) ?? onWasm(args);
  return kernelFunc as tf.KernelFunc;
}

export const batchMatMulConfig: tf.KernelConfig = { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc: blasFirst(fastMatMul(tf.BatchMatMul)) };
/**
 * On wasm, its activation runs apart from the product, so that NaN survives a relu
 * (nan-propagating.ts); the BLAS path applies it in its own NaN-keeping pass.
 */
export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: 'wasm',
  kernelFunc: blasFirst(withSeparateActivation(tf._FusedMatMul, fastMatMul(tf._FusedMatMul)).kernelFunc),
};
