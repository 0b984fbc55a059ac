/**
 * PBT whose members train on workers (`remotePbtMembers` + workers running segments): the same run as
 * in one process, on a shared memory storage and a shared checkpoint directory. Across processes on
 * PostgreSQL the code path is the same (lib/distributed/worker-command.ts picks segments by attrs.pbt).
 */
import t from 'tap';
import { lastValueFrom, toArray } from 'rxjs';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import { study } from '../../lib/study/study.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { toyMember, toySpace } from '../../lib/pbt/toy.js';
import type { PbtCompleted, PbtEvent } from '../../lib/pbt/types.js';
import { remotePbtMembers } from '../../lib/distributed/remote-pbt.js';
import { segmentObjective } from '../../lib/distributed/pbt-segment.js';
import { runWorker } from '../../lib/distributed/run-worker.js';
import { useBackend } from '../../lib/backend/use-backend.js';

await useBackend('cpu');
const base = { populationSize: 4, epochs: 40, readyEvery: 4, metric: 'Q', direction: 'maximize' as const, seed: 3 };

t.test('PBT members train on two workers and give the in-process result', async (t) => {
  const dir = t.testdir({});
  const storage = memoryStorage();
  const s = study({ name: 'pbt', direction: 'maximize', metric: 'Q', storage, space: toySpace, sampler: randomSampler({ seed: 1 }) });
  // The workers run until the run ends (not until an idle time: between two ready times a busy machine
  // can leave the queue empty for longer than any idle time, and workers gone would leave it waiting).
  const ran = [0, 0];
  const workers = ran.map((_, i) => runWorker({ storage, study: 'pbt', objective: segmentObjective(() => toyMember()) }).subscribe((e) => {
    if (e.type === 'trialCompleted') ran[i]!++;
  }));
  const remote = await lastValueFrom(pbt(toySpace, remotePbtMembers(s, { dir: join(dir, 'members') }), { ...base, checkpointDir: join(dir, 'ready') }).pipe(toArray()));
  for (const w of workers) w.unsubscribe();
  const local = await lastValueFrom(pbt(toySpace, () => toyMember(), base).pipe(toArray()));

  // Members train at once on the workers, so their events interleave differently: compare them sorted.
  const strip = (events: PbtEvent[]) =>
    events
      .filter((e) => e.type !== 'pbtStarted')
      .map((e) => JSON.stringify(e.type === 'exploit' ? { ...e, checkpoint: '' } : e))
      .sort();
  const end = (events: PbtEvent[]) => {
    const c = events.at(-1) as PbtCompleted;
    return { ...c, best: { ...c.best, checkpoint: '' } };
  };
  t.same(end(remote), end(local), 'the same best member, value, schedule');
  t.same(strip(remote.slice(0, -1)), strip(local.slice(0, -1)), 'the same epochs, rankings, exploits and explores');
  t.ok(remote.some((e) => e.type === 'exploit'), 'members copied each other across workers');
  t.equal(s.trials().length, 4 * (40 / 4), 'one segment trial per member per ready interval');
  t.ok(s.trials().every((x) => x.state === 'completed' && typeof (x.attrs?.pbt as { member?: unknown })?.member === 'number'));
  t.ok(ran.every((n) => n > 0), `both workers trained segments: ${ran}`);
  t.equal(ran[0]! + ran[1]!, 40);
  t.notOk(existsSync(join(dir, 'members')) && readdirSync(join(dir, 'members')).some((run) => readdirSync(join(dir, 'members', run)).length > 0), "members' checkpoints are removed when they are disposed");
});

t.test('bad use is a clear error', async (t) => {
  const s = study({ name: 'x', direction: 'maximize', space: toySpace, sampler: randomSampler({ seed: 1 }) });
  t.throws(() => remotePbtMembers(s, { dir: '/tmp/x' }), /must have a metric/);
  const m = study({ name: 'y', direction: 'maximize', metric: 'Q', space: toySpace, sampler: randomSampler({ seed: 1 }) });
  t.throws(() => remotePbtMembers(m, { dir: '' }), /dir/);
});
