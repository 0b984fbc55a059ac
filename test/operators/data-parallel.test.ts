// dataParallel against trainStep on real data (the bundled digits): same gradients, same events, and
// a training run that learns as well.
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { filter, lastValueFrom, take, toArray } from 'rxjs';
import { batches } from '../../lib/data/batches.js';
import { digits } from '../../lib/data/bundled.js';
import { split } from '../../lib/data/split.js';
import { useBackend } from '../../lib/backend/use-backend.js';
import { cnn } from '../../lib/models/cnn.js';
import { mlp } from '../../lib/models/mlp.js';
import { evaluate } from '../../lib/evaluate.js';
import { epochs } from '../../operators/epochs.js';
import { trainStep } from '../../operators/train-step.js';
import { epochEnd } from '../../operators/epoch-end.js';
import { dataParallel } from '../../operators/data-parallel.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import type { EpochBoundary, EpochEnd, StepEvent } from '../../lib/events.js';

await useBackend('wasm');

/** An optimizer that records the gradients it is given and changes nothing. */
class Recorder extends tf.Optimizer {
  static readonly className = 'RxtrainTestRecorder';
  readonly steps: Map<string, Float32Array>[] = [];
  override applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    // A variable not trained now comes with no gradient (applyGradientsByName keeps its slot): skip it, as tfjs' optimizers do.
    const named: tf.NamedTensorMap = Array.isArray(grads) ? Object.fromEntries(grads.filter((g) => g.tensor != null).map((g) => [g.name, g.tensor])) : grads;
    this.steps.push(new Map(Object.entries(named).map(([k, g]) => [k, g.dataSync().slice() as Float32Array])));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** Two copies of a model with the same weights. */
function twins(build: () => tfl.LayersModel): [tfl.LayersModel, tfl.LayersModel] {
  const a = build();
  const b = build();
  b.setWeights(a.getWeights());
  return [a, b];
}

/** max |a − b| / max |a| over all the gradients of every recorded step, matched by weight order. */
function gradientGap(a: tfl.LayersModel, ra: Recorder, b: tfl.LayersModel, rb: Recorder): { gap: number; steps: number } {
  let diff = 0;
  let scale = 0;
  // trainStep may record a step or more past take(n): a synchronous source runs on inside subscribe().
  ra.steps.slice(0, rb.steps.length).forEach((step, s) => {
    a.trainableWeights.forEach((w, i) => {
      const ga = step.get((w.read() as tf.Variable).name)!;
      const gb = rb.steps[s]!.get((b.trainableWeights[i]!.read() as tf.Variable).name)!;
      ga.forEach((v, j) => {
        diff = Math.max(diff, Math.abs(v - gb[j]!));
        scale = Math.max(scale, Math.abs(v));
      });
    });
  });
  return { gap: diff / scale, steps: Math.min(ra.steps.length, rb.steps.length) };
}

const images: ArrayDataset = digits({ image: true });
const flat = digits();

const cases = [
  { name: 'CNN, batch 128 on 2 workers', data: images, batchSize: 128, workers: 2, build: () => cnn({ inputShape: [8, 8, 1], filters: [8, 16], kernelSize: 3, pool: 1, dense: [32], classes: 10, seed: 3 }) },
  { name: 'CNN, batch 37 on 2 workers (19 + 18 rows)', data: images, batchSize: 37, workers: 2, build: () => cnn({ inputShape: [8, 8, 1], filters: [8], kernelSize: 3, dense: [32], classes: 10, seed: 4 }) },
  { name: 'MLP, batch 5 on 3 workers (2 + 2 + 1 rows)', data: flat, batchSize: 5, workers: 3, build: () => mlp({ inputShape: [64], units: [32], classes: 10, seed: 5 }) },
  { name: 'MLP, batch 1 on 2 workers (one sits out)', data: flat, batchSize: 1, workers: 2, build: () => mlp({ inputShape: [64], units: [32], classes: 10, seed: 6 }) },
];

for (const c of cases) {
  t.test(`averaged gradients equal one thread's gradient of the whole batch: ${c.name}`, async (t) => {
    const [one, many] = twins(c.build);
    const r1 = new Recorder();
    const r2 = new Recorder();
    const before = tf.memory().numTensors;
    const steps = (m: tfl.LayersModel, step: ReturnType<typeof trainStep>) =>
      lastValueFrom(batches(c.data, { batchSize: c.batchSize, shuffle: true, seed: 2 }).pipe(epochs(1), step, filter((e) => e.type === 'step'), take(3), toArray()));
    await steps(one, trainStep(one, { optimizer: r1, loss: 'sparseCategoricalCrossentropy' }));
    await steps(many, dataParallel(many, { workers: c.workers, optimizer: r2, loss: 'sparseCategoricalCrossentropy' }));
    t.equal(r2.steps.length, 3, 'dataParallel applied 3 updates');
    const { gap, steps: n } = gradientGap(one, r1, many, r2);
    t.equal(n, 3);
    t.ok(gap < 1e-5, `max difference / max gradient = ${gap.toExponential(2)}`);
    t.equal(tf.memory().numTensors, before, 'no tensor left behind');
    one.dispose();
    many.dispose();
  });
}

t.test('weights assigned and layers frozen in the main thread between epochs reach the workers', async (t) => {
  const [one, many] = twins(() => mlp({ inputShape: [64], units: [32, 16], classes: 10, seed: 10 }));
  const other = mlp({ inputShape: [64], units: [32, 16], classes: 10, seed: 11 });
  const r1 = new Recorder();
  const r2 = new Recorder();
  const run = (m: tfl.LayersModel, step: ReturnType<typeof trainStep>) =>
    lastValueFrom(batches(flat, { batchSize: 600 }).pipe(epochs(2), step, toArray()));
  // After epoch 1: new weights from another model (as restoreBest or a checkpoint load would), and the
  // first layer frozen (as unfreezeAt or freeze would). Epoch 1's gradients must be taken there.
  const between = (m: tfl.LayersModel) => (e: { type: string; epoch?: number }) => {
    if (e.type !== 'epochBoundary' || e.epoch !== 1) return;
    m.setWeights(other.getWeights());
    m.layers[0]!.trainable = false;
  };
  const tapped = (m: tfl.LayersModel, op: ReturnType<typeof trainStep>): ReturnType<typeof trainStep> => (source) =>
    op(source).pipe(filter((e) => (between(m)(e), true)));
  await run(one, tapped(one, trainStep(one, { optimizer: r1 })));
  await run(many, tapped(many, dataParallel(many, { workers: 2, optimizer: r2 })));
  t.equal(r2.steps.length, 6);
  t.equal(r2.steps[5]!.size, 4, 'epoch 2 trains 2 layers (4 weights), not 3');
  const { gap } = gradientGap(one, { steps: r1.steps.slice(3, 6) } as Recorder, many, { steps: r2.steps.slice(3, 6) } as Recorder);
  t.ok(gap < 1e-5, `epoch 2 gradients differ by ${gap.toExponential(2)}`);
  for (const m of [one, many, other]) m.dispose();
});

t.test('with batch normalisation, the moving statistics come back from the workers', async (t) => {
  // One worker sees the whole batch, so everything must match trainStep, the moving statistics too.
  const build = () => cnn({ inputShape: [8, 8, 1], filters: [8], batchNorm: true, dense: [16], classes: 10, seed: 7 });
  const [one, many] = twins(build);
  const run = (m: tfl.LayersModel, step: ReturnType<typeof trainStep>) =>
    lastValueFrom(batches(images, { batchSize: 64, shuffle: true, seed: 3 }).pipe(epochs(1), step, filter((e) => e.type === 'step'), take(4), toArray()));
  await run(one, trainStep(one, { optimizer: { name: 'sgd', lr: 0.1 } }));
  await run(many, dataParallel(many, { workers: 1, optimizer: { name: 'sgd', lr: 0.1 } }));
  const names = one.weights.map((w) => w.originalName);
  t.ok(names.some((n) => n.includes('moving_mean')), 'the model has moving statistics');
  let gap = 0;
  for (const [i, w] of one.weights.entries()) {
    const a = w.read().dataSync();
    const b = many.weights[i]!.read().dataSync();
    a.forEach((v, i) => (gap = Math.max(gap, Math.abs(v - b[i]!) / Math.max(1, Math.abs(v)))));
  }
  t.ok(gap < 1e-5, `weights and moving statistics after 4 steps differ by ${gap.toExponential(2)}`);
  const movingMean = many.weights.find((w) => w.originalName.includes('moving_mean'))!.read().dataSync();
  t.ok(movingMean.some((v) => v !== 0), 'the main model has moving means from the workers');
  one.dispose();
  many.dispose();
});

t.test("the events are trainStep's: runStart, step, epochBoundary with metrics; loss with readEvery", async (t) => {
  const model = mlp({ inputShape: [64], units: [32], classes: 10, seed: 8 });
  const events = await lastValueFrom(
    batches(flat, { batchSize: 200 }).pipe(epochs(2), dataParallel(model, { optimizer: 'adam', metrics: ['accuracy'], readEvery: 3 }), toArray()),
  );
  t.match(events[0], { type: 'runStart', backend: 'wasm', trainableParams: 64 * 32 + 32 + 32 * 10 + 10 });
  t.type((events[0] as { time: number }).time, 'number');
  const steps = events.filter((e): e is StepEvent => e.type === 'step');
  t.equal(steps.length, 18, '9 batches (8 × 200 + 197) × 2 epochs');
  t.same(steps.slice(0, 3).map((s) => [s.epoch, s.index, s.step, s.size]), [[1, 0, 1, 200], [1, 1, 2, 200], [1, 2, 3, 200]]);
  t.match(steps[8], { type: 'step', epoch: 1, index: 8, step: 9, size: 197 });
  t.same(steps.filter((s) => s.loss !== undefined).map((s) => s.step), [3, 6, 9, 12, 15, 18]);
  t.ok(steps.every((s) => s.loss === undefined || (s.loss > 0 && Number.isFinite(s.loss))), 'batch losses');
  const ends = events.filter((e): e is EpochBoundary => e.type === 'epochBoundary');
  t.same(ends.map((e) => [e.epoch, e.samples, e.steps]), [[1, 1797, 9], [2, 1797, 9]]);
  t.ok(ends[1]!.metrics!.loss < ends[0]!.metrics!.loss, 'the loss falls');
  t.ok(ends[1]!.metrics!.accuracy! > 0 && ends[1]!.metrics!.accuracy! <= 1);
  model.dispose();
});

t.test('a short run on digits reaches the accuracy trainStep reaches', async (t) => {
  const { train, validation } = split(digits(), { validation: 0.2, test: 0, seed: 1 });
  const [one, many] = twins(() => mlp({ inputShape: [64], units: [64], classes: 10, seed: 9 }));
  const run = async (m: tfl.LayersModel, step: ReturnType<typeof trainStep>): Promise<number> => {
    const ends = await lastValueFrom(
      batches(train, { batchSize: 32, shuffle: true, seed: 4 }).pipe(epochs(8), step, epochEnd({ model: m, validation }), filter((e): e is EpochEnd => e.type === 'epochEnd'), toArray()),
    );
    return ends.at(-1)!.metrics.val_accuracy!;
  };
  const single = await run(one, trainStep(one, { optimizer: { name: 'adam', lr: 0.003 } }));
  const parallel = await run(many, dataParallel(many, { workers: 2, optimizer: { name: 'adam', lr: 0.003 } }));
  t.ok(single > 0.93, `trainStep: val_accuracy ${single}`);
  t.ok(parallel > 0.93, `dataParallel: val_accuracy ${parallel}`);
  t.ok(Math.abs(single - parallel) <= 0.02, `the same within 0.02: ${single} vs ${parallel}`);
  // The main thread's model holds the trained weights: evaluating it there gives the last epoch's figure.
  t.equal(evaluate(many, validation, { metrics: ['accuracy'] }).accuracy, parallel);
  one.dispose();
  many.dispose();
});

t.test('a data set with per-sample weights is refused, not trained as if unweighted', async (t) => {
  await useBackend('wasm', { env: {} });
  const data = digits();
  const weighted: ArrayDataset = { ...data, weights: new Float32Array(data.length).fill(1) };
  const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 1 });
  const run = batches(weighted, { batchSize: 64 }).pipe(epochs(1), dataParallel(model, { workers: 2, optimizer: 'adam' }));
  await t.rejects(lastValueFrom(run), { code: 'INVALID_CONFIG', message: /dataParallel\(\): the data set 'digits' has per-sample weights, which dataParallel does not apply yet/ });
  model.dispose();
});
