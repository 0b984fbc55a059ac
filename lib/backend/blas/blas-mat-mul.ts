/**
 * BatchMatMul and _FusedMatMul on the native BLAS, reading and writing the wasm backend's heap at
 * the tensors' offsets: nothing is copied, and the result is an ordinary wasm tensor. The bias and
 * the activation (linear, relu, relu6, leakyrelu, sigmoid, elu) are one more native pass over the
 * output that keeps NaN, as cpu does. Returns undefined for what it does not handle (no add-on,
 * non-float32, prelu, a bias that is not [n], batch shapes that broadcast both ways): the caller
 * runs wasm's kernels then.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBlas } from './blas-active.js';
import { gemmPlan } from './gemm-plan.js';
import { heapBuffer, heapOffset } from '../kernels/wasm-ops.js';

/** tfjs-backend-wasm's FusableActivation numbers, which native/rxtrain_blas.cc uses too. */
const activations: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 4, sigmoid: 5, elu: 6 };

export function blasMatMul(backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo | undefined {
  const blas = activeBlas();
  if (blas === undefined) return undefined;
  const { a, b, bias, preluActivationWeights } = inputs;
  if (a === undefined || b === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const activation = activations[(attrs.activation as string | undefined) ?? 'linear'];
  if (activation === undefined || preluActivationWeights !== undefined) return undefined;
  const plan = gemmPlan(a.shape, b.shape, attrs.transposeA === true, attrs.transposeB === true);
  if (plan === undefined) return undefined;
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== plan.n)) return undefined;
  const out = backend.makeOutput(plan.outShape, 'float32');
  // The heap's buffer is taken after makeOutput: an allocation may grow the memory and replace it.
  const heap = heapBuffer(backend, out);
  const c = heapOffset(backend, out);
  blas.sgemm(heap, attrs.transposeA === true, attrs.transposeB === true, plan.m, plan.n, plan.k, heapOffset(backend, a), heapOffset(backend, b), c, plan.batch, plan.strideA, plan.strideB, plan.strideC);
  if (bias !== undefined || activation !== 0) {
    const rows = tf.util.sizeFromShape(plan.outShape) / plan.n;
    blas.biasActivation(heap, c, rows, plan.n, bias === undefined ? -1 : heapOffset(backend, bias), activation, (attrs.leakyreluAlpha as number | undefined) ?? 0.2);
  }
  return out;
}
