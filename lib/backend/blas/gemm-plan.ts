/**
 * How a tfjs (batch) matMul maps onto strided sgemm calls: row-major, each operand transposed or not,
 * a batch of `a` against one `b` folded into more rows when `a` is not transposed, otherwise one call
 * per batch with a stride of 0 for the operand that is shared. Batch shapes that broadcast in other
 * ways ([2, 1] against [1, 3]) have no plan; the caller falls back to wasm's kernels.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface GemmPlan {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  /** In floats, between consecutive batches (0: the same operand for all). */
  readonly strideA: number;
  readonly strideB: number;
  readonly strideC: number;
  /** The product's shape for tfjs: the broadcast batch shape, then rows and columns. */
  readonly outShape: number[];
}

export function gemmPlan(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): GemmPlan | undefined {
  if (aShape.length < 2 || bShape.length < 2) return undefined;
  const [a0, a1] = aShape.slice(-2) as [number, number];
  const [b0, b1] = bShape.slice(-2) as [number, number];
  const m = transposeA ? a1 : a0;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? b0 : b1;
  if ((transposeB ? b1 : b0) !== k) return undefined; // wasm's kernels say what is wrong
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  let batchShape: number[];
  try {
    batchShape = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  } catch {
    return undefined;
  }
  const batch = tf.util.sizeFromShape(batchShape);
  const batchA = tf.util.sizeFromShape(aBatch);
  const batchB = tf.util.sizeFromShape(bBatch);
  const outShape = [...batchShape, m, n];
  const base = { n, k, strideC: m * n, outShape };
  if (batchB === 1 && !transposeA) return { ...base, m: batchA * m, batch: 1, strideA: 0, strideB: 0, strideC: 0 };
  if (batchA === batch && batchB === batch) return { ...base, m, batch, strideA: m * k, strideB: k * n };
  if (batchB === 1 && batchA === batch) return { ...base, m, batch, strideA: m * k, strideB: 0 };
  if (batchA === 1 && batchB === batch) return { ...base, m, batch, strideA: 0, strideB: k * n };
  return undefined;
}
