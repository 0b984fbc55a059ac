/**
 * An optimizer's state as named tensors, out and back in, for every checkpoint store: tfjs's
 * `getWeights()` makes a fresh iteration scalar each call (first) beside the optimizer's own variables,
 * and `setWeights()` makes new variables without freeing the ones it replaces. These two free exactly
 * what those calls leave behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedWeight } from '../io/save-load.js';

/** `f(weights)` on the optimizer's state, freeing the iteration scalar afterwards (the rest is the optimizer's own). */
export async function withOptimizerWeights<T>(opt: tf.Optimizer, f: (weights: NamedWeight[]) => Promise<T>): Promise<T> {
  const weights = await opt.getWeights();
  try {
    return await f(weights);
  } finally {
    weights[0]?.tensor.dispose();
  }
}

/** Set the optimizer's state to `values` (copied into new variables), and free the state they replace. The caller frees `values`. */
export async function setOptimizerWeights(opt: tf.Optimizer, values: NamedWeight[]): Promise<void> {
  const before = await opt.getWeights();
  try {
    await opt.setWeights(values);
  } finally {
    const after = await opt.getWeights();
    const live = new Set(after.slice(1).map((w) => w.tensor));
    for (const w of before.slice(1)) if (!live.has(w.tensor)) w.tensor.dispose();
    before[0]?.tensor.dispose();
    after[0]?.tensor.dispose();
  }
}
