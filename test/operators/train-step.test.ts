import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Observable, lastValueFrom, toArray, take, filter } from 'rxjs';
import { batches } from '../../lib/data/batches.js';
import { epochs } from '../../operators/epochs.js';
import { trainStep } from '../../operators/train-step.js';
import { mlp } from '../../lib/models/mlp.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import type { Batch, EpochBoundary, StepEvent } from '../../lib/events.js';
import { createRandom } from '../../lib/random.js';

await tf.setBackend('cpu');

/** Two Gaussian blobs per class in 2-D: separable, so a small model must learn it. */
function blobs(n: number, seed = 1): ArrayDataset {
  const r = createRandom(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    x[2 * i] = [0, 3, -3][c]! + 0.5 * r.normal();
    x[2 * i + 1] = [3, -2, -2][c]! + 0.5 * r.normal();
  }
  return { x, xShape: [2], y, yShape: [], length: n, name: 'blobs' };
}

t.test('a layers model learns: runStart first, one step per batch, epoch metrics read from the device', async (t) => {
  const model = mlp({ inputShape: [2], units: [16], classes: 3, seed: 1 });
  const events = await lastValueFrom(
    batches(blobs(300), { batchSize: 30, shuffle: true, seed: 1 }).pipe(epochs(8), trainStep(model, { optimizer: { name: 'adam', lr: 0.05 }, metrics: ['accuracy'] }), toArray()),
  );
  t.match(events[0], { type: 'runStart', backend: 'cpu', trainableParams: 2 * 16 + 16 + 16 * 3 + 3 });
  const steps = events.filter((e): e is StepEvent => e.type === 'step');
  t.equal(steps.length, 80);
  t.same(steps.slice(0, 3).map((s) => s.step), [1, 2, 3]);
  t.equal(steps[0]!.loss, undefined, 'no per-step read by default');
  const ends = events.filter((e): e is EpochBoundary => e.type === 'epochBoundary');
  t.equal(ends.length, 8);
  t.equal(ends[0]!.samples, 300);
  t.equal(ends[0]!.steps, 10);
  t.ok(ends[7]!.metrics!.loss < ends[0]!.metrics!.loss / 2, `loss fell: ${ends[0]!.metrics!.loss} → ${ends[7]!.metrics!.loss}`);
  t.ok(ends[7]!.metrics!.accuracy! > 0.95, `train accuracy ${ends[7]!.metrics!.accuracy}`);
  model.dispose();
});

t.test('a custom loss of variables: fits y = 2x + 1', async (t) => {
  const n = 64;
  const xs = Array.from({ length: n }, (_, i) => [i / n]);
  const ys = xs.map(([x]) => 2 * x! + 1);
  const w = tf.variable(tf.scalar(0));
  const b = tf.variable(tf.scalar(0));
  const loss = (batch: { xs: tf.Tensor; ys: tf.Tensor }) => tf.losses.meanSquaredError(tf.reshape(batch.ys, [-1]), tf.add(tf.mul(tf.reshape(batch.xs, [-1]), w), b)) as tf.Scalar;
  const before = tf.memory().numTensors;
  const events = await lastValueFrom(batches({ xs, ys }, { batchSize: 16 }).pipe(epochs(200), trainStep({ loss, variables: [w, b] }, { optimizer: { name: 'sgd', lr: 0.5 }, readEvery: 4 }), toArray()));
  t.equal(tf.memory().numTensors, before, 'no tensors left (own optimizer disposed)');
  t.ok(Math.abs(w.dataSync()[0]! - 2) < 0.05 && Math.abs(b.dataSync()[0]! - 1) < 0.05, `w=${w.dataSync()[0]} b=${b.dataSync()[0]}`);
  const steps = events.filter((e): e is StepEvent => e.type === 'step');
  t.equal(steps.filter((s) => s.loss !== undefined).length, steps.length / 4, 'loss read every 4th step');
  tf.dispose([w, b]);
});

t.test('clipNorm bounds the update', async (t) => {
  const w = tf.variable(tf.tensor1d([0, 0]));
  const loss = () => tf.sum(tf.mul(w, tf.tensor1d([300, 400]))) as tf.Scalar; // gradient norm 500
  await lastValueFrom(batches({ xs: [[0]], ys: [0] }, { batchSize: 1 }).pipe(epochs(1), trainStep({ loss, variables: [w] }, { optimizer: { name: 'sgd', lr: 1 }, clipNorm: 5 }), toArray()));
  const [a, b] = Array.from(w.dataSync());
  t.ok(Math.abs(a! + 3) < 1e-4 && Math.abs(b! + 4) < 1e-4, `step scaled to norm 5: ${a}, ${b}`);
  w.dispose();
});

