/**
 * The driver/worker protocol within one process, on a shared memory storage: a driver queues and
 * follows trials (`remoteWorkers()`), workers claim and run them (`runWorker`). The same code runs across
 * processes on PostgreSQL (test/distributed/postgres-workers.test.ts).
 */
import t from 'tap';
import { lastValueFrom, of, toArray, concat, delay, interval, map, type Observable } from 'rxjs';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import { study } from '../../lib/study/study.js';
import { space, uniform } from '../../lib/search/space.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { gridSampler } from '../../lib/search/samplers/grid-sampler.js';
import { medianPruner } from '../../lib/search/pruners/median-pruner.js';
import { remoteWorkers } from '../../lib/distributed/remote-source.js';
import { runWorker } from '../../lib/distributed/run-worker.js';
import { evolve } from '../../lib/evolve/evolve.js';
import { prune } from '../../operators/prune.js';
import type { Trial } from '../../lib/study/trial.js';
import type { StudyEvent } from '../../lib/study/study-events.js';

/**
 * A worker that runs until the test stops it, not until an idle time: on a busy machine the gap between
 * a driver's trials (or an evolve's generations) can outlast any idle time, and a worker gone early
 * would leave the driver waiting.
 */
function running<E>(worker: Observable<E>): { stop(): E[]; error(): unknown } {
  const events: E[] = [];
  let failure: unknown;
  const sub = worker.subscribe({ next: (e) => events.push(e), error: (err: unknown) => (failure = err) });
  return { stop: () => (sub.unsubscribe(), events), error: () => failure };
}

const sp = space({ x: uniform(-4, 4), y: uniform(-4, 4) });
const f = (p: { x: number; y: number }): number => (p.x - 1) ** 2 + (p.y + 2) ** 2;
/** A training-like stream: three epochs whose val_loss falls towards f, asynchronously. */
const objective = (trial: Trial<{ x: number; y: number }>) =>
  concat(
    ...[0, 1, 2].map((epoch) =>
      of({ type: 'epochEnd', epoch, metrics: { loss: 1, val_loss: f(trial.params) + (2 - epoch) } }).pipe(delay(1)),
    ),
  );

t.test('a driver and two workers share a study', async (t) => {
  const storage = memoryStorage();
  const s = study({ name: 'remote', direction: 'minimize', metric: 'val_loss', storage, space: sp, sampler: randomSampler({ seed: 3 }) });
  // These workers idle out (the test checks it): the driver queues a trial in the same turn as the one
  // before ends (memory storage), so 50 ms without one means the study is done.
  const workers = [0, 1].map(() => runWorker({ storage, study: 'remote', objective, idleMs: 50 }));
  const workerEvents = Promise.all(workers.map((w) => lastValueFrom(w.pipe(toArray()))));
  const events = await lastValueFrom(s.optimize(remoteWorkers(), { trials: 12, concurrency: 3 }).pipe(toArray()));
  const done = await workerEvents;

  const trials = s.trials();
  t.equal(trials.length, 12);
  t.ok(trials.every((x) => x.state === 'completed' && x.value === f(x.params as { x: number; y: number })), 'every trial ran once, to its value');
  const ran = done.map((evs) => evs.filter((e) => e.type === 'trialCompleted').map((e) => (e as { trial: number }).trial));
  t.same([...ran.flat()].sort((a, b) => a - b), [...Array(12).keys()], 'each trial ran in exactly one worker');
  t.ok(ran.every((r) => r.length > 0), `both workers ran trials: ${JSON.stringify(ran)}`);
  t.same(done.map((evs) => (evs.at(-1) as { reason?: string }).reason), ['idle', 'idle'], 'workers stop when idle');

  const epochs = events.filter((e): e is Extract<StudyEvent, { type: 'epochEnd' }> => e.type === 'epochEnd');
  t.equal(epochs.length, 36, 'the driver sees every epoch of every trial');
  t.same(epochs[0]?.metrics, { loss: 1, val_loss: epochs[0]!.value }, 'with all its metrics');
  const last = events.at(-1) as Extract<StudyEvent, { type: 'studyCompleted' }>;
  t.match(last, { type: 'studyCompleted', reason: 'trials', completed: 12, pruned: 0, failed: 0 });
  t.equal(last.best?.value, Math.min(...trials.map((x) => x.value!)));

  // The same seed in one process gives the same trials and the same best.
  const local = study({ name: 'local', direction: 'minimize', metric: 'val_loss', space: sp, sampler: randomSampler({ seed: 3 }) });
  await lastValueFrom(local.optimize(objective, { trials: 12 }).pipe(toArray()));
  t.same(local.trials().map((x) => x.params), trials.map((x) => x.params));
  t.equal(local.best()?.value, s.best()?.value);
});

