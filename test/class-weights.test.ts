/**
 * Class weights and per-sample weights in the training loss (issue 20): Keras's semantics
 * (`Σ wᵢ·lossᵢ / n`, class weight × sample weight), 'balanced' as scikit-learn computes it, reported in
 * runStart, validated naming the class; and what they are for: on breast-cancer, 'balanced' raises the
 * recall of the rarer class (malignant), on wasm and cpu.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import { spawnSync } from 'node:child_process';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../lib/backend/use-backend.js';
import { balancedClassWeight } from '../lib/class-weights.js';
import { batches } from '../lib/data/batches.js';
import { breastCancer, iris } from '../lib/data/bundled.js';
import { applyNormalizer, fitNormalizer } from '../lib/data/normalize.js';
import { split } from '../lib/data/split.js';
import type { ArrayDataset } from '../lib/data/types.js';
import { evaluate, predictAll } from '../lib/evaluate.js';
import type { EpochEnd, RunStart, TrainEvent } from '../lib/events.js';
import { mlp } from '../lib/models/mlp.js';
import { train } from '../lib/train.js';
import { epochs } from '../operators/epochs.js';
import { trainStep } from '../operators/train-step.js';
import { sklearnMissing } from './metrics/sklearn.js';

const cancer = breastCancer();
const ends = (events: TrainEvent[]): EpochEnd[] => events.filter((e): e is EpochEnd => e.type === 'epochEnd');

/** Binary cross-entropy of one prediction, clipped as rxtrain's loss clips it. */
const bce = (y: number, p: number): number => {
  const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
};

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: the epoch loss is Σ classWeight[yᵢ]·wᵢ·lossᵢ / n`, async (t) => {
    await useBackend(backend, { env: {} });
    const before = tf.memory().numTensors;
    const data: ArrayDataset = { ...applyNormalizer(cancer, fitNormalizer(cancer, 'standard')), weights: Float32Array.from({ length: cancer.length }, (_, i) => (i % 5) / 2) };
    const model = mlp({ inputShape: [30], units: [4], classes: 1, seed: 4 });
    const still = tf.train.sgd(0); // no update: every batch's loss is the initial model's
    const p = predictAll(model, data).values;
    const cw = { 0: 3, 1: 0.5 };
    const run = async (d: ArrayDataset, classWeight?: typeof cw): Promise<number> =>
      ends(await lastValueFrom(train(model, d, { epochs: 1, batchSize: 50, loss: 'binaryCrossentropy', metrics: ['accuracy'], optimizer: still, ...(classWeight ? { classWeight } : {}) }).pipe(toArray())))[0]!.metrics.loss;
    let both = 0;
    let byClass = 0;
    let bySample = 0;
    let plain = 0;
    for (let i = 0; i < data.length; i++) {
      const l = bce(data.y[i]!, p[i]!);
      const c = data.y[i] === 0 ? 3 : 0.5;
      both += c * data.weights![i]! * l;
      byClass += c * l;
      bySample += data.weights![i]! * l;
      plain += l;
    }
    const n = data.length;
    const { weights: _, ...unweighted } = data;
    const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-5 * Math.abs(b);
    const got = { both: await run(data, cw), byClass: await run(unweighted, cw), bySample: await run(data), plain: await run(unweighted) };
    t.ok(close(got.both, both / n), `class × sample weights: ${got.both} vs ${both / n}`);
    t.ok(close(got.byClass, byClass / n), `class weights: ${got.byClass} vs ${byClass / n}`);
    t.ok(close(got.bySample, bySample / n), `sample weights: ${got.bySample} vs ${bySample / n} (divided by n, not by Σw = ${data.weights!.reduce((a, b) => a + b, 0)})`);
    t.ok(close(got.plain, plain / n), `no weights: the mean, ${got.plain} vs ${plain / n}`);
    t.ok(close(evaluate(model, data, { loss: 'binaryCrossentropy' }).loss, plain / n), 'evaluate() ignores the weights');
    still.dispose();
    model.dispose();
    t.equal(tf.memory().numTensors, before, 'no tensor left behind');
  });
}

t.test("'balanced' is scikit-learn's compute_class_weight, and runStart reports the resolved weights", { skip: sklearnMissing }, async (t) => {
  await useBackend('cpu', { env: {} });
  const { train: trainSet } = split(cancer, { test: 0.3, seed: 1 });
  const py = spawnSync('/usr/bin/python3', ['-c', 'import sys, json, numpy as np; from sklearn.utils.class_weight import compute_class_weight as c; y = np.array(json.load(sys.stdin)); print(json.dumps(c("balanced", classes=np.unique(y), y=y).tolist()))'], { input: JSON.stringify(Array.from(trainSet.y)), encoding: 'utf8' });
  const theirs = JSON.parse(py.stdout) as number[];
  const ours = balancedClassWeight(trainSet);
  t.same(Object.keys(ours), ['0', '1']);
  t.ok(Math.abs(ours[0]! - theirs[0]!) < 1e-12 && Math.abs(ours[1]! - theirs[1]!) < 1e-12, `rxtrain ${JSON.stringify(ours)}, scikit-learn ${JSON.stringify(theirs)}`);
  const oneHot = balancedClassWeight({ ...iris(), y: Float32Array.from({ length: 450 }, (_, k) => (iris().y[Math.floor(k / 3)] === k % 3 ? 1 : 0)), yShape: [3] });
  t.same(oneHot, { 0: 1, 1: 1, 2: 1 }, 'one-hot rows: iris is balanced');
  t.same(balancedClassWeight({ ...trainSet, y: Float32Array.from(trainSet.y) }), ours, '0/1 float labels');

  const model = mlp({ inputShape: [30], units: [4], classes: 1, seed: 4 });
  const first = async (classWeight: unknown): Promise<RunStart> => (await lastValueFrom(train(model, trainSet, { epochs: 1, loss: 'binaryCrossentropy', classWeight: classWeight as never }).pipe(toArray())))[0] as RunStart;
  t.same((await first('balanced')).classWeight, ours, "'balanced'");
  t.same((await first({ 0: 2 })).classWeight, { 0: 2, 1: 1 }, 'a map: the classes it leaves out weigh 1');
  t.equal((await first(undefined)).classWeight, undefined, 'none');
  model.dispose();
  const three = mlp({ inputShape: [4], units: [4], classes: 3, seed: 4 });
  const start = (await lastValueFrom(batches(iris(), { batchSize: 50 }).pipe(epochs(1), trainStep(three, { optimizer: 'sgd', classWeight: { 1: 2.5 } }), toArray())))[0] as RunStart;
  t.same(start.classWeight, { 0: 1, 1: 2.5, 2: 1 }, 'trainStep reports them too');
  three.dispose();
});

t.test('bad class weights are refused when train()/trainStep() is called, naming the class', async (t) => {
  await useBackend('cpu', { env: {} });
  const binary = mlp({ inputShape: [30], units: [4], classes: 1, seed: 4 });
  const cfg = (classWeight: unknown, extra: object = {}) => ({ epochs: 1, loss: 'binaryCrossentropy' as const, classWeight: classWeight as never, ...extra });
  const refused: Array<[unknown, RegExp, string]> = [
    [{ 2: 1 }, /^train\(\): option 'classWeight\["2"\]' names no class of the model: its classes are the ids 0\.\.1$/, 'an unknown class id'],
    [{ malignant: 3 }, /option 'classWeight\["malignant"\]' names no class of the model: its classes are the ids 0\.\.1/, 'a class name (ids only)'],
    [{ 0: -1 }, /option 'classWeight\[0\]' is the weight of class 0: it must be a finite number ≥ 0 \(got -1\)/, 'a negative weight'],
    [{ 1: NaN }, /option 'classWeight\[1\]' is the weight of class 1: it must be a finite number ≥ 0 \(got NaN\)/, 'NaN'],
    [[1, 2], /option 'classWeight' must be a map from class id to weight, e\.g\. \{ 0: 1, 1: 4 \} \(train\(\) also takes 'balanced'\)/, 'an array'],
    ['even', /option 'classWeight' must be a map/, 'another string'],
  ];
  for (const [value, message, what] of refused) t.throws(() => train(binary, cancer, cfg(value)), { code: 'INVALID_CONFIG', message }, what);
  t.throws(() => trainStep(binary, { optimizer: 'sgd', loss: 'binaryCrossentropy', classWeight: 'balanced' as never }), { code: 'INVALID_CONFIG', message: /^trainStep\(\): option 'classWeight' must be a map from class id to weight/ }, "trainStep takes a map ('balanced' needs the whole data set: balancedClassWeight(data))");
  const regression = mlp({ inputShape: [30], units: [4], outputs: 1, seed: 4 });
  t.throws(() => train(regression, cancer, { epochs: 1, loss: 'meanSquaredError', classWeight: { 0: 2 } }), { code: 'INVALID_CONFIG', message: /option 'classWeight' weights classes: it needs a classification loss .*not meanSquaredError/ });
  const multiLabel = mlp({ inputShape: [30], units: [4], outputs: 2, seed: 4 });
  t.throws(() => trainStep(multiLabel, { optimizer: 'sgd', loss: 'binaryCrossentropy', classWeight: { 0: 2 } }), { code: 'INVALID_CONFIG', message: /needs one class a sample: with binaryCrossentropy, a single sigmoid output \(this model has 2 outputs/ });
  t.throws(() => trainStep({ loss: () => tf.scalar(0) }, { optimizer: 'sgd', classWeight: { 0: 2 } }), { code: 'INVALID_CONFIG', message: /option 'classWeight' applies to layers models/ });
  t.throws(() => balancedClassWeight({ ...cancer, y: Float32Array.from(cancer.y, (v, i) => v + i) }), { code: 'INVALID_CONFIG', message: /^balancedClassWeight\(\): option 'data' needs class labels, but 'breastCancer' has the float target 2 at row 2 \(class ids are integers; binary labels 0\/1\)/ }, 'regression targets');
  const samples = tfd.array([{ xs: tf.zeros([30]), ys: tf.scalar(1, 'int32') }]);
  t.throws(() => train(binary, samples as never, cfg('balanced')), { code: 'INVALID_CONFIG', message: /option 'classWeight' 'balanced' counts the classes of the training data, which a tf\.data source does not give up front: pass a map of class id to weight \(balancedClassWeight\(data\) computes one/ });
  t.doesNotThrow(() => train(binary, samples as never, cfg({ 0: 2 })), 'a map works with a tf.data source');
  for (const m of [binary, regression, multiLabel]) m.dispose();
});

/**
 * The use: breast-cancer from two weak features (mean texture, mean fractal dimension), with its own
 * imbalance (212 malignant, 357 benign). Unweighted, the model leans to the commoner class (benign) and
 * misses malignant tumours; 'balanced' weighs each malignant sample 1.34×, each benign one 0.80×.
 */
const weak: ArrayDataset = (() => {
  const cols = [1, 9];
  const x = new Float32Array(cancer.length * cols.length);
  for (let i = 0; i < cancer.length; i++) cols.forEach((c, j) => (x[i * cols.length + j] = cancer.x[i * 30 + c]!));
  return { ...cancer, x, xShape: [cols.length], featureNames: cols.map((c) => cancer.featureNames![c]!) };
})();

/** Recall of class 0 (malignant) on `data`: the share of its samples scored at or below 0.5. */
function malignantRecall(model: ReturnType<typeof mlp>, data: ArrayDataset): number {
  const p = predictAll(model, data).values;
  let found = 0;
  let total = 0;
  data.y.forEach((y, i) => {
    if (y !== 0) return;
    total++;
    if (!(p[i]! > 0.5)) found++;
  });
  return found / total;
}

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: 'balanced' raises the recall of malignant tumours on breast-cancer`, async (t) => {
    await useBackend(backend, { env: {} });
    const parts = split(weak, { test: 0.3, seed: 1 });
    const stats = fitNormalizer(parts.train, 'standard');
    const [trainSet, test] = [parts.train, parts.test].map((d) => applyNormalizer(d, stats)) as [ArrayDataset, ArrayDataset];
    const recall: Record<string, number> = {};
    for (const classWeight of [undefined, 'balanced'] as const) {
      const model = mlp({ inputShape: [2], units: [8], classes: 1, seed: 1 });
      await lastValueFrom(train(model, trainSet, { epochs: 30, seed: 1, loss: 'binaryCrossentropy', optimizer: { name: 'adam', lr: 0.01 }, ...(classWeight ? { classWeight } : {}) }).pipe(toArray()));
      recall[classWeight ?? 'none'] = malignantRecall(model, test);
      model.dispose();
    }
    t.ok(recall.balanced! >= recall.none! + 0.1, `malignant recall on the test split: ${recall.none!.toFixed(3)} unweighted, ${recall.balanced!.toFixed(3)} balanced`);
  });
}