t.test('unsubscribing early and completing leave no tensors behind', async (t) => {
  const model = mlp({ inputShape: [2], units: [8], classes: 3, dropout: 0.1, l2: 1e-3 });
  const opt = tf.train.adam(0.01);
  const data = blobs(120);
  // Warm the optimizer so its slot variables exist before counting.
  await lastValueFrom(batches(data, { batchSize: 40 }).pipe(epochs(1), trainStep(model, { optimizer: opt }), toArray()));
  const before = tf.memory().numTensors;
  await lastValueFrom(batches(data, { batchSize: 8 }).pipe(epochs(50), trainStep(model, { optimizer: opt, metrics: ['accuracy'] }), toArray()));
  t.equal(tf.memory().numTensors, before, 'after 50 epochs');
  const got = await lastValueFrom(batches(data, { batchSize: 8 }).pipe(epochs(50), trainStep(model, { optimizer: opt, metrics: ['accuracy'] }), filter((e) => e.type === 'step'), take(7), toArray()));
  t.equal(got.length, 7);
  t.equal(tf.memory().numTensors, before, 'after an early unsubscribe mid-epoch');
  t.notOk((opt as unknown as { isDisposed?: boolean }).isDisposed, 'a caller-owned optimizer is not disposed');
  opt.dispose();
  model.dispose();
});

t.test('errors name the cause', async (t) => {
  const model = mlp({ inputShape: [2], units: [4], classes: 3 });
  t.throws(() => trainStep(model, {} as never), /trainStep\(\): option 'optimizer' is required/);
  t.throws(() => trainStep(model, { optimizer: 'adamw' as never }), /optimizer\(\): option 'name' must be one of/);
  t.throws(() => trainStep(model, { optimizer: 'adam', loss: 'hinge' as never }), /option 'loss' must be a function or one of/);
  t.throws(() => trainStep(model, { optimizer: 'adam', metrics: ['f2'] as never }), /metrics\[0\]/);
  t.throws(() => trainStep({ loss: () => tf.scalar(0) }, { optimizer: 'adam', metrics: ['accuracy'] }), /metrics/);
  t.throws(() => trainStep({} as never, { optimizer: 'adam' }), /option 'model' must be a tfjs-layers LayersModel/);
  // Targets that do not fit the model's outputs: the stream fails with both shapes.
  const bad: ArrayDataset = { x: new Float32Array(8), xShape: [2], y: new Float32Array(20), yShape: [5], length: 4 };
  await t.rejects(lastValueFrom(batches(bad, { batchSize: 2 }).pipe(epochs(1), trainStep(model, { optimizer: 'adam' }))), { code: 'SHAPE_MISMATCH', message: /trainStep\(\): the targets of the data are one-hot rows of width 5 \(shape \[5\]\) but the model has 3 classes \(outputs of shape \[3\]\)/ });
  const wrongFeatures: ArrayDataset = { x: new Float32Array(12), xShape: [3], y: new Int32Array(4), yShape: [], length: 4 };
  await t.rejects(lastValueFrom(batches(wrongFeatures, { batchSize: 2 }).pipe(epochs(1), trainStep(model, { optimizer: 'adam' }))), { code: 'SHAPE_MISMATCH', message: /trainStep\(\): the model takes samples of shape \[2\] but the data has samples of shape \[3\]/ });
  const input = tfl.input({ shape: [2] });
  const heads = [3, 3].map((u) => tfl.layers.dense({ units: u, activation: 'softmax' }).apply(input) as tfl.SymbolicTensor);
  const multi = tfl.model({ inputs: input, outputs: heads });
  await t.rejects(lastValueFrom(batches(blobs(4), { batchSize: 2 }).pipe(epochs(1), trainStep(multi, { optimizer: 'adam' }))), /several outputs are not supported \(got 2 outputs\)/);
  multi.dispose();
  model.dispose();
});

t.test('a downstream that stops during a synchronous source trains no further step', async (t) => {
  const w = tf.variable(tf.scalar(0));
  let calls = 0;
  const loss = (batch: { xs: tf.Tensor; ys: tf.Tensor }) => {
    calls++;
    return tf.mean(tf.square(tf.sub(tf.reshape(batch.ys, [-1]), tf.mul(tf.reshape(batch.xs, [-1]), w)))) as tf.Scalar;
  };
  const xs = tf.tensor2d([[0.1], [0.5], [0.9], [1.3]]);
  const ys = tf.tensor1d([0.3, 1.5, 2.7, 3.9]);
  // A source that emits all of its batches inside subscribe: the teardown comes only after.
  const source = new Observable<Batch>((sub) => {
    for (let index = 0; index < 8 && !sub.closed; index++) sub.next({ type: 'batch', xs, ys, size: 4, epoch: 0, index });
    sub.complete();
  });
  const events = await lastValueFrom(source.pipe(trainStep({ loss, variables: [w] }, { optimizer: { name: 'sgd', lr: 0.1 } }), take(2), toArray()));
  t.same(events.map((e) => e.type), ['runStart', 'step']);
  t.equal(calls, 1, 'one step trained, not the remaining seven');
  tf.dispose([w, xs, ys]);
});