t.test('workers ask the pruner against every worker\'s reports', async (t) => {
  const storage = memoryStorage();
  const s = study({ name: 'p', direction: 'minimize', metric: 'val_loss', storage, space: sp, sampler: gridSampler({ points: 4 }) });
  const pruner = medianPruner({ nStartupTrials: 3 });
  const pruned = (trial: Trial<{ x: number; y: number }>) => objective(trial).pipe(prune(trial));
  const w = running(runWorker({ storage, study: 'p', objective: pruned, pruner }));
  const events = await lastValueFrom(s.optimize(remoteWorkers(), { concurrency: 1 }).pipe(toArray()));
  w.stop();
  const last = events.at(-1) as Extract<StudyEvent, { type: 'studyCompleted' }>;
  t.equal(last.reason, 'exhausted', 'a grid ends the driver when every point was queued and followed');
  t.equal(s.trials().length, 16);
  t.ok(last.pruned > 0, `${last.pruned} trials pruned`);
  t.equal(last.completed + last.pruned, 16);
});

t.test('misuse is a clear error', async (t) => {
  const storage = memoryStorage();
  t.throws(() => runWorker({ storage, study: 'nope', objective }), /no study named "nope".*start the driver first/);
  const lite = sqliteStorage(':memory:');
  t.teardown(() => lite.close());
  const s = study({ name: 'l', direction: 'minimize', storage: lite, space: sp, sampler: randomSampler({ seed: 1 }) });
  t.throws(() => s.optimize(remoteWorkers(), { trials: 1 }), /sqlite storage cannot follow trials that other processes run: use postgresStorage/);
});

t.test('evolve runs its generations on remote workers', async (t) => {
  const storage = memoryStorage();
  const s = study({ name: 'ev', direction: 'minimize', metric: 'val_loss', storage, space: sp, sampler: randomSampler({ seed: 5 }) });
  const workers = [0, 1].map(() => running(runWorker({ storage, study: 'ev', objective })));
  const pops = await lastValueFrom(evolve(sp, remoteWorkers(), { populationSize: 6, generations: 3, seed: 4, study: s }).pipe(toArray()));
  const members = await Promise.all(pops.map((p) => Promise.all(p.members.map((m) => lastValueFrom(m.events)))));
  const ran = workers.map((w) => w.stop().filter((e) => e.type === 'trialCompleted').length);
  t.same(pops.map((p) => p.generation), [0, 1, 2]);
  t.same(members.map((g) => g.map((e) => e.type)), Array(3).fill(Array(6).fill('trialCompleted')), 'every member ended, completed');
  t.equal(ran[0]! + ran[1]!, s.trials().length, 'the workers ran every member');
  t.ok(ran.every((n) => n > 0), `both workers took members: ${ran}`);

  // The same seeds in one process give the same generations.
  const local = study({ name: 'ev', direction: 'minimize', metric: 'val_loss', space: sp, sampler: randomSampler({ seed: 5 }) });
  const localPops = await lastValueFrom(evolve(sp, objective, { populationSize: 6, generations: 3, seed: 4, study: local }).pipe(toArray()));
  t.same(pops.map((p) => p.members.map((m) => m.params)), localPops.map((p) => p.members.map((m) => m.params)));
});

t.test('a study whose remote trials all fail stops: the driver after maxConsecutiveFailures, and so does the worker (issue 14 item 3)', async (t) => {
  const storage = memoryStorage();
  const s = study({ name: 'broken', direction: 'minimize', metric: 'val_loss', storage, space: sp, sampler: randomSampler({ seed: 3 }) });
  const broken = () => concat(of(null).pipe(delay(1)), of(0)).pipe(map(() => { throw new TypeError('model is not a function'); }));
  const worker = running(runWorker({ storage, study: 'broken', objective: broken, maxConsecutiveFailures: 4 }));
  await t.rejects(lastValueFrom(s.optimize(remoteWorkers(), { trials: 50, concurrency: 1, maxConsecutiveFailures: 3 })), {
    code: 'TRIAL_FAILED',
    message: /study "broken" stopped: its last 3 trials failed \(maxConsecutiveFailures: 3; .*\): "model is not a function" \(trials 0, 1, 2\)$/,
  });
  // The driver queued no more; the worker ran what was queued (and may have stopped at its own limit).
  worker.stop();
  if (worker.error() !== undefined) t.match(worker.error(), { message: /its last \d trials failed/ });
  t.ok(s.trials().length <= 4, `${s.trials().length} trials ran`);
  t.equal(s.trials(['completed']).length, 0);
});

t.test('idleMs counts from when the worker had nothing to run: news that brings no trial does not put it off', async (t) => {
  const inner = memoryStorage();
  study({ name: 'quiet', direction: 'minimize', storage: inner, space: space({ x: uniform(0, 1) }), sampler: randomSampler({ seed: 1 }) });
  // PostgreSQL says "look again" every few heartbeats; here a change of no trial comes every 5 ms, far
  // more often than the 100 ms idle time: the worker must still end, as idle, with nothing run.
  let news = 0;
  const storage = { ...inner, watch: () => interval(5).pipe(map(() => (news++, -1))) };
  const events = await lastValueFrom(runWorker({ storage, study: 'quiet', objective: () => of(), idleMs: 100 }).pipe(toArray()));
  t.match(events.at(-1), { type: 'studyCompleted', reason: 'idle', completed: 0 });
  t.ok(news > 1, `woken ${news} times meanwhile, and idle all the same`);
});
