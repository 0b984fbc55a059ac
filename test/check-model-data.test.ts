/**
 * Model against data (issue 14 item 2): every place where a model meets data refuses, when it is
 * called, labels and shapes that would otherwise train silently or fail deep inside tfjs.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, toArray } from 'rxjs';
import { train } from '../lib/train.js';
import { evaluate } from '../lib/evaluate.js';
import { useBackend } from '../lib/backend/use-backend.js';
import { iris } from '../lib/data/bundled.js';
import { batches } from '../lib/data/batches.js';
import { mlp } from '../lib/models/mlp.js';
import { optimizer } from '../lib/optimizers.js';
import { layersMember } from '../lib/pbt/layers-member.js';
import { checkModelData } from '../lib/check-model-data.js';
import { epochs } from '../operators/epochs.js';
import { trainStep } from '../operators/train-step.js';
import { dataParallel } from '../operators/data-parallel.js';
import type { ArrayDataset } from '../lib/data/types.js';

const data = iris();
/** iris with its labels changed (and no class names, so only the labels say how many classes). */
function withLabels(change: (y: Float32Array | Int32Array) => void, as: 'int' | 'float' = 'int'): ArrayDataset {
  const y = as === 'int' ? Int32Array.from(data.y) : Float32Array.from(data.y);
  change(y);
  const { classNames: _, ...rest } = data;
  return { ...rest, y };
}

