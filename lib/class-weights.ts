/**
 * Class weights and per-sample weights in the training loss, as Keras's `class_weight` and
 * `sample_weight`: each sample's loss is multiplied by its weight (its class's weight times its own
 * `ArrayDataset.weights` entry) and a batch's loss is `Σ wᵢ·lossᵢ / n` over its n samples (not divided
 * by the sum of the weights). Metrics are not weighted: they are Keras's `metrics`, not its
 * `weighted_metrics`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { configError } from './errors.js';
import type { Loss } from './losses.js';
import type { Batch } from './events.js';
import type { ArrayDataset } from './data/types.js';
import { modelSignature } from './check-model-data.js';
import { classIds } from './metrics/class-ids.js';

/** A weight per class id (`{ 0: 1, 1: 4.5 }`); a class left out weighs 1. */
export type ClassWeight = Readonly<Record<number, number>>;

/** Number of classes the model's output scores, for class weights: a single sigmoid output is two. */
function modelClasses(where: string, model: tfl.LayersModel, loss: Loss): number {
  if (loss === 'meanSquaredError' || loss === 'meanAbsoluteError') {
    throw configError(where, 'classWeight', `weights classes: it needs a classification loss (categoricalCrossentropy, sparseCategoricalCrossentropy, or binaryCrossentropy with one sigmoid output), not ${loss}`);
  }
  const sig = modelSignature(model, where);
  if (sig.outputShape.length !== 1 || !Number.isInteger(sig.classes)) {
    throw configError(where, 'classWeight', `needs one class a sample, but the model's outputs have shape [${sig.outputShape.join(', ')}] a sample`);
  }
  if (loss === 'binaryCrossentropy' && sig.classes > 1) {
    throw configError(where, 'classWeight', `needs one class a sample: with binaryCrossentropy, a single sigmoid output (this model has ${sig.classes} outputs, several labels a sample)`);
  }
  return sig.classes === 1 ? 2 : sig.classes;
}

/**
 * Validate a `classWeight` map against the model it trains, and resolve it to one weight per class id
 * (1 for the classes it leaves out).
 *
 * @throws RxtrainError `INVALID_CONFIG` naming the class: a key that is no class id of the model, a
 *   weight that is negative, NaN or infinite; or a model or loss without one class a sample.
 */
export function resolveClassWeight(where: string, value: unknown, model: tfl.LayersModel, loss: Loss): number[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(where, 'classWeight', "must be a map from class id to weight, e.g. { 0: 1, 1: 4 } (train() also takes 'balanced')", value);
  }
  const classes = modelClasses(where, model, loss);
  const weights = new Array<number>(classes).fill(1);
  for (const [key, w] of Object.entries(value)) {
    if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) >= classes) {
      throw configError(where, `classWeight[${JSON.stringify(key)}]`, `names no class of the model: its classes are the ids 0..${classes - 1}`);
    }
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw configError(where, `classWeight[${key}]`, `is the weight of class ${key}: it must be a finite number ≥ 0`, w);
    }
    weights[Number(key)] = w;
  }
  return weights;
}

/**
 * Weights that make every class count as much in the loss, as scikit-learn's
 * `compute_class_weight('balanced')`: `n / (k · count_c)` for each of the k classes present among the
 * n samples. Class ids: integer labels; one-hot rows (their arg-max); 0/1 float labels (above 0.5).
 *
 * @example
 * ```ts
 * import { breastCancer, balancedClassWeight } from 'rxtrain';
 * console.log(balancedClassWeight(breastCancer())); // { '0': 1.3419..., '1': 0.7969... }
 * ```
 * @param where, field Name the caller and its option in an error.
 * @throws RxtrainError `INVALID_CONFIG` when the targets are not class labels.
 */
export function balancedClassWeight(data: ArrayDataset, where = 'balancedClassWeight()', field = 'data'): Record<number, number> {
  const ids = hostClassIds(where, field, data);
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const out: Record<number, number> = {};
  for (const id of [...counts.keys()].sort((a, b) => a - b)) out[id] = ids.length / (counts.size * counts.get(id)!);
  return out;
}

function hostClassIds(where: string, field: string, data: ArrayDataset): Int32Array {
  const of = data.name ? `'${data.name}'` : 'the data set';
  if (data.yShape.length === 0) {
    if (data.y instanceof Int32Array) return data.y;
    const ids = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data.y[i]!;
      if (!(v >= 0 && v <= 1)) throw configError(where, field, `needs class labels, but ${of} has the float target ${v} at row ${i} (class ids are integers; binary labels 0/1)`);
      ids[i] = v > 0.5 ? 1 : 0;
    }
    return ids;
  }
  if (data.yShape.length === 1) {
    const k = data.yShape[0]!;
    return Int32Array.from({ length: data.length }, (_, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (data.y[i * k + c]! > data.y[i * k + best]!) best = c;
      return best;
    });
  }
  throw configError(where, field, `needs class labels (integer ids, one-hot rows or 0/1), but ${of} has targets of shape [${data.yShape.join(', ')}]`);
}

/**
 * The loss weight of each sample of a batch `[n]`: its class's weight times its own, or undefined when
 * neither is given. Call inside a `tf.tidy`.
 */
export function sampleLossWeights(batch: Batch, yPred: tf.Tensor, classWeight: readonly number[] | undefined): tf.Tensor | undefined {
  if (!classWeight) return batch.weights;
  const byClass = tf.gather(tf.tensor1d(classWeight as number[], 'float32'), classIds(batch.ys, yPred).truth);
  return batch.weights ? tf.mul(batch.weights, byClass) : byClass;
}

/** `Σ wᵢ·lossᵢ / n` over the n samples, or the plain mean without weights. */
export function weightedMean(perSample: tf.Tensor, weights: tf.Tensor | undefined): tf.Scalar {
  if (!weights) return tf.mean(perSample);
  return tf.div(tf.sum(tf.mul(perSample, weights)), perSample.shape[0] ?? 1);
}
