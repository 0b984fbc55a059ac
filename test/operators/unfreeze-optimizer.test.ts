/**
 * Stateful optimizers while the trained set changes mid-run (unfreezeAt, freeze): every variable keeps
 * its own optimizer state. The reference gives each variable its own tfjs optimizer, stepped at every
 * step (with a `null` gradient while the variable is frozen), so no state can be shared or shifted by
 * construction, and Adam's step count is the run's, as with one shared optimizer.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { lastValueFrom, tap, toArray, type OperatorFunction } from 'rxjs';
import { batches } from '../../lib/data/batches.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import type { EpochBoundary, RunStart, StepEvent } from '../../lib/events.js';
import { perSampleLoss } from '../../lib/losses.js';
import { optimizer as makeOptimizer, setLearningRate, type OptimizerConfig } from '../../lib/optimizers.js';
import { createRandom } from '../../lib/random.js';
import { freeze, unfreeze } from '../../lib/transfer/freeze.js';
import type { Layer } from '../../lib/transfer/select-layers.js';
import { epochs } from '../../operators/epochs.js';
import { trainStep } from '../../operators/train-step.js';
import { unfreezeAt } from '../../operators/unfreeze-at.js';

await tf.setBackend('cpu');

const N = 24;
const BATCH = 8;
const EPOCHS = 5;

/** A smooth regression problem: y = sin(x0) + x1·x2 − x3, with noise. */
function data(): ArrayDataset {
  const r = createRandom(3);
  const x = new Float32Array(N * 4);
  const y = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < 4; j++) x[4 * i + j] = r.normal();
    y[i] = Math.sin(x[4 * i]!) + x[4 * i + 1]! * x[4 * i + 2]! - x[4 * i + 3]! + 0.1 * r.normal();
  }
  return { x, xShape: [4], y, yShape: [1], length: N, name: 'toy' };
}
const set = data();

/**
 * Body dense 4→3 (tanh), head dense 3→1: the body's variables have other shapes than the head's, so
 * a slot handed to the wrong variable is a shape error, and a later one with equal shapes (the second
 * body layer 3→3) would be silently wrong.
 */
function build(seed: number): tfl.Sequential {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 10 + s });
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 3, activation: 'tanh', kernelInitializer: init(1), biasInitializer: 'zeros' }),
      tfl.layers.dense({ units: 3, activation: 'tanh', kernelInitializer: init(2), biasInitializer: tfl.initializers.constant({ value: 0.1 }) }),
      tfl.layers.dense({ units: 1, kernelInitializer: init(3), biasInitializer: 'zeros' }),
    ],
  });
}

function twin(model: tfl.LayersModel): tfl.Sequential {
  const m = build(0);
  const w = model.getWeights();
  m.setWeights(w);
  return m;
}

/** In layer order (`model.getWeights()` puts the trainable ones first, so its order changes with freezing). */
const values = (m: tfl.LayersModel): Float32Array[] => m.layers.flatMap((l) => l.getWeights().map((w) => Float32Array.from(w.dataSync())));

/** Largest absolute difference between the two models' weights. */
function maxDiff(a: tfl.LayersModel, b: tfl.LayersModel): number {
  const va = values(a);
  const vb = values(b);
  let d = 0;
  va.forEach((x, i) => x.forEach((v, j) => (d = Math.max(d, Math.abs(v - vb[i]![j]!)))));
  return d;
}

/** Which layers (by index) train in each epoch (1 for the first). */
type Schedule = (epoch: number) => readonly number[];

/**
 * The reference: the same batches (in order), the same loss, one optimizer per variable, each stepped
 * at every step; a variable not trained in an epoch is handed `null` (its optimizer skips it).
 */
