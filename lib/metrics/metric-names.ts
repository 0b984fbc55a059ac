/**
 * The metrics rxtrain computes, by name, and which way each is better. One list: the training step,
 * validation, `evaluate()`, the decision operators (`earlyStopping({ monitor })`), studies and the views
 * all read it, so a metric's direction is never guessed from its spelling.
 */
import { configError } from '../errors.js';
import type { Direction } from '../search/types.js';

/** Classification metrics computed from the epoch's confusion matrix. */
export type ConfusionMetric =
  | 'precision' | 'recall' | 'f1'
  | 'precision_macro' | 'recall_macro' | 'f1_macro'
  | 'precision_weighted' | 'recall_weighted' | 'f1_weighted';

/**
 * A metric a step, a validation pass or an evaluation can compute besides the loss.
 * - `accuracy`; `top<k>_accuracy` (the true class among the k most probable, e.g. `top5_accuracy`);
 * - `precision`, `recall`, `f1`: of class 1 for a binary model, macro-averaged for several classes;
 *   `_macro` and `_weighted` (by support) variants;
 * - `auc` (ROC AUC; one-vs-rest macro for several classes), `pr_auc` (average precision), `log_loss`;
 * - regression: `mse`, `mae`, `rmse`, `r2`, `mape` (a fraction, as scikit-learn's; Keras's is ×100).
 */
export type MetricKind = 'accuracy' | `top${number}_accuracy` | ConfusionMetric | 'auc' | 'pr_auc' | 'log_loss' | 'mse' | 'mae' | 'rmse' | 'r2' | 'mape';

/** The fixed names (besides `top<k>_accuracy`), in the order the docs list them. */
export const metricKinds: readonly MetricKind[] = [
  'accuracy', 'precision', 'recall', 'f1', 'precision_macro', 'recall_macro', 'f1_macro',
  'precision_weighted', 'recall_weighted', 'f1_weighted', 'auc', 'pr_auc', 'log_loss',
  'mse', 'mae', 'rmse', 'r2', 'mape',
];

const TOP_K = /^top([1-9][0-9]*)_accuracy$/;

/** `k` of a `top<k>_accuracy` name, else undefined. */
export function topK(name: string): number | undefined {
  const m = TOP_K.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function isTopKAccuracy(name: string): name is `top${number}_accuracy` {
  return topK(name) !== undefined;
}

export function isMetricKind(name: unknown): name is MetricKind {
  return typeof name === 'string' && ((metricKinds as readonly string[]).includes(name) || topK(name) !== undefined);
}

/** Metrics that need class predictions (a classification model), as opposed to regression targets. */
export function isClassificationMetric(name: MetricKind): boolean {
  return !['mse', 'mae', 'rmse', 'r2', 'mape'].includes(name);
}

const MINIMIZED: ReadonlySet<string> = new Set(['loss', 'log_loss', 'mse', 'mae', 'rmse', 'mape']);

/**
 * Which way a metric is better, by its name: `val_` prefixes are the same metric on validation data,
 * `lr` (the learning rate in force) counts as minimised. Names rxtrain does not compute (a user's own
 * metric) are minimised unless they name an accuracy.
 */
export function metricDirection(metric: string): Direction {
  const name = metric.startsWith('val_') ? metric.slice(4) : metric;
  if (MINIMIZED.has(name) || name === 'lr') return 'minimize';
  if (isMetricKind(name)) return 'maximize';
  return /accuracy$/.test(name) ? 'maximize' : 'minimize';
}

const described = `one of ${metricKinds.join(', ')}, or top<k>_accuracy`;

/** Validate a config's `metrics` array: each a known name, none twice. */
export function validateMetrics(where: string, metrics: unknown): MetricKind[] {
  if (metrics === undefined) return [];
  if (!Array.isArray(metrics)) throw configError(where, 'metrics', `must be an array of metric names: ${described}`, metrics);
  const seen = new Set<string>();
  return metrics.map((m, i) => {
    if (!isMetricKind(m)) throw configError(where, `metrics[${i}]`, `must be ${described}`, m);
    if (seen.has(m)) throw configError(where, `metrics[${i}]`, `names '${m}' a second time`, m);
    seen.add(m);
    return m;
  });
}
