import t from 'tap';
import { lastValueFrom, toArray } from 'rxjs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../lib/backend/use-backend.js';
import { digits } from '../../lib/data/bundled.js';
import { take } from '../../lib/data/split.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { getLearningRate, setLearningRate } from '../../lib/optimizers.js';
import { discriminativeLr } from '../../lib/transfer/discriminative-lr.js';

await useBackend('wasm');
const data = take(digits(), 64);

function oneStep(model: tfl.LayersModel, opt: tf.Optimizer): void {
  const xs = tf.tensor2d(data.x, [data.length, 64]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(data.y as Int32Array, 'int32'), 10));
  tf.tidy(() => {
    opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, false, model.trainableWeights.map((w) => w.read() as tf.Variable));
  });
  tf.dispose([xs, ys]);
}
const values = (m: tfl.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

t.test('each group steps at factor × the base rate (sgd: exactly the plain step at that rate)', async (t) => {
  const make = (): tfl.LayersModel => mlp({ inputShape: [64], units: [16], classes: 10, seed: 4 });
  const [a, slow, fast] = [make(), make(), make()];
  const before = tf.memory().numTensors;
  const opt = discriminativeLr({ model: a, optimizer: { name: 'sgd', lr: 0.5 }, groups: [{ layers: { upTo: -1 }, factor: 0.1 }] });
  const plainSlow = tf.train.sgd(0.05);
  const plainFast = tf.train.sgd(0.5);
  oneStep(a, opt);
  oneStep(slow, plainSlow);
  oneStep(fast, plainFast);
  const [va, vs, vf] = [values(a), values(slow), values(fast)];
  const close = (x: number[], y: number[]): boolean => x.every((v, i) => Math.abs(v - y[i]!) < 1e-6);
  t.ok(close(va[0]!, vs[0]!) && close(va[1]!, vs[1]!), 'the body moved as with sgd(0.05)');
  t.ok(close(va[2]!, vf[2]!) && close(va[3]!, vf[3]!), 'the head moved as with sgd(0.5)');
  t.notOk(close(va[0]!, vf[0]!), 'and not as with sgd(0.5)');
  t.equal(getLearningRate(opt), 0.5);
  setLearningRate(opt, 0.2);
  t.equal(opt.rateOf(a.layers[0]!.weights[0]!.name), 0.2 * 0.1, 'a new base rate keeps the factors');
  t.equal(opt.rateOf(a.layers[1]!.weights[0]!.name), 0.2);
  opt.dispose();
  plainSlow.dispose();
  plainFast.dispose();
  t.equal(tf.memory().numTensors, before, 'dispose frees every inner optimizer');
  for (const m of [a, slow, fast]) m.dispose();
});

t.test('with adam through train(): learns, reports lr, frees its state', async (t) => {
  const model = mlp({ inputShape: [64], units: [32], classes: 10, seed: 1 });
  const before = tf.memory().numTensors;
  const optimizer = discriminativeLr({ model, optimizer: { name: 'adam', lr: 0.01 }, groups: [{ layers: [model.layers[0]!], factor: 0.1 }] });
  const events = await lastValueFrom(train(model, data, { epochs: 5, batchSize: 16, optimizer, seed: 1 }).pipe(toArray()));
  const ends = events.filter((e) => e.type === 'epochEnd');
  t.ok(ends.at(-1)!.metrics.loss < ends[0]!.metrics.loss, 'the loss falls');
  optimizer.dispose();
  t.equal(tf.memory().numTensors, before);
  model.dispose();
});

t.test('config errors name the field', async (t) => {
  const model = mlp({ inputShape: [64], units: [8], classes: 3 });
  t.throws(() => discriminativeLr({ model, optimizer: 'adam', groups: [{ layers: { upTo: -1 }, factor: 0 }] }), { code: 'INVALID_CONFIG', message: /'groups\[0\].factor' must be a finite number > 0/ });
  t.throws(() => discriminativeLr({ model, optimizer: 'adan' as never, groups: [] }), { code: 'INVALID_CONFIG', message: /'optimizer.name' must be one of/ });
  t.throws(() => discriminativeLr({ model, optimizer: { name: 'adam', lr: -1 }, groups: [] }), { code: 'INVALID_CONFIG', message: /'lr' must be a finite number > 0/ });
  t.throws(() => discriminativeLr({ model, optimizer: 'adam', groups: [{ layers: { upTo: 9 }, factor: 0.1 }] }), { code: 'INVALID_CONFIG', message: /'groups\[0\].layers.upTo'/ });
  t.throws(() => discriminativeLr({ model, optimizer: 'adam', groups: {} as never }), { code: 'INVALID_CONFIG', message: /'groups' must be an array/ });
  model.dispose();
});
