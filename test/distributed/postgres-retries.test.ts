/**
 * Issue 15 item 5, against a real PostgreSQL: a driver asked for N trials gets N results although a
 * worker is killed mid-trial, with workers whose idle exit is shorter than the heartbeat grace; and a
 * short grace (staleAfterMs 6000) brings the killed trial back within seconds. Issue 14 item 3: a
 * configuration error in the workers' trials ends the driver and the workers at once.
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { postgresStorage } from '../../lib/storage/postgres/postgres-storage.js';
import { study } from '../../lib/study/study.js';
import { space, int } from '../../lib/search/space.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { remoteWorkers } from '../../lib/distributed/remote-source.js';
import type { StudyEvent } from '../../lib/study/study-events.js';
import { PG_URL, pgSkip, freshSchema, dropSchemas } from '../storage/postgres-helpers.js';
import { startWorker } from './worker-process.js';

const sp = space({ x: int(0, 9), y: int(0, 5) });
const hangFirst = fileURLToPath(new URL('./fixtures/hang-first-trial.ts', import.meta.url));
const quadratic = fileURLToPath(new URL('./fixtures/quadratic-trial.ts', import.meta.url));
// A short grace, and an idle exit shorter than it but longer than a busy machine's gap between two of
// the driver's trials (0.3 s and then 1 s were not: the survivor left before the next trial was queued).
const grace = ['--heartbeat-ms', '500', '--stale-after-ms', '6000'];

t.test('trials: N gives N results when a worker dies, with workers that idle out sooner than the grace', { skip: pgSkip }, async (t) => {
  t.teardown(dropSchemas);
  const schema = freshSchema();
  const storage = postgresStorage(PG_URL, { schema, heartbeatMs: 500, staleAfterMs: 6000 });
  t.teardown(() => storage.close());
  const s = study({ name: 'retries', direction: 'minimize', metric: 'val_loss', storage, space: sp, sampler: randomSampler({ seed: 1 }) });
  const events: StudyEvent[] = [];
  const seenAt = new Map<string, number>();
  const driver = lastValueFrom(
    s.optimize(remoteWorkers(), { trials: 3, concurrency: 1 }).pipe(
      tap((e) => {
        events.push(e);
        seenAt.set(`${e.type} ${'trial' in e ? e.trial : ''}`, Date.now());
      }),
      toArray(),
    ),
  );

  // The victim takes trial 0, which never ends; it is killed there.
  const victim = startWorker(['--storage', PG_URL, '--schema', schema, '--study', 'retries', '--objective', hangFirst, ...grace]);
  t.teardown(() => victim.child.kill('SIGKILL'));
  await victim.waitFor(/^started 0 /);
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  // Nothing is queued now and trial 0 still looks alive: a worker that idles out after 4 s, less than the
  // 6 s grace, must wait for it to be declared dead and run its retry.
  const survivor = startWorker(['--storage', PG_URL, '--schema', schema, '--study', 'retries', '--objective', hangFirst, ...grace, '--idle-exit', '4']);
  t.teardown(() => survivor.child.kill('SIGKILL'));
  const idledOut = survivor.exited.then((exit) => {
    throw new Error(`the surviving worker exited (${JSON.stringify(exit)}) before the driver had its 3 results: ${survivor.lines.join(' | ')}`);
  });
  await Promise.race([driver, idledOut]);
  await survivor.waitFor(/^started 1 /);
  const declaredDead = seenAt.get('trialFailed 0')! - killedAt;
  const rerun = survivor.startedAt(1) - killedAt;
  t.comment(`staleAfterMs 6000, heartbeatMs 500: the driver saw the killed trial fail ${declaredDead} ms after the kill; its retry started ${rerun} ms after (the survivor started after the kill)`);
  // The grace runs from the victim's last heartbeat, which came up to one heartbeat (500 ms) before the kill.
  t.ok(declaredDead >= 6000 - 500, 'not before the grace (counted from the last heartbeat)');

  const last = events.at(-1) as Extract<StudyEvent, { type: 'studyCompleted' }>;
  t.match(last, { type: 'studyCompleted', reason: 'trials', completed: 3, pruned: 0, failed: 0, requeued: 1 });
  const trials = s.trials();
  t.same(trials.map((x) => [x.number, x.state]), [[0, 'failed'], [1, 'completed'], [2, 'completed'], [3, 'completed']]);
  t.match(trials[0], { error: /^interrupted: no heartbeat for 6000 ms/, attrs: { requeuedAs: 1 } });
  t.same(trials[1]?.params, trials[0]?.params, 'the retry has the killed trial\'s parameters');
  t.same(
    events.filter((e) => e.type !== 'epochEnd' && e.type !== 'newBest').map((e) => `${e.type} ${'trial' in e ? e.trial : ''}`.trim()),
    ['trialStarted 0', 'trialFailed 0', 'trialStarted 1', 'trialCompleted 1', 'trialStarted 2', 'trialCompleted 2', 'trialStarted 3', 'trialCompleted 3', 'studyCompleted'],
    'the driver follows the retry in the killed trial\'s slot',
  );
  t.same(await survivor.exited, { code: 0, signal: null }, 'the survivor idles out once nothing is running');
});

t.test('a configuration error in remote trials ends the driver and the workers at once', { skip: pgSkip }, async (t) => {
  t.teardown(dropSchemas);
  const schema = freshSchema();
  const storage = postgresStorage(PG_URL, { schema, heartbeatMs: 500, staleAfterMs: 6000 });
  t.teardown(() => storage.close());
  // A typo in the study's metric: the workers' trials report val_loss.
  const s = study({ name: 'typo', direction: 'minimize', metric: 'val_los', storage, space: sp, sampler: randomSampler({ seed: 1 }) });
  const driver = lastValueFrom(s.optimize(remoteWorkers(), { trials: 20, concurrency: 2 }));
  const worker = startWorker(['--storage', PG_URL, '--schema', schema, '--study', 'typo', '--objective', quadratic, ...grace]);
  t.teardown(() => worker.child.kill('SIGKILL'));
  await t.rejects(driver, { code: 'INVALID_CONFIG', message: /stopped: trial \d failed with a configuration error, which every trial would repeat: prune\(\): epoch 0 has no metric 'val_los', the study's 'metric' \(it has: loss, val_loss\)/ });
  const exit = await worker.exited;
  t.equal(exit.code, 1, 'the worker stops with the error');
  t.match(worker.stderr.join(''), /no metric 'val_los'/);
  t.ok(s.trials(['completed']).length === 0 && s.trials().length <= 2, `${s.trials().length} trials ran`);
});
