/**
 * Metrics over a whole epoch, exactly: each batch adds its statistics on the device, and the epoch's
 * values are read once at its end (F1 and AUC are not means of per-batch values). The accumulator
 * owns the tensors it keeps and frees them when read or disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Loss } from '../losses.js';
import type { MetricKind } from './metric-names.js';
import { metricPlan, type MetricPlan, type Statistic } from './metric-statistics.js';

export interface EpochMetrics {
  /** The metric names, in the order they were asked for. */
  readonly names: readonly MetricKind[];
  /**
   * One batch's statistics, computed on the device (call inside a `tf.tidy` or a gradient tape; the
   * result is kept out of the tidy: hand it to {@link add}).
   */
  batch(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor[];
  /** Add a batch's statistics to the epoch's; takes ownership of them. */
  add(stats: readonly tf.Tensor[]): void;
  /** Read the epoch's metrics over `samples` samples, and start a new epoch. No batch: NaN each. */
  take(samples: number): Record<string, number>;
  /** Free what is held (an unfinished epoch). */
  dispose(): void;
}

/** An accumulator for `names`, for a model trained with `loss`. */
export function epochMetrics(names: readonly MetricKind[], loss: Loss): EpochMetrics {
  const plans: Array<MetricPlan & { readonly slot: number }> = [];
  const statistics: Statistic[] = [];
  for (const name of names) {
    const plan = metricPlan(name, loss);
    let slot = statistics.findIndex((s) => s.key === plan.statistic.key);
    if (slot < 0) slot = statistics.push(plan.statistic) - 1;
    plans.push({ ...plan, slot });
  }
  // Per statistic: its running sum, or the rows of every batch so far.
  let sums: Array<tf.Tensor | undefined> = statistics.map(() => undefined);
  let rows: tf.Tensor[][] = statistics.map(() => []);

  const release = (): void => {
    tf.dispose([...sums.filter((t): t is tf.Tensor => t !== undefined), ...rows.flat()]);
    sums = statistics.map(() => undefined);
    rows = statistics.map(() => []);
  };

  /** The epoch's values of statistic i, or undefined when no batch came. */
  const read = (i: number): { values: Float32Array; shape: number[] } | undefined => {
    const sum = sums[i];
    if (sum) return { values: sum.dataSync() as Float32Array, shape: sum.shape };
    const parts = rows[i]!;
    if (parts.length === 0) return undefined;
    return tf.tidy(() => {
      const joined = tf.concat(parts, 0);
      return { values: joined.dataSync() as Float32Array, shape: joined.shape };
    });
  };

  return {
    names,
    batch: (yTrue, yPred) => statistics.map((s) => tf.keep(s.batch(yTrue, yPred))),
    add(stats) {
      stats.forEach((t, i) => {
        const sum = sums[i];
        if (statistics[i]!.reduce === 'rows') rows[i]!.push(t);
        else if (sum === undefined) sums[i] = t;
        else {
          sums[i] = tf.keep(tf.add(sum, t)); // kept: add() may run inside the caller's tidy
          tf.dispose([sum, t]);
        }
      });
    },
    take(samples) {
      const values = statistics.map((_, i) => read(i));
      release();
      const m: Record<string, number> = {};
      names.forEach((name, i) => {
        const plan = plans[i]!;
        const v = values[plan.slot];
        m[name] = v === undefined ? NaN : plan.finish(v.values, v.shape, samples);
      });
      return m;
    },
    dispose: release,
  };
}
