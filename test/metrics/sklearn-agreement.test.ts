/**
 * Issue 20: every built-in metric agrees with scikit-learn (Debian's python3-sklearn, through
 * bench/reference/metrics_sklearn.py) on the same predictions, computed over a whole "epoch" of uneven
 * batches on wasm and cpu: F1 and AUC are exact over the epoch, not means of per-batch values. Scores
 * are rounded so that ties occur (the ranking metrics' hard case).
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';
import { epochMetrics } from '../../lib/metrics/epoch-metrics.js';
import type { MetricKind } from '../../lib/metrics/metric-names.js';
import { createRandom } from '../../lib/random.js';
import { sklearn, sklearnMissing } from './sklearn.js';

const random = createRandom(20);
const N = 157; // batches of 50, 50, 50, 7
const round = (x: number, step: number): number => Math.round(x / step) * step;

/** Binary: a noisy score of a label, with ties. */
const binLabels = Array.from({ length: N }, () => (random.float() < 0.35 ? 1 : 0));
const binScores = binLabels.map((y) => round(Math.min(0.999, Math.max(0.001, 0.3 * y + 0.7 * random.float())), 0.05));

/** Five classes: softmax of a noisy one-hot (so some predictions are wrong), with ties from rounding. */
const classes = 5;
const mcLabels = Array.from({ length: N }, () => Math.floor(random.float() * classes));
const mcScores = mcLabels.map((y) => {
  const logits = Array.from({ length: classes }, (_, k) => (k === y ? 1.2 : 0) + round(2 * random.float(), 0.25));
  const z = logits.map(Math.exp);
  const s = z.reduce((a, b) => a + b, 0);
  return z.map((v) => v / s);
});

/** Regression with two outputs. */
const regTrue = Array.from({ length: N }, () => [50 + 100 * random.float(), -3 + 2 * random.float()]);
const regPred = regTrue.map(([a, b]) => [a! + 20 * (random.float() - 0.5), b! + 0.8 * (random.float() - 0.5)]);

function runEpoch(names: readonly MetricKind[], loss: 'binaryCrossentropy' | 'categoricalCrossentropy' | 'meanSquaredError', yTrue: tf.Tensor, yPred: tf.Tensor): Record<string, number> {
  const acc = epochMetrics(names, loss);
  for (let start = 0; start < N; start += 50) {
    const size = Math.min(50, N - start);
    const stats = tf.tidy(() => acc.batch(tf.slice(yTrue, start, size), tf.slice(yPred, start, size)));
    acc.add(stats);
  }
  return acc.take(N);
}

/** Largest |rxtrain − scikit-learn| seen per metric and case, for docs/metrics.md's table. */
const differences = new Map<string, number>();

const near = (t: { ok(v: boolean, m: string): void }, actual: number | undefined, expected: number | undefined, name: string, tol = 2e-5, row = name.split(' ')[0]!): void => {
  t.ok(actual !== undefined && expected !== undefined && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${name}: rxtrain ${actual}, scikit-learn ${expected}`);
  if (actual !== undefined && expected !== undefined) differences.set(row, Math.max(differences.get(row) ?? 0, Math.abs(actual - expected)));
};

const classificationNames: MetricKind[] = ['accuracy', 'precision', 'recall', 'f1', 'precision_macro', 'recall_macro', 'f1_macro', 'precision_weighted', 'recall_weighted', 'f1_weighted', 'auc', 'pr_auc', 'log_loss'];

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: binary, one sigmoid output`, { skip: sklearnMissing }, async (t) => {
    await useBackend(backend, { env: {} });
    const before = tf.memory().numTensors;
    const names: MetricKind[] = [...classificationNames, 'top1_accuracy'];
    const ours = tf.tidy(() => runEpoch(names, 'binaryCrossentropy', tf.tensor2d(binLabels, [N, 1]), tf.tensor2d(binScores, [N, 1])));
    const theirs = sklearn('binary', binLabels, binScores);
    for (const name of names) near(t, ours[name], theirs[name], name, 2e-5, `${name} | binary`);
    t.equal(tf.memory().numTensors, before, 'no tensor left behind');
  });

  t.test(`${backend}: five classes, softmax, integer labels and one-hot labels`, { skip: sklearnMissing }, async (t) => {
    await useBackend(backend, { env: {} });
    const names: MetricKind[] = [...classificationNames, 'top2_accuracy'];
    const theirs = sklearn('multiclass', mcLabels, mcScores);
    const ids = runEpoch(names, 'categoricalCrossentropy', tf.tensor1d(mcLabels, 'int32'), tf.tensor2d(mcScores));
    const oneHot = tf.tidy(() => runEpoch(names, 'categoricalCrossentropy', tf.oneHot(tf.tensor1d(mcLabels, 'int32'), classes), tf.tensor2d(mcScores)));
    for (const name of names) {
      near(t, ids[name], theirs[name], `${name} (class ids)`, 2e-5, `${name} | 5 classes`);
      near(t, oneHot[name], theirs[name], `${name} (one-hot)`, 2e-5, `${name} | 5 classes`);
    }
  });

  t.test(`${backend}: regression, two outputs`, { skip: sklearnMissing }, async (t) => {
    await useBackend(backend, { env: {} });
    const names: MetricKind[] = ['mse', 'rmse', 'mae', 'r2', 'mape'];
    const ours = tf.tidy(() => runEpoch(names, 'meanSquaredError', tf.tensor2d(regTrue), tf.tensor2d(regPred)));
    const theirs = sklearn('regression', regTrue, regPred);
    for (const name of names) near(t, ours[name], theirs[name], name, 1e-4, `${name} | regression, 2 outputs`);
  });
}

t.test('the epoch value is not the mean of per-batch values (F1, AUC)', { skip: sklearnMissing }, async (t) => {
  await useBackend('cpu', { env: {} });
  const perBatch: Record<string, number[]> = { f1: [], auc: [] };
  tf.tidy(() => {
    for (let start = 0; start < N; start += 50) {
      const size = Math.min(50, N - start);
      const acc = epochMetrics(['f1', 'auc'], 'binaryCrossentropy');
      acc.add(acc.batch(tf.tensor2d(binLabels.slice(start, start + size), [size, 1]), tf.tensor2d(binScores.slice(start, start + size), [size, 1])));
      const m = acc.take(size);
      perBatch.f1!.push(m.f1!);
      perBatch.auc!.push(m.auc!);
    }
  });
  const theirs = sklearn('binary', binLabels, binScores);
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  t.not(mean(perBatch.f1!).toFixed(4), theirs.f1!.toFixed(4), 'a mean of batch F1s would be wrong here');
  t.not(mean(perBatch.auc!).toFixed(4), theirs.auc!.toFixed(4), 'a mean of batch AUCs would be wrong here');
});

t.test('the largest differences, as docs/metrics.md lists them', { skip: sklearnMissing }, async (t) => {
  t.ok(differences.size >= 30, `${differences.size} metric × case rows`);
  for (const [row, d] of [...differences].sort()) t.comment(`| ${row} | ${d === 0 ? '0' : d.toExponential(1)} |`);
});
