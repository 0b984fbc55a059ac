import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { Worker } from 'node:worker_threads';
import { useBackend } from '../../lib/backend/use-backend.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { toySpace } from '../../lib/pbt/toy.js';
import type { PbtEvent } from '../../lib/pbt/types.js';
import { space, logUniform } from '../../lib/search/space.js';
import { workerPool } from '../../lib/parallel/worker-pool.js';
import digitsMember, { toy } from './fixtures/members.js';
import { eventually } from '../eventually.js';

await useBackend('cpu');

const members = fileURLToPath(new URL('./fixtures/members.ts', import.meta.url));
const tempDir = (t: { teardown(f: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'pbt-workers-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

// Every worker thread started in this process, and whether it has exited.
const threads: Array<{ worker: Worker; exited: boolean }> = [];
process.on('worker', (worker: Worker) => {
  const entry = { worker, exited: false };
  threads.push(entry);
  worker.on('exit', () => (entry.exited = true));
});
const running = () => threads.filter((w) => !w.exited).length;

const lrSpace = space({ lr: logUniform(1e-4, 1e-1) });
const digitsConfig = { populationSize: 4, epochs: 3, readyEvery: 1, metric: 'val_accuracy', direction: 'maximize' as const, exploit: { quantile: 0.5 }, seed: 2 };

/** The events with checkpoint paths made relative to their folder, epoch ends in member order. */
const comparable = (events: PbtEvent[], dir: string) => {
  const ends = events.filter((e) => e.type === 'epochEnd').sort((a, b) => a.member - b.member || a.epoch - b.epoch);
  const rest = events
    .filter((e) => e.type !== 'epochEnd')
    .map((e) => (e.type === 'exploit' ? { ...e, checkpoint: relative(dir, e.checkpoint) } : e.type === 'pbtStarted' ? { ...e, dir: '' } : e.type === 'pbtCompleted' ? { ...e, best: { ...e.best, checkpoint: relative(dir, e.best.checkpoint!) } } : e));
  return { ends, rest };
};

t.test('members in 2 workers: the same events and result as in this thread; copies carry the donor\'s weights', async (t) => {
  const before = tf.memory().numTensors;
  const local = tempDir(t);
  const inThread = await lastValueFrom(pbt(lrSpace, digitsMember, { ...digitsConfig, checkpointDir: local }).pipe(toArray()));
  const remote = tempDir(t);
  const started = threads.length;
  const inWorkers = await lastValueFrom(pbt(lrSpace, { module: members }, { ...digitsConfig, checkpointDir: remote, workers: 2, backend: 'cpu' }).pipe(toArray()));
  t.equal(threads.length - started, 2, 'two worker threads');
  t.equal(running(), 0, 'they stopped when the run completed');
  t.equal(tf.memory().numTensors, before, 'no tensor in this thread');

  const a = comparable(inThread, local);
  const b = comparable(inWorkers, remote);
  t.equal(b.ends.length, 12, 'an epochEnd per member and epoch');
  t.same(b.ends, a.ends, 'same metrics, member by member');
  t.same(b.rest, a.rest, 'same ready, exploit, explore and completed events');
  // Each ready time's top member beat the earlier ones in this seeded run: a newBest follows each ready.
  t.same(inWorkers.map((e) => e.type).filter((x) => x !== 'epochEnd'), ['pbtStarted', 'ready', 'newBest', 'exploit', 'explore', 'exploit', 'explore', 'ready', 'newBest', 'exploit', 'explore', 'exploit', 'explore', 'ready', 'newBest', 'pbtCompleted'], 'event structure');

  const exploits = inWorkers.filter((e) => e.type === 'exploit');
  t.equal(exploits.length, 4, 'two copies at each of the two ready times before the end');
  for (const e of exploits) {
    const saved = JSON.parse(readFileSync(`${e.checkpoint}.saved.json`, 'utf8')) as { weights: number[][]; opt: number[][] };
    const loaded = JSON.parse(readFileSync(`${e.checkpoint}.loaded-by-${e.member}.json`, 'utf8')) as typeof saved;
    t.same(loaded.weights, saved.weights, `member ${e.member} (worker ${e.member % 2}) has member ${e.donor}'s (worker ${e.donor % 2}) weights after the copy at epoch ${e.epoch}`);
    t.same(loaded.opt, saved.opt, '... and its Adam state');
  }
  t.ok(exploits.some((e) => e.member % 2 !== e.donor % 2), 'some copies crossed workers');
});

t.test('a worker that dies fails its members, not the run: they rank last and copy a better one', async (t) => {
  const events = await lastValueFrom(
    pbt(toySpace, { module: members, export: 'crashing' }, { populationSize: 4, epochs: 9, readyEvery: 3, metric: 'Q', direction: 'maximize', exploit: { quantile: 0.5 }, seed: 5, workers: 2, backend: 'cpu' }).pipe(toArray()),
  );
  const failed = events.filter((e) => e.type === 'memberFailed');
  t.ok(failed.some((e) => e.member === 1), 'member 1 failed');
  t.ok(failed.every((e) => e.member % 2 === 1 && e.epoch >= 3 && e.epoch <= 6), 'only members of its worker, in that round');
  t.match(failed.find((e) => e.member === 1)!.error, /worker thread of members 1, 3 died: worker thread exited with code 3/);
  const ready = events.filter((e) => e.type === 'ready')[1]!;
  t.same(ready.ranking.slice(-failed.length).map((r) => r.member).sort(), failed.map((e) => e.member).sort(), 'the failed members rank last');
  t.ok(Number.isNaN(ready.ranking.at(-1)!.value), 'with no value');
  for (const f of failed) t.ok(events.some((e) => e.type === 'exploit' && e.member === f.member && e.epoch === 6), `member ${f.member} copied a better member`);
  t.equal(events.filter((e) => e.type === 'epochEnd' && e.epoch === 8).length, 4, 'every member trained the last round');
  t.equal(events.at(-1)!.type, 'pbtCompleted', 'the run completed');
  t.equal(running(), 0, 'no worker left running');
});

t.test('a worker that dies after its members trained: they are back at their last checkpoint, and fail', async (t) => {
  const events = await lastValueFrom(
    pbt(toySpace, { module: members, export: 'crashingSave' }, { populationSize: 4, epochs: 9, readyEvery: 3, metric: 'Q', direction: 'maximize', exploit: { quantile: 0.5 }, seed: 5, workers: 2, backend: 'cpu' }).pipe(toArray()),
  );
  const failed = events.filter((e) => e.type === 'memberFailed');
  t.match(failed, [
    { member: 1, epoch: 6, error: /worker thread of members 1, 3 died: worker thread exited with code 3/ },
    { member: 3, epoch: 6, error: /worker thread of members 1, 3 died/ },
  ], 'both members of the dead worker lost the round they trained');
  t.same(events.flatMap((e) => (e.type === 'epochEnd' && e.epoch === 5 ? [e.member] : [])).sort(), [0, 1, 2, 3], 'they had trained it');
  const ready = events.filter((e) => e.type === 'ready')[1]!;
  t.same(ready.ranking.slice(2).map((r) => r.member), [1, 3], 'they rank last');
  t.same(events.flatMap((e) => (e.type === 'exploit' && e.epoch === 6 ? [e.member] : [])).sort(), [1, 3], 'and copy better members');
  t.equal(events.at(-1)!.type, 'pbtCompleted', 'the run completed');
  t.equal(running(), 0, 'no worker left running');
});

t.test('unsubscribing stops the workers', async (t) => {
  const started = threads.length;
  await new Promise<void>((resolve) => {
    const sub = pbt(lrSpace, { module: members }, { ...digitsConfig, epochs: 50, workers: 2, backend: 'cpu' }).subscribe((e) => {
      if (e.type === 'epochEnd') {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  t.equal(threads.length - started, 2, 'two workers had started');
  await eventually(() => running() === 0, undefined, 'the worker threads to end').catch(() => undefined);
  t.equal(running(), 0, 'none is running after unsubscribe');
});

t.test('a workerPool() lends its threads: reused by runs, left open (also when a run is unsubscribed), members disposed', async (t) => {
  const pool = workerPool({ size: 2, backend: 'cpu' });
  await pool.warm();
  const started = threads.length;
  const perWorker = () => Promise.all([0, 1].map(() => firstValueFrom(pool.run<number>({ module: members, export: 'tensors' }))));
  const before = await perWorker();
  const config = { populationSize: 4, epochs: 6, readyEvery: 3, metric: 'Q', direction: 'maximize' as const, seed: 1, workers: pool };
  const a = (await lastValueFrom(pbt(toySpace, { module: members, export: 'toy' }, config))) as Extract<PbtEvent, { type: 'pbtCompleted' }>;
  const b = (await lastValueFrom(pbt(toySpace, { module: members, export: 'toy' }, config))) as Extract<PbtEvent, { type: 'pbtCompleted' }>;
  t.same(b.members, a.members, 'the same result twice');
  await new Promise<void>((resolve) => {
    const sub = pbt(toySpace, { module: members, export: 'toy' }, { ...config, epochs: 3000 }).subscribe((e) => {
      if (e.type === 'epochEnd' && e.epoch === 100) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  t.equal(threads.length, started, 'no new thread: the pool\'s were used');
  t.same(await perWorker(), before, 'the pool is open, and its workers hold no member\'s tensors');
  await pool.close();
});

t.test('config errors name the field', async (t) => {
  const ok = { populationSize: 2, epochs: 2, readyEvery: 1, metric: 'Q', direction: 'maximize' as const };
  t.throws(() => pbt(toySpace, toy, { ...ok, workers: 2 }), /option 'workers' needs the objective as a module \(\{ module, export\? \}\)/);
  t.throws(() => pbt(toySpace, toy, { ...ok, backend: 'wasm' }), /option 'backend' needs the objective as a module/);
  t.throws(() => pbt(toySpace, { module: members }, { ...ok, workers: 0 }), /option 'workers' must be a positive integer/);
  t.throws(() => pbt(toySpace, { module: members }, { ...ok, workers: {} as never }), /option 'workers' must be a number of threads or a workerPool\(\)/);
  t.throws(() => pbt(toySpace, { module: members }, { ...ok, workers: workerPool({ size: 1 }), backend: 'cpu' }), /option 'backend' cannot be set with a workerPool\(\) as workers/);
  t.throws(() => pbt(toySpace, { module: members }, { ...ok, backend: 'webgl' as never }), /option 'backend' must be one of/);
  t.throws(() => pbt(toySpace, { module: './nope/member.ts' }, ok), /option 'objective.module' names no file \(.*nope\/member\.ts\)/);
  t.throws(() => pbt(toySpace, { module: members, exprt: 'x' } as never, ok), /'exprt' is not a known option/);
  t.throws(() => pbt(toySpace, 42 as never, ok), /option 'objective' must be a function that makes a member, or \{ module, export\? \}/);
  await t.rejects(lastValueFrom(pbt(toySpace, { module: members, export: 'nope' }, { ...ok, workers: 1, backend: 'cpu' })), /has no function export 'nope' \(exports: /);
});

t.test('a run in workers, stopped and started again on its folder, ends as an uninterrupted one', async (t) => {
  const config = { populationSize: 4, epochs: 12, readyEvery: 3, metric: 'Q', direction: 'maximize' as const, explore: { perturb: [0.8, 1.2], resample: 0.25 }, seed: 5, workers: 2, backend: 'cpu' as const };
  const full = (await lastValueFrom(pbt(toySpace, toy, { ...config, workers: undefined, backend: undefined, checkpointDir: tempDir(t) }))) as Extract<PbtEvent, { type: 'pbtCompleted' }>;
  const dir = tempDir(t);
  await new Promise<void>((resolve) => {
    const sub = pbt(toySpace, { module: members, export: 'toy' }, { ...config, checkpointDir: dir }).subscribe((e) => {
      if (e.type === 'epochEnd' && e.epoch === 7 && e.member === 2) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  const events = await lastValueFrom(pbt(toySpace, { module: members, export: 'toy' }, { ...config, checkpointDir: dir }).pipe(toArray()));
  t.match(events[0], { type: 'pbtStarted', epoch: 6 }, 'it resumes at the last ready time');
  const end = events.at(-1) as Extract<PbtEvent, { type: 'pbtCompleted' }>;
  t.same(end.members, full.members, 'same values, parameters and schedules as an uninterrupted run in this thread');
  await eventually(() => running() === 0, undefined, 'the worker threads to end').catch(() => undefined);
  t.equal(running(), 0, 'no worker left running');
});
