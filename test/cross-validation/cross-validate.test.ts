/**
 * crossValidate (issue 20): k folds of iris, each trained on the others and validated on itself, then
 * the mean and standard deviation of each metric, on wasm and cpu; fold outcomes as streams, metrics or
 * Promises; errors name the fold; unsubscribing stops the fold in progress.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { NEVER, Observable, lastValueFrom, of, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { crossValidate, type CrossValidationEvent, type FoldResult } from '../../lib/cross-validation/cross-validate.js';
import { iris } from '../../lib/data/bundled.js';
import { applyNormalizer, fitNormalizer } from '../../lib/data/normalize.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { finalize } from 'rxjs';

const data = iris();

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: 5 folds of iris: a fold event each, then mean and standard deviation`, async (t) => {
    await useBackend(backend, { env: {} });
    const before = tf.memory().numTensors;
    const seen: Array<{ fold: number; train: ArrayDataset; validation: ArrayDataset }> = [];
    const events = await lastValueFrom(crossValidate(data, { folds: 5, seed: 1 }, (trainSet, validation, fold) => {
      seen.push({ fold, train: trainSet, validation });
      const stats = fitNormalizer(trainSet, 'standard');
      const model = mlp({ inputShape: [4], units: [16], classes: 3, seed: fold });
      return train(model, applyNormalizer(trainSet, stats), { epochs: 15, optimizer: { name: 'adam', lr: 0.03 }, metrics: ['accuracy', 'f1'], validation: applyNormalizer(validation, stats) })
        .pipe(finalize(() => model.dispose()));
    }).pipe(toArray()));
    t.same(events.map((e) => e.type), ['fold', 'fold', 'fold', 'fold', 'fold', 'summary']);
    const folds = events.slice(0, 5) as FoldResult[];
    t.same(folds.map((f) => f.fold), [1, 2, 3, 4, 5], 'folds count from 1, in order');
    t.same(seen.map((s) => s.fold), [1, 2, 3, 4, 5]);
    t.ok(folds.every((f) => f.validationSize === 30 && f.trainSize === 120), '30 validation samples each, trained on the other 120');
    // Every sample validated on exactly once (compared as rows: iris has a duplicate row, hence a multiset).
    const key = (ds: ArrayDataset, i: number): string => Array.from(ds.x.subarray(i * 4, i * 4 + 4)).join() + '|' + ds.y[i];
    const validated = seen.flatMap((s) => Array.from({ length: s.validation.length }, (_, i) => key(s.validation, i))).sort();
    t.same(validated, Array.from({ length: 150 }, (_, i) => key(data, i)).sort(), 'the validation folds are the data set');
    t.ok(seen.every((s) => s.validation.name === `iris/fold ${s.fold}/validation` && s.train.name === `iris/fold ${s.fold}/train`), 'named after their fold');
    const summary = events[5] as Extract<CrossValidationEvent, { type: 'summary' }>;
    t.equal(summary.folds, 5);
    for (const name of ['val_accuracy', 'val_f1', 'accuracy', 'f1', 'loss', 'val_loss']) {
      const values = folds.map((f) => f.metrics[name]!);
      const mean = values.reduce((a, b) => a + b, 0) / 5;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 5);
      t.ok(Math.abs(summary.mean[name]! - mean) < 1e-12 && Math.abs(summary.std[name]! - std) < 1e-12, `${name}: mean ${mean.toFixed(4)} ± ${std.toFixed(4)} over ${values.map((v) => v.toFixed(3)).join(', ')}`);
    }
    t.ok(summary.mean.val_accuracy! > 0.85, `cross-validated accuracy ${summary.mean.val_accuracy}`);
    t.equal(tf.memory().numTensors, before, 'no tensor left behind');
  });
}

t.test('a fold gives metrics, a Promise of them, or a stream whose restored epoch counts', async (t) => {
  const outcomes = [
    () => ({ score: 1 }),
    () => Promise.resolve({ score: 2 }),
    () => of(
      { type: 'epochEnd', epoch: 1, metrics: { score: 3 } },
      { type: 'epochEnd', epoch: 2, metrics: { score: 30 } },
      { type: 'epochEnd', epoch: 3, metrics: { score: 300 } },
      { type: 'stopped', restoredEpoch: 2 },
    ),
    () => of({ type: 'epochEnd', epoch: 1, metrics: { score: 4 } }, { type: 'epochEnd', epoch: 2, metrics: { score: 5 } }),
  ];
  const events = await lastValueFrom(crossValidate(data, { folds: 4 }, (_a, _b, fold) => outcomes[fold - 1]!()).pipe(toArray()));
  t.same(events.slice(0, 4).map((e) => (e as FoldResult).metrics.score), [1, 2, 30, 5]);
  t.match(events[4], { type: 'summary', mean: { score: 38 / 4 } });
});

t.test('errors name the fold', async (t) => {
  const fails = (fold: number, outcome: (trainSet: ArrayDataset) => unknown) => lastValueFrom(crossValidate(data, { folds: 3 }, (trainSet, _b, f) => (f === fold ? outcome(trainSet) : { score: 1 }) as never));
  await t.rejects(fails(2, () => { throw new Error('out of memory'); }), { code: 'TRIAL_FAILED', message: 'crossValidate(): fold 2 of 3 failed: out of memory', details: { fold: 2 } });
  await t.rejects(fails(3, () => Promise.reject(new Error('disk full'))), { message: 'crossValidate(): fold 3 of 3 failed: disk full' });
  await t.rejects(fails(1, () => of({ type: 'step' })), { message: 'crossValidate(): fold 1 of 3 failed: its training stream completed without an epochEnd event' });
  await t.rejects(fails(2, () => 0.97), { message: /fold 2 of 3 failed: buildAndTrain gave 0\.97, not metrics/ });
  const model = mlp({ inputShape: [4], units: [4], classes: 2, seed: 1 });
  await t.rejects(fails(1, (trainSet) => train(model, trainSet, { epochs: 1 })), { code: 'SHAPE_MISMATCH', message: /^crossValidate\(\): fold 1 of 3 failed: train\(\): the model has 2 classes but 'iris\/fold 1\/train' has 3/, details: { fold: 1 } }, 'an RxtrainError keeps its code');
  model.dispose();
  t.throws(() => crossValidate(data, { folds: 3 }, 'train' as never), { code: 'INVALID_CONFIG', message: /buildAndTrain must be a function/ });
});

t.test('unsubscribing stops the fold in progress and starts no other', async (t) => {
  let started = 0;
  let stopped = 0;
  const sub = crossValidate(data, { folds: 3 }, () => {
    started++;
    return new Observable<never>(() => () => void stopped++);
  }).subscribe();
  sub.unsubscribe();
  t.same([started, stopped], [1, 1]);
  const s2 = crossValidate(data, { folds: 3 }, () => NEVER).subscribe();
  s2.unsubscribe();
});
