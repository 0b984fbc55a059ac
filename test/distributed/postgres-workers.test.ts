/**
 * Issue 8's acceptance test, against a real PostgreSQL: three `rxtrain worker` processes run a 60-trial
 * study that a driver queues and follows; one worker is SIGKILLed mid-trial. Every trial must end
 * completed, pruned or failed exactly once, no trial may run twice, and the best must match a
 * single-process run.
 *
 * How the two runs are made comparable: the sampler is a 10 × 6 grid, which gives every point to
 * exactly one trial whatever the order trials finish in, and the objective is deterministic. The
 * killed trial is re-queued (onStale 'retry'), so every point still gets its result; the best point's
 * curve is the lowest at every step, so the median pruner never prunes it in either run.
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { postgresStorage } from '../../lib/storage/postgres/postgres-storage.js';
import { study } from '../../lib/study/study.js';
import { space, int } from '../../lib/search/space.js';
import { gridSampler } from '../../lib/search/samplers/grid-sampler.js';
import { remoteWorkers } from '../../lib/distributed/remote-source.js';
import { prune } from '../../operators/prune.js';
import type { StudyEvent } from '../../lib/study/study-events.js';
import { PG_URL, pgSkip, freshSchema, dropSchemas } from '../storage/postgres-helpers.js';
import trialFn, { pruner } from './fixtures/quadratic-trial.js';
import { startWorker as spawnWorker, type WorkerProcess } from './worker-process.js';

const objectiveModule = fileURLToPath(new URL('./fixtures/quadratic-trial.ts', import.meta.url));
const sp = space({ x: int(0, 9), y: int(0, 5) });

const startWorker = (schema: string, name: string, env?: Readonly<Record<string, string>>): WorkerProcess =>
  spawnWorker(['--storage', PG_URL, '--schema', schema, '--study', name, '--objective', objectiveModule, '--idle-exit', '3', '--heartbeat-ms', '200', '--stale-after-ms', '1500'], env);

t.test('3 workers, 60 trials, one worker killed mid-trial', { skip: pgSkip }, async (t) => {
  t.teardown(dropSchemas);
  const schema = freshSchema();
  const storage = postgresStorage(PG_URL, { schema, heartbeatMs: 200, staleAfterMs: 1500 });
  t.teardown(() => storage.close());
  const name = 'grid';
  const s = study({ name, direction: 'minimize', metric: 'val_loss', storage, space: sp, sampler: gridSampler() });
  // Worker 0's third trial never ends: it is killed there (a 240 ms trial could end before the kill).
  const workers = [0, 1, 2].map((i) => startWorker(schema, name, i === 0 ? { RXTRAIN_TEST_HANG_AT: '3' } : undefined));
  t.teardown(() => workers.forEach((w) => w.child.kill('SIGKILL')));

  const run = lastValueFrom(s.optimize(remoteWorkers(), { concurrency: 6 }).pipe(toArray()));
  // Kill worker 0 in the middle of its third trial.
  const victim = workers[0]!;
  await victim.waitFor(/^started /, 3);
  const killedTrial = Number(victim.lines.filter((l) => l.startsWith('started ')).at(-1)!.split(' ')[1]);
  victim.child.kill('SIGKILL');
  const events = await run;
  const exits = await Promise.all(workers.map((w) => w.exited));
  t.same(exits[0], { code: null, signal: 'SIGKILL' });
  for (const [i, w] of workers.entries()) if (i > 0) t.same(exits[i], { code: 0, signal: null }, w.stderr.join(''));

  const trials = s.trials();
  t.same(trials.map((x) => x.number), [...trials.keys()], 'trial numbers unique and consecutive');
  t.ok(trials.every((x) => ['completed', 'pruned', 'failed'].includes(x.state)), 'every trial ended');
  const failed = trials.filter((x) => x.state === 'failed');
  t.same(failed.map((x) => x.number), [killedTrial], 'only the killed trial failed');
  t.match(failed[0]?.error, /^interrupted: no heartbeat/);
  const retry = trials.find((x) => x.attrs?.retryOf === killedTrial);
  t.ok(retry && retry.state !== 'failed', 'the killed trial was re-queued and ran again');
  t.same(failed[0]?.params, retry?.params);

  // Each grid point has exactly one result; each trial number was started by exactly one live worker.
  const results = trials.filter((x) => x.state !== 'failed');
  t.equal(results.length, 60);
  t.equal(new Set(results.map((x) => JSON.stringify(x.params))).size, 60, 'no point ran twice');
  const starts = workers.flatMap((w) => w.lines.filter((l) => l.startsWith('started ')).map((l) => Number(l.split(' ')[1])));
  t.equal(new Set(starts).size, starts.length, 'no trial started in two workers');
  t.same([...starts].sort((a, b) => a - b), trials.map((x) => x.number), 'every trial was run by a worker');
  t.ok(workers.slice(1).every((w) => w.lines.some((l) => l.startsWith('completed '))), 'the live workers shared the work');

  // What the driver saw: every trial's end, live, and the study's end.
  const ends = events.filter((e) => e.type === 'trialCompleted' || e.type === 'trialPruned' || e.type === 'trialFailed');
  t.equal(ends.length, 61);
  const last = events.at(-1) as Extract<StudyEvent, { type: 'studyCompleted' }>;
  // The killed trial is no result: its retry is (issue 15 item 5).
  t.match(last, { type: 'studyCompleted', reason: 'exhausted', failed: 0, requeued: 1 });
  t.equal(last.completed + last.pruned, 60);
  t.ok(last.pruned > 0, `the workers' pruner stopped ${last.pruned} trials`);
  t.ok(events.some((e) => e.type === 'epochEnd' && 'loss' in e.metrics), 'epoch metrics came through the database');

  // The same study in one process.
  const local = study({ name: 'local', direction: 'minimize', metric: 'val_loss', space: sp, sampler: gridSampler(), pruner });
  await lastValueFrom(local.optimize((trial) => trialFn({ params: trial.params, number: trial.number, seed: trial.seed, study: 'local' }).pipe(prune(trial))).pipe(toArray()));
  t.same(s.best()?.params, local.best()?.params, 'same best parameters');
  t.equal(s.best()?.value, local.best()?.value);
  t.same(s.best()?.params, { x: 3, y: 2 });
});
