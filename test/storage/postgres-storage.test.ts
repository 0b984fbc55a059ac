/**
 * The storage contract against a real PostgreSQL (127.0.0.1:5432, trust auth, database `test`; `.ci/run`
 * starts it), and what only a shared database has: heartbeats, stale trials, concurrent claimers,
 * notifications. Each storage gets a schema of its own, dropped at the end.
 */
import t from 'tap';
import pg from 'pg';
import { firstValueFrom, take, toArray } from 'rxjs';
import { postgresStorage } from '../../lib/storage/postgres/postgres-storage.js';
import { POSTGRES_SCHEMA_VERSION } from '../../lib/storage/postgres/schema.js';
import type { Storage } from '../../lib/storage/storage.js';
import { storageContract } from './storage-contract.js';
import { PG_URL, pgSkip, freshSchema, dropSchemas } from './postgres-helpers.js';

t.teardown(() => (pgSkip ? undefined : dropSchemas()));
const schemas = new WeakMap<Storage, string>();
const make = (): Storage => {
  const schema = freshSchema();
  const s = postgresStorage(PG_URL, { schema, heartbeatMs: 200, staleAfterMs: 1000 });
  schemas.set(s, schema);
  return s;
};

t.test('the storage contract', { skip: pgSkip }, async (t) => {
  storageContract(t, { make, reopen: (s) => postgresStorage(PG_URL, { schema: schemas.get(s)! }) });
});

t.test('a trial whose runner stops beating is failed and re-queued; the runner cannot report after', { skip: pgSkip }, async (t) => {
  const schema = freshSchema();
  const a = postgresStorage(PG_URL, { schema, heartbeatMs: 100, staleAfterMs: 400 });
  const b = postgresStorage(PG_URL, { schema, heartbeatMs: 100, staleAfterMs: 400 });
  t.teardown(() => {
    a.close();
    b.close();
  });
  a.openStudy({ name: 's', direction: 'minimize' }, 0);
  b.openStudy({ name: 's', direction: 'minimize' }, 0);
  a.createTrial('s', { state: 'waiting', params: { x: 1 }, now: 0 });
  const claimed = a.claimWaitingTrial('s', 1)!;
  t.equal(claimed.number, 0);
  // a keeps beating: b finds nothing stale, however long it waits.
  await new Promise((r) => setTimeout(r, 700));
  t.equal(b.claimWaitingTrial('s', 2), undefined, 'a live runner keeps its trial');
  t.equal(b.getTrial('s', 0)?.state, 'running');
  // a's process "dies": its storage stops beating (closing it is the nearest to a kill -9 in-process;
  // test/distributed/ kills real processes).
  const c = postgresStorage(PG_URL, { schema, heartbeatMs: 100, staleAfterMs: 400 });
  t.teardown(() => c.close());
  c.openStudy({ name: 's', direction: 'minimize' }, 0);
  c.createTrial('s', { state: 'waiting', params: { x: 2 }, now: 0 });
  const mine = c.claimWaitingTrial('s', 3)!;
  t.equal(mine.number, 1);
  (c as unknown as { close(): void }).close();
  await new Promise((r) => setTimeout(r, 800));
  const retry = b.claimWaitingTrial('s', 4)!;
  const old = b.getTrial('s', 1)!;
  t.equal(old.state, 'failed');
  t.match(old.error, /^interrupted: no heartbeat for 400 ms/);
  t.same(old.attrs, { requeuedAs: 2 });
  t.same([retry.number, retry.params, retry.attrs], [2, { x: 2 }, { retryOf: 1 }], 'the parameters run again as a new trial');
  // A runner that comes back finds its trial finished: it cannot report, nor finish it.
  t.throws(() => b.reportIntermediate('s', 1, 0, 5), { code: 'STORAGE' });
  t.throws(() => b.finishTrial('s', 1, { state: 'completed', value: 5, now: 5 }), /failed, not running/);
  t.equal(b.getTrial('s', 0)?.state, 'running', "a's trial was never stale");
});

t.test('many claimers at once never get the same trial', { skip: pgSkip }, async (t) => {
  const schema = freshSchema();
  const storages = [0, 1, 2].map(() => postgresStorage(PG_URL, { schema }));
  t.teardown(() => storages.forEach((s) => s.close()));
  storages.forEach((s) => s.openStudy({ name: 's', direction: 'minimize' }, 0));
  for (let i = 0; i < 30; i++) storages[i % 3]!.createTrial('s', { state: 'waiting', params: { i }, now: 0 });
  const got: number[] = [];
  for (let round = 0; round < 12; round++) {
    for (const s of storages) {
      const c = s.claimWaitingTrial('s', round);
      if (c) got.push(c.number);
    }
  }
  t.same([...got].sort((a, b) => a - b), [...Array(30).keys()], 'each trial claimed once');
});

