/**
 * Issue 20 on real data: a binary MLP (one sigmoid output) on the bundled breast-cancer set, trained
 * with `metrics: ['accuracy', 'f1', 'auc']` and early stopping on `val_auc`, on wasm and cpu. The
 * events carry the metrics and their `val_` twins, auto mode maximises `val_auc`, and `evaluate()` on
 * the test split gives what scikit-learn gives on the same predictions (`predictAll()`).
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { breastCancer } from '../../lib/data/bundled.js';
import { applyNormalizer, fitNormalizer } from '../../lib/data/normalize.js';
import { split } from '../../lib/data/split.js';
import { evaluate, predictAll } from '../../lib/evaluate.js';
import type { EpochEnd, RunStopped } from '../../lib/events.js';
import type { MetricKind } from '../../lib/metrics/metric-names.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { sklearn, sklearnMissing } from './sklearn.js';

const parts = split(breastCancer(), { validation: 0.2, test: 0.2, seed: 1 });
const stats = fitNormalizer(parts.train, 'standard');
const [trainSet, validation, test] = [parts.train, parts.validation, parts.test].map((d) => applyNormalizer(d, stats)) as [typeof parts.train, typeof parts.train, typeof parts.train];

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: f1 and auc in the events, early stopping on val_auc, evaluate() = scikit-learn`, { skip: sklearnMissing }, async (t) => {
    await useBackend(backend, { env: {} });
    const before = tf.memory().numTensors;
    const model = mlp({ inputShape: [30], units: [16], classes: 1, seed: 1 });
    const events = await lastValueFrom(
      train(model, trainSet, {
        epochs: 60, loss: 'binaryCrossentropy', metrics: ['accuracy', 'f1', 'auc'], validation, seed: 1,
        optimizer: { name: 'adam', lr: 0.01 }, earlyStopping: { monitor: 'val_auc', patience: 3, restoreBest: true },
      }).pipe(toArray()),
    );
    const ends = events.filter((e): e is EpochEnd => e.type === 'epochEnd');
    for (const e of ends) {
      for (const name of ['loss', 'accuracy', 'f1', 'auc', 'val_loss', 'val_accuracy', 'val_f1', 'val_auc'] as const) {
        const v = e.metrics[name];
        if (!(typeof v === 'number' && Number.isFinite(v))) t.fail(`epoch ${e.epoch}: ${name} is ${v}`);
      }
    }
    t.ok(ends.length > 0 && ends.every((e) => e.metrics.f1! > 0 && e.metrics.f1! <= 1 && e.metrics.val_auc! > 0.5 && e.metrics.val_auc! <= 1), 'f1 and val_auc in (0, 1] at every epoch');

    // Auto mode maximises val_auc: the restored epoch is the first with the highest val_auc, and the
    // run stopped after `patience + 1` epochs that did not beat it.
    const stopped = events.at(-1) as RunStopped;
    t.match(stopped, { type: 'stopped', source: 'earlyStopping' }, 'early stopping ended the run');
    const aucs = ends.map((e) => e.metrics.val_auc!);
    const best = Math.max(...aucs);
    const bestEpoch = ends[aucs.indexOf(best)]!.epoch;
    t.equal(stopped.restoredEpoch, bestEpoch, `restored the epoch of the highest val_auc (${best})`);
    t.ok(bestEpoch > 1 && aucs[0]! < best, `val_auc rose after epoch 1 (${aucs[0]} → ${best}): a minimising mode would have kept epoch 1`);
    t.equal(ends.at(-1)!.epoch, bestEpoch + 4, 'stopped 4 epochs (patience 3 + 1) after the best');

    const names: MetricKind[] = ['accuracy', 'precision', 'recall', 'f1', 'f1_macro', 'f1_weighted', 'auc', 'pr_auc'];
    const ours = evaluate(model, test, { loss: 'binaryCrossentropy', metrics: names });
    const predictions = predictAll(model, test);
    t.same(predictions.shape, [test.length, 1]);
    const theirs = sklearn('binary', Array.from(test.y), Array.from(predictions.values));
    for (const name of names) {
      t.ok(Math.abs(ours[name]! - theirs[name]!) <= 1e-6, `${name}: rxtrain ${ours[name]}, scikit-learn ${theirs[name]}`);
    }
    t.ok(ours.accuracy! >= 0.93 && ours.auc! >= 0.97, `a useful model: test accuracy ${ours.accuracy}, auc ${ours.auc}`);
    model.dispose();
    t.equal(tf.memory().numTensors, before, 'tf.memory back where it started');
  });
}
