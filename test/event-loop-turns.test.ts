/**
 * Short epochs must not starve the event loop (issue 15 item 1): the time between two turns is
 * bounded across epochs, not per epoch. Measured by events, not by time: the runs use a clock that
 * moves 10 ms at each epoch's end, so with `yieldMs` 20 a turn is due every second epoch, however
 * fast or loaded the machine.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, lastValueFrom, Subject, takeUntil, tap, toArray } from 'rxjs';
import { train } from '../lib/train.js';
import { useBackend } from '../lib/backend/use-backend.js';
import { iris } from '../lib/data/bundled.js';
import { batches } from '../lib/data/batches.js';
import { mlp } from '../lib/models/mlp.js';
import { manualClock } from '../lib/clock.js';
import { sinceLastTurn } from '../lib/event-loop-turns.js';
import { epochs } from '../operators/epochs.js';
import { dataParallel } from '../operators/data-parallel.js';
import { workerPool } from '../lib/parallel/worker-pool.js';
import { turnCounter } from './parallel/fixtures/short-epochs.js';

const data = iris();

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: iris, one batch an epoch: the event loop gets a turn every second epoch`, async (t) => {
    await useBackend(backend, { env: {} });
    const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });
    const clock = manualClock();
    const counter = turnCounter();
    let ends = 0;
    await lastValueFrom(train(model, data, { epochs: 200, batchSize: 150, clock }).pipe(tap((e) => e.type === 'epochEnd' && (ends++, clock.advance(10)))));
    counter.stop();
    t.equal(ends, 200);
    // Before: 0 turns (the whole run ran inside subscribe()).
    t.ok(counter.turns >= 99, `${counter.turns} turns in 200 epochs of 10 ms`);
    model.dispose();
  });

  t.test(`${backend}: a stop from another macrotask lands within the bound, counted in epochs`, async (t) => {
    await useBackend(backend, { env: {} });
    const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });
    const clock = manualClock();
    const stop = new Subject<void>();
    const before = tf.memory().numTensors;
    let ends = 0;
    let endsAtStop = -1;
    setImmediate(() => {
      endsAtStop = ends;
      stop.next();
    });
    const events = await lastValueFrom(
      train(model, data, { epochs: 2000, batchSize: 150, clock }).pipe(
        tap((e) => e.type === 'epochEnd' && (ends++, clock.advance(10))),
        takeUntil(stop),
        toArray(),
      ),
    );
    // Before: the stop ran only after all 2000 epochs.
    t.ok(endsAtStop >= 1 && endsAtStop <= 3, `the stop ran after ${endsAtStop} epochs (a turn is due after 2)`);
    t.equal(ends, endsAtStop, 'no epoch ended after the stop');
    t.equal(events.filter((e) => e.type === 'epochEnd').length, endsAtStop);
    t.equal(tf.memory().numTensors, before, 'nothing leaked');
    model.dispose();
  });
}

t.test('the count runs across passes and resets at a turn; a bound of 0 still makes progress', async (t) => {
  await useBackend('cpu', { env: {} });
  const clock = manualClock();
  t.equal(sinceLastTurn(clock), 0);
  clock.advance(15);
  t.equal(sinceLastTurn(clock), 15, 'still the same stretch');
  await new Promise((r) => setImmediate(r));
  t.equal(sinceLastTurn(clock), 0, 'a turn started a new stretch');
  // yieldMs 0: a turn before every batch, and every batch is still emitted.
  const counter = turnCounter();
  const items = await lastValueFrom(batches(data, { batchSize: 50, yieldMs: 0, clock }).pipe(epochs(4), toArray()));
  counter.stop();
  t.equal(items.filter((b) => b.type === 'batch').length, 12);
  t.ok(counter.turns >= 11, `${counter.turns} turns for 12 batches`);
});

t.test('a tf.data source held in memory yields too (its awaits are microtasks)', async (t) => {
  await useBackend('cpu', { env: {} });
  const tfd = await import('@tensorflow/tfjs-data');
  const samples = tfd.array(Array.from({ length: 40 }, (_, i) => i)).map((i) => ({ xs: tf.tensor1d([i as unknown as number]), ys: tf.scalar(0, 'int32') }));
  const clock = manualClock();
  const stop = new Subject<void>();
  let seen = 0;
  let seenAtStop = -1;
  setImmediate(() => {
    seenAtStop = seen;
    stop.next();
  });
  await lastValueFrom(batches(samples, { batchSize: 1, clock }).pipe(epochs(1000), tap((b) => b.type === 'batch' && (seen++, clock.advance(5))), takeUntil(stop)), { defaultValue: undefined });
  t.ok(seenAtStop >= 1 && seenAtStop <= 5, `stopped after ${seenAtStop} batches (a turn is due after 4)`);
});

t.test('dataParallel: a stop from another macrotask lands within the bound too', async (t) => {
  await useBackend('cpu', { env: {} });
  const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });
  const clock = manualClock();
  const stop = new Subject<void>();
  let ends = 0;
  let endsAtStop = -1;
  const run = batches(data, { batchSize: 150, clock }).pipe(
    epochs(2000),
    dataParallel(model, { workers: 1, optimizer: 'sgd', backend: 'cpu' }),
    tap((e) => e.type === 'epochBoundary' && (ends++, clock.advance(10))),
    takeUntil(stop),
  );
  // The threads start before the first step: ask for the stop once training runs.
  await lastValueFrom(run.pipe(tap((e) => {
    if (e.type === 'runStart') setImmediate(() => ((endsAtStop = ends), stop.next()));
  })), { defaultValue: undefined });
  t.ok(endsAtStop >= 1 && endsAtStop <= 3, `the stop ran after ${endsAtStop} epochs (a turn is due after 2)`);
  t.equal(ends, endsAtStop, 'no epoch ended after the stop');
  model.dispose();
});

t.test('worker threads: the same bound, and a cancel lands before the run ends', async (t) => {
  const fixture = fileURLToPath(new URL('./parallel/fixtures/short-epochs.ts', import.meta.url));
  const pool = workerPool({ size: 1, backend: 'cpu' });
  t.teardown(() => pool.close());
  const events = await lastValueFrom(pool.run<{ epoch?: number; turns?: number }>({ module: fixture, export: 'shortEpochs', input: { epochs: 200 } }).pipe(toArray()));
  t.equal(events.filter((e) => e.epoch !== undefined).length, 200);
  const turns = events.at(-1)!.turns!;
  t.ok(turns >= 99, `${turns} turns in the worker in 200 epochs of 10 ms (before: 0)`);
  // Unsubscribe at the first epoch: the worker gets the cancel at its next turn. Before, it ran all
  // 5000 epochs first (the next task waits for the cancelled one to end).
  await firstValueFrom(pool.run({ module: fixture, export: 'shortEpochs', input: { epochs: 5000 } }));
  const ran = (await firstValueFrom(pool.run<number>({ module: fixture, export: 'epochsRun' }))) - 200;
  t.ok(ran >= 1 && ran < 5000, `the cancelled run trained ${ran} of 5000 epochs`);
});