function reference(model: tfl.LayersModel, config: OptimizerConfig, schedule: Schedule, nEpochs = EPOCHS, lrAt?: (epoch: number) => number): void {
  const weights = model.layers.flatMap((l, li) => l.weights.map((w) => ({ layer: li, v: w.read() as tf.Variable })));
  const opts = weights.map(() => makeOptimizer(config));
  for (let epoch = 1; epoch <= nEpochs; epoch++) {
    if (lrAt) for (const o of opts) setLearningRate(o, lrAt(epoch));
    const trained = new Set(schedule(epoch));
    const vars = weights.filter((w) => trained.has(w.layer)).map((w) => w.v);
    for (let start = 0; start < N; start += BATCH) {
      tf.tidy(() => {
        const xs = tf.tensor2d(set.x.subarray(start * 4, (start + BATCH) * 4), [BATCH, 4]);
        const ys = tf.tensor2d(set.y.subarray(start, start + BATCH), [BATCH, 1]);
        const { grads } = tf.variableGrads(() => tf.mean(perSampleLoss('meanSquaredError', ys, model.apply(xs, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
        weights.forEach((w, i) => opts[i]!.applyGradients([{ name: w.v.name, tensor: grads[w.v.name] ?? (null as unknown as tf.Tensor) }]));
      });
    }
  }
  for (const o of opts) o.dispose();
}

type Out = RunStart | StepEvent | EpochBoundary;
/** Train through trainStep, in order, with `extra` operators after it (unfreezeAt, a freeze tap, ...). */
async function run(model: tfl.LayersModel, optimizer: tf.Optimizer | OptimizerConfig, extra: OperatorFunction<Out, { readonly type: string }>, nEpochs = EPOCHS): Promise<Array<{ readonly type: string }>> {
  return lastValueFrom(
    batches(set, { batchSize: BATCH, shuffle: false }).pipe(
      epochs(nEpochs),
      trainStep(model, { optimizer, loss: 'meanSquaredError' }),
      extra,
      toArray(),
    ),
  );
}

const configs: Array<[string, OptimizerConfig]> = [
  ['adam', { name: 'adam', lr: 0.05 }],
  ['momentum', { name: 'momentum', lr: 0.05, momentum: 0.9 }],
  ['rmsprop', { name: 'rmsprop', lr: 0.01, momentum: 0.5 }],
  ['adagrad', { name: 'adagrad', lr: 0.1 }],
  ['adamax', { name: 'adamax', lr: 0.05 }],
];

for (const [label, config] of configs) {
  t.test(`${label}: unfreezeAt mid-run keeps each variable's state (matches per-variable optimizers)`, async (t) => {
    const model = build(1);
    const ref = twin(model);
    const body = freeze(model, { upTo: -1 });
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    const bodyAt2 = values(model).slice(0, 4);
    const events = await run(
      model,
      config,
      (s) =>
        s.pipe(
          unfreezeAt(3, body.slice(-1)), // the second body layer (3→3) from epoch 3
          unfreezeAt(4, body), // the first (4→3) from epoch 4
          tap((e) => {
            if (e.type === 'epochBoundary') counts.push(tf.memory().numTensors);
            if (e.type === 'epochBoundary' && e.epoch === 2) {
              // Frozen for epochs 1 and 2: bit-for-bit the initial weights.
              t.same(values(model).slice(0, 4), bodyAt2, 'the frozen body did not move');
            }
          }),
        ),
    );
    t.equal(events.filter((e) => e.type === 'unfrozen').length, 2);
    reference(ref, config, (epoch) => (epoch < 3 ? [2] : epoch < 4 ? [1, 2] : [0, 1, 2]));
    t.ok(maxDiff(model, ref) < 1e-5, `every weight as with per-variable optimizers (max difference ${maxDiff(model, ref)})`);
    t.notSame(values(model).slice(0, 2), bodyAt2.slice(0, 2), 'the first body layer trained after unfreezing');
    t.equal(counts[4], counts[3], 'no tensors leak from one epoch to the next');
    t.equal(tf.memory().numTensors, start, 'the optimizer made from a config is freed at the end');
    model.dispose();
    ref.dispose();
  });
}

t.test('adam: freezing mid-run leaves the frozen layers bit-exact; the head keeps its own moments; refreezing and unfreezing again', async (t) => {
  const model = build(2);
  const ref = twin(model);
  const config: OptimizerConfig = { name: 'adam', lr: 0.05 };
  let frozenAt2: Float32Array[] = [];
  let frozenAt3: Float32Array[] = [];
  const bodyLayers = model.layers.slice(0, 2) as Layer[];
  await run(model, config, (s) =>
    s.pipe(
      tap((e) => {
        if (e.type !== 'epochBoundary') return;
        if (e.epoch === 2) {
          freeze(model, bodyLayers); // epochs 3 and 4: the head alone
          frozenAt2 = values(model).slice(0, 4);
        }
        if (e.epoch === 4) {
          frozenAt3 = values(model).slice(0, 4);
          unfreeze(model, [bodyLayers[1]!]); // epoch 5: the second body layer again, with its moments
        }
      }),
    ),
  );
  t.same(frozenAt3, frozenAt2, 'the body did not move while frozen');
  reference(ref, config, (epoch) => (epoch < 3 ? [0, 1, 2] : epoch < 5 ? [2] : [1, 2]));
  t.ok(maxDiff(model, ref) < 1e-5, `every weight as with per-variable optimizers (max difference ${maxDiff(model, ref)})`);
  model.dispose();
  ref.dispose();
});

t.test("a caller's optimizer instance keeps each variable's state across runs, and its learning rate stays the caller's", async (t) => {
  const model = build(3);
  const ref = twin(model);
  const before = tf.memory().numTensors;
  const opt = tf.train.adam(0.05);
  freeze(model, { upTo: -1 });
  await run(model, opt, (s) => s, 2); // the head alone
  unfreeze(model);
  setLearningRate(opt, 0.02);
  await run(model, opt, (s) => s, 2); // a second run: the body joins, after the head's slots
  reference(ref, { name: 'adam', lr: 0.05 }, (epoch) => (epoch < 3 ? [2] : [0, 1, 2]), 4, (epoch) => (epoch < 3 ? 0.05 : 0.02));
  t.ok(maxDiff(model, ref) < 1e-5, `every weight as with per-variable optimizers (max difference ${maxDiff(model, ref)})`);
  const state = await opt.getWeights();
  state[0]!.tensor.dispose(); // getWeights makes a new iteration scalar; the rest are the optimizer's
  const names = state.map((w) => w.name);
  const head = model.layers[2]!.weights.map((w) => w.name);
  t.same(names.slice(1, 3), head.map((n) => `${n}/m`), "the head's moments keep their first places (a saved state keeps its order)");
  t.equal(names.length, 1 + 2 * 6, 'one first and one second moment per variable');
  opt.dispose();
  t.equal(tf.memory().numTensors, before, 'the caller frees it, with every slot');
  model.dispose();
  ref.dispose();
});

t.test('with clipNorm: the same per-variable state', async (t) => {
  const model = build(4);
  const ref = twin(model);
  const body = freeze(model, { upTo: -1 });
  await lastValueFrom(
    batches(set, { batchSize: BATCH, shuffle: false }).pipe(epochs(3), trainStep(model, { optimizer: { name: 'momentum', lr: 0.05 }, loss: 'meanSquaredError', clipNorm: 1e6 }), unfreezeAt(2, body), toArray()),
  );
  reference(ref, { name: 'momentum', lr: 0.05 }, (epoch) => (epoch < 2 ? [2] : [0, 1, 2]), 3);
  t.ok(maxDiff(model, ref) < 1e-5, `max difference ${maxDiff(model, ref)}`);
  model.dispose();
  ref.dispose();
});