t.test('watch follows writes from another storage', { skip: pgSkip }, async (t) => {
  const schema = freshSchema();
  const a = postgresStorage(PG_URL, { schema });
  const b = postgresStorage(PG_URL, { schema });
  t.teardown(() => {
    a.close();
    b.close();
  });
  a.openStudy({ name: 's', direction: 'minimize' }, 0);
  b.openStudy({ name: 's', direction: 'minimize' }, 0);
  const seen = firstValueFrom(a.watch('s').pipe(take(3), toArray()));
  b.createTrial('s', { state: 'running', now: 0 });
  b.reportIntermediate('s', 0, 0, 1.5, { loss: 2, val_loss: 1.5 });
  b.finishTrial('s', 0, { state: 'completed', value: 1.5, now: 1 });
  t.same(await seen, [0, 0, 0]);
  t.same(a.trialMetrics('s', 0), [[0, { loss: 2, val_loss: 1.5 }]], 'metrics travel with the report');
  t.equal(a.getTrial('s', 0)?.state, 'completed');
});

t.test('bad options and an unreachable database are clear errors', async (t) => {
  t.throws(() => postgresStorage('mysql://x'), /url.*postgres:\/\//);
  t.throws(() => postgresStorage(PG_URL, { heartbeatMs: 1000, staleAfterMs: 1500 }), /staleAfterMs.*twice heartbeatMs/);
  t.throws(() => postgresStorage(PG_URL, { onStale: 'drop' as 'fail' }), /onStale/);
  const err = (() => {
    try {
      postgresStorage('postgres://nobody:secret@127.0.0.1:1/none', { timeoutMs: 10_000 });
    } catch (e) {
      return e as Error;
    }
  })();
  t.match(err, { code: 'STORAGE', message: /cannot open postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/ });
  t.notMatch(err?.message, /secret/, 'the password is not shown');
});

t.test('a version-2 schema is migrated, its studies read as they were', { skip: pgSkip }, async (t) => {
  const schema = freshSchema();
  const s = postgresStorage(PG_URL, { schema });
  s.openStudy({ name: 'old', direction: 'maximize', metric: 'acc' }, 1);
  s.createTrial('old', { state: 'running', params: { x: 1 }, now: 2 });
  s.finishTrial('old', 0, { state: 'completed', value: 0.5, now: 3 });
  const before = s.getTrials('old');
  s.close();
  // Back to version 2: without the columns version 3 added.
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    await client.query('ALTER TABLE rxtrain_studies DROP COLUMN directions, DROP COLUMN metrics');
    await client.query('ALTER TABLE rxtrain_trials DROP COLUMN value_list, DROP COLUMN constraints');
    await client.query('ALTER TABLE rxtrain_intermediate DROP COLUMN at');
    await client.query(`UPDATE rxtrain_meta SET value = '2' WHERE key = 'schema_version'`);
  } finally {
    await client.end();
  }
  const r = postgresStorage(PG_URL, { schema });
  t.teardown(() => r.close());
  t.same(r.listStudies(), [{ name: 'old', direction: 'maximize', metric: 'acc', createdAt: 1 }]);
  t.same(r.getTrials('old'), before);
  r.openStudy({ name: 'new', direction: 'minimize', directions: ['minimize', 'maximize'] }, 4);
  r.createTrial('new', { state: 'running', now: 5 });
  t.same(r.finishTrial('new', 0, { state: 'completed', values: [1, 2], constraints: [0], now: 6 }).values, [1, 2]);
});

t.test('a version-3 schema is migrated, its steps read without a time and new ones get one', { skip: pgSkip }, async (t) => {
  const schema = freshSchema();
  const s = postgresStorage(PG_URL, { schema });
  s.openStudy({ name: 'old', direction: 'minimize', metric: 'loss' }, 1);
  s.createTrial('old', { state: 'running', params: { x: 1 }, now: 2 });
  s.reportIntermediate('old', 0, 0, 0.9);
  s.reportIntermediate('old', 0, 1, 0.8);
  s.close();
  // Back to version 3: without the step time version 4 added.
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  t.teardown(() => client.end());
  await client.query(`SET search_path TO "${schema}"`);
  await client.query('ALTER TABLE rxtrain_intermediate DROP COLUMN at');
  await client.query(`UPDATE rxtrain_meta SET value = '3' WHERE key = 'schema_version'`);
  const r = postgresStorage(PG_URL, { schema });
  t.teardown(() => r.close());
  const old = r.getTrial('old', 0)!;
  t.same(old.intermediate, [[0, 0.9], [1, 0.8]], 'the old steps, as they were');
  t.equal(old.stepTimes, undefined, 'with no time');
  t.same(r.reportIntermediate('old', 0, 2, 0.7, undefined, 1234.5).stepTimes, [[2, 1234.5]], 'a new step has its time');
  t.same(r.getTrial('old', 0)?.stepTimes, [[2, 1234.5]], 'read back from the database');
  const { rows } = await client.query(`SELECT value FROM rxtrain_meta WHERE key = 'schema_version'`);
  t.equal(rows[0]?.value, String(POSTGRES_SCHEMA_VERSION));
});
