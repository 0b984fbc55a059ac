/**
 * Issue 20, binary tasks end to end: one sigmoid output (`mlp({ classes: 1 })`), binaryCrossentropy
 * and 0/1 labels (integer or float; an ArrayDataset, `{xs, ys}` arrays or a tf.data source) train,
 * validate and evaluate on wasm and cpu; the mistakes a new user makes fail with an error that says
 * what to do; the thresholded metrics call a score above 0.5 class 1.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { batches } from '../../lib/data/batches.js';
import { breastCancer } from '../../lib/data/bundled.js';
import { applyNormalizer, fitNormalizer } from '../../lib/data/normalize.js';
import { split } from '../../lib/data/split.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import { evaluate } from '../../lib/evaluate.js';
import type { EpochEnd, TrainEvent } from '../../lib/events.js';
import { epochMetrics } from '../../lib/metrics/epoch-metrics.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { epochs } from '../../operators/epochs.js';
import { epochEnd } from '../../operators/epoch-end.js';
import { trainStep } from '../../operators/train-step.js';

const parts = split(breastCancer(), { validation: 0.2, test: 0, seed: 2 });
const stats = fitNormalizer(parts.train, 'standard');
const trainSet = applyNormalizer(parts.train, stats);
const validation = applyNormalizer(parts.validation, stats);
const metrics = ['accuracy', 'precision', 'recall', 'f1', 'auc'] as const;
const lastEpoch = (events: TrainEvent[]): EpochEnd => events.filter((e): e is EpochEnd => e.type === 'epochEnd').at(-1)!;

/** The same samples as `{xs, ys}` nested arrays: ys a plain number[] of 0/1. */
function asArrays(ds: ArrayDataset): { xs: number[][]; ys: number[] } {
  const w = ds.xShape[0]!;
  return { xs: Array.from({ length: ds.length }, (_, i) => Array.from(ds.x.subarray(i * w, (i + 1) * w))), ys: Array.from(ds.y) };
}

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: one sigmoid output, binaryCrossentropy, 0/1 labels from every kind of source`, async (t) => {
    await useBackend(backend, { env: {} });
    const before = tf.memory().numTensors;
    const sources: Array<[string, Parameters<typeof train>[1]]> = [
      ['an ArrayDataset with Int32Array labels', trainSet],
      ['an ArrayDataset with Float32Array 0/1 labels', { ...trainSet, y: Float32Array.from(trainSet.y) }],
      ['{xs, ys} arrays', asArrays(trainSet)],
    ];
    for (const [what, data] of sources) {
      const model = mlp({ inputShape: [30], units: [8], classes: 1, seed: 3 });
      const events = await lastValueFrom(train(model, data, { epochs: 8, loss: 'binaryCrossentropy', metrics: [...metrics], validation, optimizer: { name: 'adam', lr: 0.01 } }).pipe(toArray()));
      const m = lastEpoch(events).metrics;
      t.ok(m.accuracy! > 0.9 && m.val_accuracy! > 0.9 && m.val_f1! > 0.9 && m.val_auc! > 0.95, `${what}: trains (${JSON.stringify(m)})`);
      const e = evaluate(model, validation, { loss: 'binaryCrossentropy', metrics: [...metrics] });
      t.equal(e.accuracy, m.val_accuracy, `${what}: evaluate() gives the last epoch's val_accuracy`);
      t.equal(e.auc, m.val_auc, `${what}: and its val_auc`);
      model.dispose();
    }

    // A tf.data source: trainStep checks it at its first batch.
    const model = mlp({ inputShape: [30], units: [8], classes: 1, seed: 3 });
    const w = trainSet.xShape[0]!;
    const samples = Array.from({ length: trainSet.length }, (_, i) => ({ x: Array.from(trainSet.x.subarray(i * w, (i + 1) * w)), y: trainSet.y[i]! }));
    const ds = tfd.array(samples).map((s) => {
      const { x, y } = s as { x: number[]; y: number };
      return { xs: tf.tensor1d(x), ys: tf.scalar(y, 'int32') };
    });
    const run = batches(ds as never, { batchSize: 32 }).pipe(epochs(8), trainStep(model, { optimizer: { name: 'adam', lr: 0.01 }, loss: 'binaryCrossentropy', metrics: [...metrics] }), epochEnd({ model, loss: 'binaryCrossentropy', metrics: [...metrics], validation }));
    const m = lastEpoch(await lastValueFrom(run.pipe(toArray()))).metrics;
    t.ok(m.accuracy! > 0.9 && m.val_f1! > 0.9, `a tf.data source trains (${JSON.stringify(m)})`);
    model.dispose();
    t.equal(tf.memory().numTensors, before, 'no tensor left behind');
  });

  t.test(`${backend}: the usual mistakes fail at once, saying what to do`, async (t) => {
    await useBackend(backend, { env: {} });
    const single = mlp({ inputShape: [30], units: [8], classes: 1, seed: 3 });
    const singleOutput = /the model has a single output \(outputs of shape \[1\]: one sigmoid unit is a binary classifier\) but categoricalCrossentropy needs one output per class: train it with loss 'binaryCrossentropy' and 0\/1 labels, or give it one output per class \(mlp\(\{classes: 2\}\)\)/;
    t.throws(() => train(single, trainSet, { epochs: 1 }), { code: 'SHAPE_MISMATCH', message: singleOutput }, 'train() with the default loss');
    t.throws(() => evaluate(single, validation), { code: 'SHAPE_MISMATCH', message: singleOutput }, 'evaluate() with the default loss');
    t.throws(() => train(single, trainSet, { epochs: 1, loss: 'sparseCategoricalCrossentropy' }), { code: 'SHAPE_MISMATCH', message: /single output .* but sparseCategoricalCrossentropy needs one output per class/ });
    const before = tf.memory().numTensors;
    await t.rejects(lastValueFrom(batches(trainSet, { batchSize: 32 }).pipe(epochs(1), trainStep(single, { optimizer: 'sgd' }), toArray())), { code: 'SHAPE_MISMATCH', message: singleOutput }, 'trainStep() at its first batch');
    t.equal(tf.memory().numTensors, before, 'no tensor left behind by the refused run');

    const two = mlp({ inputShape: [30], units: [8], classes: 2, seed: 3 });
    t.throws(() => train(two, trainSet, { epochs: 1, loss: 'binaryCrossentropy' }), {
      code: 'SHAPE_MISMATCH',
      message: /the model gives outputs of shape \[2\] per sample but the targets of 'breastCancer\/train' have shape \[\] \(1 value\): binaryCrossentropy compares them one to one: for class ids with one output per class use categoricalCrossentropy; for 0\/1 labels give the model a single sigmoid output \(mlp\(\{classes: 1\}\)\)/,
    }, 'two outputs with binaryCrossentropy and class ids');
    const oneHot: ArrayDataset = { ...trainSet, y: Float32Array.from({ length: trainSet.length * 2 }, (_, k) => (trainSet.y[Math.floor(k / 2)] === k % 2 ? 1 : 0)), yShape: [2] };
    t.throws(() => train(single, oneHot, { epochs: 1, loss: 'binaryCrossentropy' }), { code: 'SHAPE_MISMATCH', message: /have shape \[2\] \(2 values\): binaryCrossentropy compares them one to one: for one-hot rows use categoricalCrossentropy/ }, 'one-hot rows with a single output');
    t.doesNotThrow(() => train(two, trainSet, { epochs: 1 }), 'two softmax outputs with class ids: the categorical way to the same task');
    single.dispose();
    two.dispose();
  });

  t.test(`${backend}: thresholded metrics call a score above 0.5 class 1; exactly 0.5 is class 0`, async (t) => {
    await useBackend(backend, { env: {} });
    // truth:       1     1     0     0     1     0
    const scores = [0.5, 0.51, 0.49, 0.5, 0.9, 0.7];
    const labels = [1, 1, 0, 0, 1, 0];
    const acc = epochMetrics(['accuracy', 'top1_accuracy', 'precision', 'recall', 'f1'], 'binaryCrossentropy');
    acc.add(tf.tidy(() => acc.batch(tf.tensor1d(labels, 'int32'), tf.tensor2d(scores, [6, 1]))));
    const m = acc.take(6);
    // predicted: 0, 1, 0, 0, 1, 1 → tp 2, fp 1, fn 1, tn 2
    t.equal(m.accuracy, 4 / 6, 'accuracy');
    t.equal(m.top1_accuracy, 4 / 6, 'top1_accuracy is the thresholded accuracy');
    t.equal(m.precision, 2 / 3, 'precision');
    t.equal(m.recall, 2 / 3, 'recall');
    t.equal(m.f1, 2 / 3, 'f1');
  });
}
