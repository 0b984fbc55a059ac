/**
 * PBT on `rxtrain worker` processes through PostgreSQL: one worker running segments in its own thread
 * (--concurrency 1), one in two worker threads (--concurrency 2). The result must equal the same PBT in
 * one process.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { postgresStorage } from '../../lib/storage/postgres/postgres-storage.js';
import { study } from '../../lib/study/study.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { toyMember, toySpace } from '../../lib/pbt/toy.js';
import type { PbtCompleted } from '../../lib/pbt/types.js';
import { remotePbtMembers } from '../../lib/distributed/remote-pbt.js';
import { useBackend } from '../../lib/backend/use-backend.js';
import { PG_URL, pgSkip, freshSchema, dropSchemas } from '../storage/postgres-helpers.js';

const cli = fileURLToPath(new URL('../../bin/rxtrain.ts', import.meta.url));
const memberModule = fileURLToPath(new URL('./fixtures/toy-member.ts', import.meta.url));
const base = { populationSize: 4, epochs: 16, readyEvery: 4, metric: 'Q', direction: 'maximize' as const, seed: 3 };

t.test('PBT members train on worker processes', { skip: pgSkip }, async (t) => {
  await useBackend('cpu');
  t.teardown(dropSchemas);
  const schema = freshSchema();
  const dir = t.testdir({});
  const storage = postgresStorage(PG_URL, { schema });
  t.teardown(() => storage.close());
  const s = study({ name: 'pbt', direction: 'maximize', metric: 'Q', storage, space: toySpace, sampler: randomSampler({ seed: 1 }) });
  const workers = ['1', '2'].map((concurrency) => {
    const child = spawn(
      process.execPath,
      ['--conditions=rxtrain-source', '--import=tsx', cli, 'worker', '--storage', PG_URL, '--schema', schema, '--study', 'pbt', '--objective', memberModule, '--concurrency', concurrency, '--backend', 'cpu', '--idle-exit', '3'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
    t.teardown(() => child.kill('SIGKILL'));
    return new Promise<{ code: number | null; out: string; err: string }>((r) => child.on('exit', (code) => r({ code, out, err })));
  });
  const remote = (await lastValueFrom(pbt(toySpace, remotePbtMembers(s, { dir: join(dir, 'members') }), { ...base, checkpointDir: join(dir, 'ready') }))) as PbtCompleted;
  const done = await Promise.all(workers);
  const local = (await lastValueFrom(pbt(toySpace, () => toyMember(), base).pipe(toArray()))).at(-1) as PbtCompleted;

  for (const d of done) t.equal(d.code, 0, d.err);
  t.same({ ...remote.best, checkpoint: '' }, { ...local.best, checkpoint: '' }, 'the same best member, value and schedule as in one process');
  t.same(remote.members, local.members);
  const segments = done.map((d) => (d.out.match(/^completed /gm) ?? []).length);
  t.equal(segments[0]! + segments[1]!, 16, `4 members × 4 segments, run by both workers: ${segments}`);
  t.ok(segments.every((n) => n > 0));
});
