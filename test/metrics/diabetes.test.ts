/**
 * Issue 20, regression end to end on real data: an MLP with one linear output on the bundled diabetes
 * set (442 patients, 10 normalised features, a raw target 25..346), trained with `rmse`, `r2`, `mae`
 * and `mape`, on wasm and cpu. It explains a good part of the variance on the test split (R² well above
 * 0), and `evaluate()` gives what scikit-learn gives on the same predictions; scikit-learn's linear
 * regression on the same split is printed for scale.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { diabetes } from '../../lib/data/bundled.js';
import { applyNormalizer, fitNormalizer } from '../../lib/data/normalize.js';
import { split } from '../../lib/data/split.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import { evaluate, predictAll } from '../../lib/evaluate.js';
import type { EpochEnd } from '../../lib/events.js';
import type { MetricKind } from '../../lib/metrics/metric-names.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { sklearn, sklearnMissing } from './sklearn.js';

const parts = split(diabetes(), { validation: 0.15, test: 0.2, seed: 1 });
const stats = fitNormalizer(parts.train, 'standard');
const [trainSet, validation, test] = [parts.train, parts.validation, parts.test].map((d) => applyNormalizer(d, stats)) as [ArrayDataset, ArrayDataset, ArrayDataset];
const names: MetricKind[] = ['rmse', 'r2', 'mae', 'mape', 'mse'];

/** Rows of a data set's features, for the reference. */
const rows = (d: ArrayDataset): number[][] => Array.from({ length: d.length }, (_, i) => Array.from(d.x.subarray(i * 10, (i + 1) * 10)));

t.test('scikit-learn\'s linear regression on the same split, for scale', { skip: sklearnMissing }, async (t) => {
  const code = 'import sys, json; from sklearn.linear_model import LinearRegression as L; d = json.load(sys.stdin); m = L().fit(d["x"], d["y"]); print(m.score(d["tx"], d["ty"]))';
  const r = spawnSync('/usr/bin/python3', ['-c', code], { input: JSON.stringify({ x: rows(trainSet), y: Array.from(trainSet.y), tx: rows(test), ty: Array.from(test.y) }), encoding: 'utf8' });
  const r2 = Number(r.stdout);
  t.ok(r2 > 0.3 && r2 < 0.8, `linear regression: test R² ${r2.toFixed(3)}`);
});

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: mlp({ outputs: 1 }) reports rmse, r2, mae, mape; test R² > 0.3; evaluate() = scikit-learn`, { skip: sklearnMissing }, async (t) => {
    await useBackend(backend, { env: {} });
    const before = tf.memory().numTensors;
    const model = mlp({ inputShape: [10], units: [16], outputs: 1, seed: 1 });
    const events = await lastValueFrom(train(model, trainSet, {
      epochs: 300, batchSize: 32, seed: 1, loss: 'meanSquaredError', metrics: ['rmse', 'r2', 'mae', 'mape'], validation,
      optimizer: { name: 'adam', lr: 0.05 }, earlyStopping: { monitor: 'val_loss', patience: 10, restoreBest: true },
    }).pipe(toArray()));
    const ends = events.filter((e): e is EpochEnd => e.type === 'epochEnd');
    const last = ends.at(-1)!.metrics;
    for (const name of ['rmse', 'r2', 'mae', 'mape', 'val_rmse', 'val_r2', 'val_mae', 'val_mape'] as const) t.ok(Number.isFinite(last[name]), `${name} ${last[name]}`);
    t.ok(Math.abs(last.rmse! - Math.sqrt(last.loss)) < 1e-6 * last.rmse!, 'training rmse is the square root of the mse loss');
    t.ok(ends[0]!.metrics.val_r2! < last.val_r2!, `val_r2 rose while training (${ends[0]!.metrics.val_r2!.toFixed(3)} → ${last.val_r2!.toFixed(3)})`);
    t.match(events.at(-1), { type: 'stopped', source: 'earlyStopping' }, 'early stopping on val_loss ended the run');

    const ours = evaluate(model, test, { loss: 'meanSquaredError', metrics: names });
    t.ok(ours.r2! > 0.3, `test R² ${ours.r2!.toFixed(3)}, RMSE ${ours.rmse!.toFixed(1)}, MAE ${ours.mae!.toFixed(1)}, MAPE ${ours.mape!.toFixed(3)}`);
    t.ok(Math.abs(ours.mse! - ours.loss) < 1e-6 * ours.loss, 'mse is the loss');
    const predicted = predictAll(model, test);
    const theirs = sklearn('regression', Array.from(test.y, (v) => [v]), Array.from(predicted.values, (v) => [v]));
    for (const name of names) t.ok(Math.abs(ours[name]! - theirs[name]!) <= 1e-5 * Math.max(1, Math.abs(theirs[name]!)), `${name}: rxtrain ${ours[name]}, scikit-learn ${theirs[name]}`);
    model.dispose();
    t.equal(tf.memory().numTensors, before, 'tf.memory back where it started');
  });
}
