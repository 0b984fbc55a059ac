/**
 * Stock wasm runs a matMul on XNNPACK only when neither operand is transposed and neither has a batch
 * (in tfjs 4.22's batch_mat_mul_impl.cc); every other case runs a plain C++ loop, 6-13x slower.
 * Backward passes are all transposed matMuls. An explicit transpose costs one pass over an operand,
 * far less than the product, so rxtrain rewrites each matMul into the fast form when it can.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, transpose, view } from './wasm-ops.js';

export interface FastOperands {
  /** [1, rows, k], owned by the caller when `ownA`. */
  readonly a: tf.TensorInfo;
  /** [1, k, n], owned by the caller when `ownB`. */
  readonly b: tf.TensorInfo;
  readonly ownA: boolean;
  readonly ownB: boolean;
  /** The shape the product must have for the caller. */
  readonly outShape: number[];
}

/** Make a transpose of the last two axes explicit; a 2-D view when there is no batch. */
function untranspose(backend: BackendWasm, t: tf.TensorInfo, batch: number): tf.TensorInfo {
  const [r, c] = t.shape.slice(-2) as [number, number];
  return batch === 1
    ? transpose(backend, view(t, [r, c]), [1, 0])
    : transpose(backend, view(t, [batch, r, c]), [0, 2, 1]);
}

/**
 * The operands of a (batch) matMul in the form XNNPACK takes, or undefined when there is none (b has
 * a batch of its own: then each batch would need its own XNNPACK operator; stock handles it).
 */
export function fastOperands(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): FastOperands | undefined {
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  if (batchB !== 1) return undefined;
  const [a0, a1] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  const rows = transposeA ? a1 : a0;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? b0 : b1;
  if ((transposeB ? b1 : b0) !== k) {
    throw new Error(`matMul: inner shapes (${k}) and (${transposeB ? b1 : b0}) of [${a.shape}] and [${b.shape}] must match (transposeA=${transposeA}, transposeB=${transposeB})`);
  }
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const aT = transposeA ? untranspose(backend, a, batchA) : undefined;
  let bT: tf.TensorInfo | undefined;
  try {
    bT = transposeB ? untranspose(backend, b, 1) : undefined;
  } catch (e) {
    release(backend, aT);
    throw e;
  }
  // With b shared by every batch of a, the batches of a are just more rows.
  return {
    a: view(aT ?? a, [1, batchA * rows, k]),
    b: view(bT ?? b, [1, k, n]),
    ownA: aT !== undefined,
    ownB: bT !== undefined,
    outShape: [...batchShape, rows, n],
  };
}

export function releaseOperands(backend: BackendWasm, ops: FastOperands): void {
  if (ops.ownA) release(backend, ops.a);
  if (ops.ownB) release(backend, ops.b);
}