const cases: Array<{ what: string; model: () => ReturnType<typeof mlp>; data: () => ArrayDataset; message: RegExp; details: Record<string, unknown> }> = [
  {
    what: 'a model with 2 classes on 3-class data',
    model: () => mlp({ inputShape: [4], units: [8], classes: 2, seed: 1 }),
    data: () => data,
    message: /the model has 2 classes but 'iris' has 3 \(setosa, versicolor, virginica\)/,
    details: { expected: 3, actual: 2 },
  },
  {
    what: 'the same without class names: the first label out of range, and its row',
    model: () => mlp({ inputShape: [4], units: [8], classes: 2, seed: 1 }),
    data: () => withLabels(() => {}),
    message: /label value 2 at row 100 of 'iris' is outside the valid range \[0, 2\) of the model's 2 classes/,
    details: { row: 100, label: 2 },
  },
  {
    what: 'class id 5 with a 3-class model',
    model: () => mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 }),
    data: () => withLabels((y) => (y[7] = 5)),
    message: /label value 5 at row 7 of 'iris' is outside the valid range \[0, 3\)/,
    details: { row: 7, label: 5 },
  },
  {
    what: 'a negative class id',
    model: () => mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 }),
    data: () => withLabels((y) => (y[42] = -1)),
    message: /label value -1 at row 42 of 'iris' is outside the valid range \[0, 3\)/,
    details: { row: 42, label: -1 },
  },
  {
    what: 'a float label with a classification loss',
    model: () => mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 }),
    data: () => withLabels((y) => (y[3] = 0.5), 'float'),
    message: /label value 0\.5 at row 3 of 'iris' is not a class id: categoricalCrossentropy takes integer class ids in \[0, 3\) or one-hot rows of width 3/,
    details: { row: 3, label: 0.5 },
  },
  {
    what: 'a model whose input shape is not the data\'s',
    model: () => mlp({ inputShape: [64], units: [8], classes: 3, seed: 1 }),
    data: () => data,
    message: /the model takes samples of shape \[64\] but 'iris' has samples of shape \[4\]/,
    details: { expected: [64], actual: [4] },
  },
];

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: train() and evaluate() refuse, when called, what trained silently before`, async (t) => {
    await useBackend(backend, { env: {} });
    for (const c of cases) {
      const model = c.model();
      const ds = c.data();
      const before = model.getWeights().map((w) => w.dataSync().slice());
      t.throws(() => train(model, ds, { epochs: 1 }), { name: 'RxtrainError', code: 'SHAPE_MISMATCH', message: c.message, details: c.details }, `train(): ${c.what}`);
      t.throws(() => evaluate(model, ds), { code: 'SHAPE_MISMATCH', message: c.message }, `evaluate(): ${c.what}`);
      t.same(model.getWeights().map((w) => w.dataSync().slice()), before, 'nothing was trained');
      model.dispose();
    }
  });

  t.test(`${backend}: train() checks the validation data too`, async (t) => {
    await useBackend(backend, { env: {} });
    const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });
    t.throws(() => train(model, data, { epochs: 1, validation: withLabels((y) => (y[7] = 5)) }), { code: 'SHAPE_MISMATCH', message: /^train\(\): label value 5 at row 7 of the validation data 'iris' is outside the valid range \[0, 3\)/ });
    model.dispose();
  });

  t.test(`${backend}: trainStep and layersMember check model against data`, async (t) => {
    await useBackend(backend, { env: {} });
    for (const c of cases) {
      const model = c.model();
      const ds = c.data();
      const before = tf.memory().numTensors;
      const run = batches(ds, { batchSize: 16 }).pipe(epochs(2), trainStep(model, { optimizer: 'sgd' }));
      await t.rejects(lastValueFrom(run.pipe(toArray())), { code: 'SHAPE_MISMATCH', message: c.message }, `trainStep: ${c.what}`);
      t.equal(tf.memory().numTensors, before, 'no tensor leaked');
      const opt = optimizer('sgd');
      t.throws(() => layersMember({ model, optimizer: opt, data: ds }), { code: 'SHAPE_MISMATCH', message: c.message }, `layersMember(): ${c.what}`);
      opt.dispose();
      model.dispose();
    }
  });
}

t.test('what fits is not refused: one-hot rows, more outputs than classes, regression and binary targets', async (t) => {
  await useBackend('cpu', { env: {} });
  const model3 = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });
  const model4 = mlp({ inputShape: [4], units: [8], classes: 4, seed: 1 });
  const oneHot: ArrayDataset = { ...data, y: Float32Array.from({ length: data.length * 3 }, (_, k) => (data.y[Math.floor(k / 3)] === k % 3 ? 1 : 0)), yShape: [3] };
  t.doesNotThrow(() => checkModelData('t', model3, data, 'categoricalCrossentropy'));
  t.doesNotThrow(() => checkModelData('t', model3, oneHot, 'categoricalCrossentropy'));
  t.doesNotThrow(() => checkModelData('t', model4, withLabels(() => {}), 'sparseCategoricalCrossentropy'), 'class ids below the outputs: fits');
  t.throws(() => checkModelData('t', model4, oneHot, 'categoricalCrossentropy'), { code: 'SHAPE_MISMATCH', message: /t: the targets of 'iris' are one-hot rows of width 3 \(shape \[3\]\) but the model has 4 classes \(outputs of shape \[4\]\)/ });
  const regression = mlp({ inputShape: [4], units: [8], outputs: 1, seed: 1 });
  const floats = withLabels((y) => (y[3] = 0.5), 'float');
  t.doesNotThrow(() => checkModelData('t', regression, floats, 'meanSquaredError'), 'float targets with a regression loss');
  t.throws(() => checkModelData('t', model3, floats, 'meanSquaredError'), { code: 'SHAPE_MISMATCH', message: /t: the model gives outputs of shape \[3\] per sample but the targets of 'iris' have shape \[\] \(1 value\)/ });
  const binary = withLabels((y) => y.forEach((v, i) => (y[i] = v === 0 ? 0 : 1)), 'float');
  t.doesNotThrow(() => checkModelData('t', regression, binary, 'binaryCrossentropy'));
  t.throws(() => checkModelData('t', regression, withLabels(() => {}, 'float'), 'binaryCrossentropy'), { code: 'SHAPE_MISMATCH', message: /label value 2 at row 100 of 'iris' is outside the valid range \[0, 1\] of binaryCrossentropy/ });
  t.doesNotThrow(() => checkModelData('t', model3, floats, (a, b) => tf.sum(tf.sub(a, b))), 'a custom loss: the targets are its business');
  const events = await lastValueFrom(train(model4, withLabels(() => {}), { epochs: 1 }).pipe(toArray()));
  t.equal(events.filter((e) => e.type === 'epochEnd').length, 1);
  for (const m of [model3, model4, regression]) m.dispose();
});

t.test('dataParallel checks model against data at its first batch, before any step', async (t) => {
  await useBackend('cpu', { env: {} });
  const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });
  const before = model.getWeights().map((w) => w.dataSync().slice());
  const run = batches(withLabels((y) => (y[149] = 5)), { batchSize: 16 }).pipe(epochs(1), dataParallel(model, { workers: 1, optimizer: 'sgd' }));
  await t.rejects(lastValueFrom(run), { code: 'SHAPE_MISMATCH', message: /^dataParallel\(\): label value 5 at row 149 of 'iris' is outside the valid range \[0, 3\)/ });
  t.same(model.getWeights().map((w) => w.dataSync().slice()), before, 'no step was taken');
  model.dispose();
});

t.test('a tf.data source is checked at its first batch', async (t) => {
  await useBackend('cpu', { env: {} });
  const tfd = await import('@tensorflow/tfjs-data');
  const ds = withLabels((y) => (y[7] = 5));
  const samples = tfd.array(Array.from({ length: ds.length }, (_, i) => i)).map((i) => {
    const k = i as unknown as number;
    return { xs: tf.tensor1d(ds.x.subarray(k * 4, k * 4 + 4)), ys: tf.scalar(ds.y[k]!, 'int32') };
  });
  const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });
  await t.rejects(lastValueFrom(train(model, samples, { epochs: 1, batchSize: 16, shuffle: false })), { code: 'SHAPE_MISMATCH', message: /label value 5 at row 7 of the first batch is outside the valid range \[0, 3\)/ });
  model.dispose();
});
