/**
 * What each metric needs from a batch, computed on the device. A statistic is either summed over the
 * epoch (a scalar, a confusion matrix, regression sums: fixed shapes, one add per step) or kept as rows
 * and joined at the end (ranking metrics need every score). Metrics that read the same statistic share
 * it: `precision`, `recall` and `f1` cost one confusion matrix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { perSampleLoss, perSampleMetric, targetsLike, type Loss } from '../losses.js';
import { confusionMetric } from './confusion-scores.js';
import type { MetricKind } from './metric-names.js';
import { isTopKAccuracy, topK } from './metric-names.js';
import { classesOf, classIds, singleOutput } from './class-ids.js';
import { averagePrecision, rankingMetric, rocAuc } from './ranking-scores.js';
import { regressionMetric } from './regression-scores.js';

export interface Statistic {
  /** Metrics with the same key read the same statistic. */
  readonly key: string;
  /** `sum`: added up over the epoch; `rows`: per-sample rows, joined along the first axis. */
  readonly reduce: 'sum' | 'rows';
  /** The batch's statistic (call inside a `tf.tidy`). */
  batch(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;
}

export interface MetricPlan {
  readonly statistic: Statistic;
  /** The epoch's value from the statistic's values (its shape given) over `samples` samples. */
  finish(values: Float32Array, shape: readonly number[], samples: number): number;
}

export const confusion: Statistic = {
  key: 'confusion',
  reduce: 'sum',
  batch(yTrue, yPred) {
    const c = classesOf(yPred);
    const { truth, predicted } = classIds(yTrue, yPred);
    // int32 one-hots: wasm's matMul takes float32 only.
    return tf.matMul(tf.cast(tf.oneHot(truth, c), 'float32'), tf.cast(tf.oneHot(predicted, c), 'float32'), true, false);
  },
};

/** Rows `[score of class 1, truth]` for a binary model, `[scores…, truth id]` for more classes. */
const scores: Statistic = {
  key: 'scores',
  reduce: 'rows',
  batch(yTrue, yPred) {
    const n = yPred.shape[0]!;
    const { truth } = classIds(yTrue, yPred);
    const c = classesOf(yPred);
    const s = singleOutput(yPred) ? tf.reshape(yPred, [n, 1]) : c === 2 ? tf.slice(tf.reshape(yPred, [n, 2]), [0, 1], [n, 1]) : tf.reshape(yPred, [n, c]);
    return tf.concat([tf.cast(s, 'float32'), tf.reshape(tf.cast(truth, 'float32'), [n, 1])], 1);
  },
};

const EPS64 = 2.220446049250313e-16; // scikit-learn's floor for |target| in MAPE

/** Per-column sums `[5, width]` (see REGRESSION_SUMS). */
const regression: Statistic = {
  key: 'regression',
  reduce: 'sum',
  batch(yTrue, yPred) {
    const n = yPred.shape[0]!;
    const t = tf.reshape(targetsLike(yTrue, yPred), [n, -1]);
    const p = tf.reshape(yPred, [n, -1]);
    const err = tf.abs(tf.sub(t, p));
    const rows = [tf.square(err), err, tf.div(err, tf.maximum(tf.abs(t), EPS64)), t, tf.square(t)];
    return tf.stack(rows.map((r) => tf.sum(r, 0)));
  },
};

const scalar = (key: string, perSample: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor): Statistic => ({
  key,
  reduce: 'sum',
  batch: (yTrue, yPred) => tf.sum(perSample(yTrue, yPred)),
});

const mean = (statistic: Statistic): MetricPlan => ({ statistic, finish: (v, _shape, samples) => v[0]! / Math.max(samples, 1) });

/**
 * 1 where the true class is among the k highest scores (ties counted in the sample's favour). A single
 * output has two classes: top-1 is the thresholded prediction (as scikit-learn's `top_k_accuracy_score`).
 */
function inTopK(yTrue: tf.Tensor, yPred: tf.Tensor, k: number): tf.Tensor {
  const c = classesOf(yPred);
  if (k >= c) return tf.ones([yPred.shape[0]!]);
  const { truth, predicted } = classIds(yTrue, yPred);
  if (singleOutput(yPred)) return tf.cast(tf.equal(truth, predicted), 'float32');
  const trueScore = tf.sum(tf.mul(tf.oneHot(truth, c), yPred), -1, true);
  const above = tf.sum(tf.cast(tf.greater(yPred, trueScore), 'float32'), -1);
  return tf.cast(tf.less(above, k), 'float32');
}

/** How to compute `metric` for a model trained with `loss`. */
export function metricPlan(metric: MetricKind, loss: Loss): MetricPlan {
  if (isTopKAccuracy(metric)) {
    const k = topK(metric)!;
    return mean(scalar(metric, (t, p) => inTopK(t, p, k)));
  }
  switch (metric) {
    case 'accuracy':
    case 'mse':
    case 'mae':
      return mean(scalar(metric, (t, p) => perSampleMetric(metric, loss, t, p)));
    case 'log_loss':
      return mean(scalar(metric, (t, p) => perSampleLoss(singleOutput(p) ? 'binaryCrossentropy' : 'categoricalCrossentropy', t, p)));
    case 'auc':
      return { statistic: scores, finish: (v, shape) => rankingMetric(rocAuc, v, shape[1]!) };
    case 'pr_auc':
      return { statistic: scores, finish: (v, shape) => rankingMetric(averagePrecision, v, shape[1]!) };
    case 'rmse':
    case 'r2':
    case 'mape':
      return { statistic: regression, finish: (v, shape, samples) => regressionMetric(metric, v, shape[1]!, samples) };
    default:
      return { statistic: confusion, finish: (v, shape) => confusionMetric(metric, { classes: shape[0]!, counts: v }) };
  }
}
