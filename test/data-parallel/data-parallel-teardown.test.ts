// dataParallel's worker threads end with the stream, however it ends, and a worker that fails ends
// the stream with a WORKER_FAILED error.
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileURLToPath } from 'node:url';
import { filter, finalize, firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import { batches } from '../../lib/data/batches.js';
import { digits } from '../../lib/data/bundled.js';
import { useBackend } from '../../lib/backend/use-backend.js';
import { mlp } from '../../lib/models/mlp.js';
import { epochs } from '../../operators/epochs.js';
import { dataParallel } from '../../operators/data-parallel.js';
import { Sabotage } from './fixtures/sabotage-layer.js';
import { eventually } from '../eventually.js';

await useBackend('wasm');
const data = digits();
const sabotage = fileURLToPath(new URL('./fixtures/sabotage-layer.ts', import.meta.url));

/** Worker threads alive in this process, beyond those it had before the tests (loader hooks run in one). */
const count = (): number => (process.report.getReport() as unknown as { workers: unknown[] }).workers.length;
const baseline = count();
const liveWorkers = (): number => count() - baseline;

/** Resolves with the number of dataParallel's worker threads left: when none is, or after `ms`. */
async function workersGone(ms = 120_000): Promise<number> {
  const until = Date.now() + ms;
  while (liveWorkers() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return liveWorkers();
}

function sabotaged(mode: 'exit' | 'throw' | 'hang', after: number): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [64], units: 16, activation: 'relu' }));
  model.add(new Sabotage({ mode, after }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

t.test('the workers stop when the run completes, and no tensor is left', async (t) => {
  const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 1 });
  const before = tf.memory().numTensors;
  const run = batches(data, { batchSize: 256 }).pipe(epochs(2), dataParallel(model, { optimizer: 'adam', metrics: ['accuracy'] }));
  let during = 0;
  const events = await lastValueFrom(run.pipe(map((e) => ((during = Math.max(during, liveWorkers())), e)), toArray()));
  t.equal(during, 2, 'two worker threads during the run');
  t.equal(events.filter((e) => e.type === 'epochBoundary').length, 2);
  t.equal(await workersGone(), 0, 'no worker thread left');
  t.equal(tf.memory().numTensors, before, 'the optimizer made from a name is disposed');
  model.dispose();
});

t.test('the workers stop on unsubscribe, mid-epoch', async (t) => {
  const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 2 });
  // The source must be unsubscribed too, not run on alone through 1000 epochs.
  let sourceEnded = false;
  const source = batches(data, { batchSize: 32, yieldMs: 50 }).pipe(finalize(() => (sourceEnded = true)));
  await lastValueFrom(source.pipe(epochs(1000), dataParallel(model, { optimizer: 'sgd' }), filter((e) => e.type === 'step'), take(4)));
  await eventually(() => sourceEnded, undefined, 'the batches to be unsubscribed');
  t.ok(sourceEnded, 'the batches were unsubscribed too');
  t.equal(await workersGone(), 0);
  model.dispose();
});

t.test('the workers stop on unsubscribe before they are ready', async (t) => {
  const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 3 });
  let events = 0;
  const sub = batches(data, { batchSize: 32 }).pipe(epochs(1), dataParallel(model, { optimizer: 'sgd' })).subscribe(() => events++);
  while (liveWorkers() < 2) await new Promise((r) => setTimeout(r, 5));
  sub.unsubscribe();
  t.equal(events, 0, 'unsubscribed before runStart');
  t.equal(await workersGone(), 0);
  model.dispose();
});

t.test('the workers stop when a downstream operator fails', async (t) => {
  const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 4 });
  const run = batches(data, { batchSize: 32 }).pipe(
    epochs(1),
    dataParallel(model, { optimizer: 'sgd' }),
    map((e) => {
      if (e.type === 'step' && e.step === 3) throw new Error('downstream failure');
      return e;
    }),
  );
  await t.rejects(lastValueFrom(run), /downstream failure/);
  t.equal(await workersGone(), 0);
  model.dispose();
});

t.test('a worker that exits mid-run fails the stream with WORKER_FAILED', async (t) => {
  const model = sabotaged('exit', 2);
  const run = batches(data, { batchSize: 32 }).pipe(epochs(1), dataParallel(model, { optimizer: 'sgd', imports: [sabotage] }), toArray());
  await t.rejects(lastValueFrom(run), { name: 'RxtrainError', code: 'WORKER_FAILED', message: /^dataParallel\(\): worker \d of 2 exited/ });
  t.equal(await workersGone(), 0);
  model.dispose();
});

t.test('a worker whose step throws fails the stream with its message', async (t) => {
  const model = sabotaged('throw', 1);
  const run = batches(data, { batchSize: 32 }).pipe(epochs(1), dataParallel(model, { optimizer: 'sgd', imports: [sabotage] }), toArray());
  await t.rejects(lastValueFrom(run), { code: 'WORKER_FAILED', message: /worker \d of 2 failed during a step: the sabotage layer failed on purpose/ });
  t.equal(await workersGone(), 0);
  model.dispose();
});

t.test('a worker that stops answering fails the stream after stepTimeoutMs', async (t) => {
  const model = sabotaged('hang', 1);
  const run = batches(data, { batchSize: 32 }).pipe(epochs(1), dataParallel(model, { optimizer: 'sgd', imports: [sabotage], stepTimeoutMs: 1000 }), toArray());
  const started = Date.now();
  await t.rejects(lastValueFrom(run), { code: 'WORKER_FAILED', message: /the workers did not finish a step within 1000 ms \(option 'stepTimeoutMs'\); 0 of 2 did/ });
  t.ok(Date.now() - started < 30_000, 'failed well before the hang ends');
  t.equal(await workersGone(), 0, 'the hung workers were terminated');
  model.dispose();
});

t.test('a worker that cannot rebuild the model fails the stream before any step', async (t) => {
  // Without `imports`, the workers do not know the custom layer.
  const model = sabotaged('throw', 100);
  const run = batches(data, { batchSize: 32 }).pipe(epochs(1), dataParallel(model, { optimizer: 'sgd' }));
  await t.rejects(firstValueFrom(run), { code: 'WORKER_FAILED', message: /could not start: .*RxtrainTestSabotage/ });
  t.equal(await workersGone(), 0);
  model.dispose();
});

t.test('a worker on a backend that cannot load fails the stream', async (t) => {
  const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 5 });
  const run = batches(data, { batchSize: 32 }).pipe(epochs(1), dataParallel(model, { optimizer: 'sgd', backend: 'tensorflow-gpu' }));
  await t.rejects(firstValueFrom(run), { code: 'WORKER_FAILED', message: /could not start: .*tfjs-node-gpu/ });
  t.equal(await workersGone(), 0);
  model.dispose();
});
