/**
 * A batch as the replicas read it: its tensors' values as flat arrays (float32, or int32 for integer
 * tensors) and each sample's shape. The main thread copies them into shared memory for a step.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../events.js';
import type { BatchArrays } from './replica-group.js';

/** The batch's values as flat arrays (float32, or int32 for integer tensors). */
export function batchArrays(batch: Batch): BatchArrays {
  const flat = (t: tf.Tensor): Float32Array | Int32Array => {
    const v = t.dataSync();
    return v instanceof Float32Array || v instanceof Int32Array ? v : Float32Array.from(v as Uint8Array);
  };
  return { xs: flat(batch.xs), ys: flat(batch.ys), rows: batch.size, xShape: batch.xs.shape.slice(1), yShape: batch.ys.shape.slice(1) };
}
