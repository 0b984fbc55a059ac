import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, toArray, filter, take, takeUntil, timer, tap as rxTap } from 'rxjs';
import { train } from '../lib/train.js';
import { useBackend } from '../lib/backend/use-backend.js';
import { digits } from '../lib/data/bundled.js';
import { split } from '../lib/data/split.js';
import { mlp } from '../lib/models/mlp.js';
import { evaluate } from '../lib/evaluate.js';
import type { EpochEnd, TrainEvent } from '../lib/events.js';

const { train: trainSet, validation, test } = split(digits(), { validation: 0.15, test: 0.15, seed: 7 });
const epochEnds = (events: TrainEvent[]) => events.filter((e): e is EpochEnd => e.type === 'epochEnd');

for (const backend of ['cpu', 'wasm'] as const) {
  t.test(`digits MLP on ${backend}: ≥ 0.95 test accuracy`, async (t) => {
    await useBackend(backend, { env: {} });
    const model = mlp({ inputShape: [64], units: [64], classes: 10, seed: 3 });
    const events = await lastValueFrom(train(model, trainSet, { epochs: 15, batchSize: 32, optimizer: { name: 'adam', lr: 0.003 }, validation, seed: 3 }).pipe(toArray()));
    t.match(events[0], { type: 'runStart', backend });
    const ends = epochEnds(events);
    t.equal(ends.length, 15);
    t.ok(ends.every((e) => e.samples === trainSet.length && e.metrics.val_accuracy !== undefined && e.metrics.lr === 0.003));
    const acc = evaluate(model, test).accuracy!;
    t.ok(acc >= 0.95, `test accuracy ${acc.toFixed(4)}`);
    model.dispose();
  });
}

t.test('no tensor leaks: 50 epochs, and an early unsubscribe mid-epoch', async (t) => {
  await useBackend('cpu', { env: {} });
  const model = mlp({ inputShape: [64], units: [16], classes: 10, dropout: 0.2, l2: 1e-4 });
  const small = split(trainSet, { validation: 0.8, test: 0, seed: 1 }).train;
  const before = tf.memory().numTensors;
  const events = await lastValueFrom(train(model, small, { epochs: 50, batchSize: 64, validation, reduceLROnPlateau: { patience: 2, factor: 0.5 } }).pipe(toArray()));
  t.equal(epochEnds(events).length, 50);
  t.equal(tf.memory().numTensors, before, 'after 50 epochs');
  const partial = await lastValueFrom(train(model, small, { epochs: 50, batchSize: 8, earlyStopping: { monitor: 'loss', patience: 100, restoreBest: true } }).pipe(filter((e) => e.type === 'step'), take(5), toArray()));
  t.equal(partial.length, 5);
  t.equal(tf.memory().numTensors, before, 'after take(5) on steps, with restoreBest clones held');
  model.dispose();
});

t.test('unsubscribing stops training at the next step boundary', async (t) => {
  await useBackend('cpu', { env: {} });
  const model = mlp({ inputShape: [64], units: [32], classes: 10 });
  let steps = 0;
  await lastValueFrom(train(model, trainSet, { epochs: 1000, batchSize: 1 }).pipe(rxTap((e) => { if (e.type === 'step') steps++; }), takeUntil(timer(150)), toArray()));
  const at = steps;
  await new Promise((r) => setTimeout(r, 100));
  t.ok(at > 0, `${at} steps ran before the unsubscribe`);
  t.equal(steps, at, 'no step after the unsubscribe');
  model.dispose();
});

t.test('early stopping with restoreBest ends the run and restores the best epoch', async (t) => {
  await useBackend('cpu', { env: {} });
  const model = mlp({ inputShape: [64], units: [64], classes: 10, seed: 5 });
  const events = await lastValueFrom(train(model, trainSet, { epochs: 200, optimizer: { name: 'adam', lr: 0.01 }, validation, earlyStopping: { monitor: 'val_loss', patience: 2, restoreBest: true } }).pipe(toArray()));
  const stopped = events.at(-1);
  t.match(stopped, { type: 'stopped', source: 'earlyStopping' });
  const ends = epochEnds(events);
  t.ok(ends.length < 200, `stopped after ${ends.length} epochs`);
  const best = Math.min(...ends.map((e) => e.metrics.val_loss!));
  const now = evaluate(model, validation).loss;
  t.ok(Math.abs(now - best) < 1e-4, `restored val_loss ${now} = best ${best}`);
  model.dispose();
});

t.test('a NaN loss fails the run with an error naming it', async (t) => {
  await useBackend('cpu', { env: {} });
  const model = mlp({ inputShape: [64], units: [8], classes: 10 });
  const poisoned = { ...trainSet, x: trainSet.x.map((v, i) => (i === 5 ? NaN : v)) };
  await t.rejects(lastValueFrom(train(model, poisoned, { epochs: 3 })), { code: 'NON_FINITE' });
  model.dispose();
});

t.test('bad configs fail at the call, naming the field', async (t) => {
  const model = mlp({ inputShape: [64], units: [8], classes: 10 });
  t.throws(() => train(model, trainSet, { epochs: 0 }), /train\(\): option 'epochs' must be a positive integer/);
  t.throws(() => train(model, trainSet, { epochs: 1, batchsize: 3 } as never), /'batchsize' is not a known option/);
  t.throws(() => train(model, trainSet, { epochs: 1, optimizer: 'nadam' as never }), /optimizer\(\): option 'name'/);
  t.throws(() => train(model, trainSet, { epochs: 1, earlyStopping: { monitor: 'val_f2' as never } }), /earlyStopping\(\).*monitor/);
  t.throws(() => train(model, trainSet, { epochs: 1, reduceLROnPlateau: { factor: 2 } }), /reduceLROnPlateau\(\).*factor/);
  t.throws(() => train(model, { xs: [[1, 2], [3]], ys: [0, 1] }, { epochs: 1 }), /row 1/);
  model.dispose();
});
