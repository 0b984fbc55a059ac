import t from 'tap';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import { SQLITE_SCHEMA_VERSION } from '../../lib/storage/sqlite-schema.js';
import type { Storage } from '../../lib/storage/storage.js';
import { storageContract } from './storage-contract.js';

const dir = t.testdir({});
let n = 0;
const paths = new WeakMap<Storage, string>();
const make = (): Storage => {
  const path = join(dir, `contract-${n++}.db`);
  const s = sqliteStorage(path);
  paths.set(s, path);
  return s;
};
storageContract(t, { make, reopen: (s) => sqliteStorage(paths.get(s)!) });

t.test('sqlite storage: WAL, busy timeout and schema version', async (t) => {
  const path = join(dir, 'pragmas.db');
  sqliteStorage(path, { busyTimeoutMs: 1234 }).close();
  const db = new Database(path);
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.pragma('user_version', { simple: true }), SQLITE_SCHEMA_VERSION);
  db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
  db.close();
  t.throws(() => sqliteStorage(path), new RegExp(`schema version ${SQLITE_SCHEMA_VERSION + 1}, newer than this rxtrain's ${SQLITE_SCHEMA_VERSION}`));
});

t.test('sqlite storage: refuses a database it did not create', async (t) => {
  const path = join(dir, 'foreign.db');
  const db = new Database(path);
  db.exec('CREATE TABLE x (y)');
  db.close();
  t.throws(() => sqliteStorage(path), /did not create/);
});

t.test('sqlite storage: bad options name the field', async (t) => {
  t.throws(() => sqliteStorage(''), /option 'path'/);
  t.throws(() => sqliteStorage(join(dir, 'o.db'), { busyTimeoutMs: -1 }), /option 'busyTimeoutMs'/);
  t.throws(() => sqliteStorage(join(dir, 'o.db'), { synchronous: 'off' as 'full' }), /option 'synchronous'/);
  t.throws(() => sqliteStorage(join(dir, 'o.db'), { busytimeout: 1 } as object), /option 'busytimeout' is not a known option/);
  t.throws(() => sqliteStorage(join(dir, 'missing.db'), { mustExist: true }), /cannot open/);
});

t.test('sqlite storage: trials of a dead runner are interrupted on open', async (t) => {
  const path = join(dir, 'dead.db');
  const dead = new Set<number>();
  const alive = (_host: string, pid: number) => !dead.has(pid);
  const a = sqliteStorage(path, { isRunnerAlive: alive });
  a.openStudy({ name: 's', direction: 'minimize' }, 0);
  a.createTrial('s', { state: 'running', params: { x: 1 }, now: 1 });
  a.createTrial('s', { state: 'running', params: { x: 2 }, now: 1 });
  a.finishTrial('s', 1, { state: 'completed', value: 2, now: 2 });
  a.createTrial('s', { state: 'waiting', params: { x: 3 }, now: 3 });
  const b = sqliteStorage(path, { isRunnerAlive: alive });
  t.same(b.openStudy({ name: 's', direction: 'minimize' }, 5).interrupted, [], 'runner alive: left alone');
  dead.add(process.pid);
  const opened = b.openStudy({ name: 's', direction: 'minimize' }, 6);
  t.same(opened.interrupted.map((x) => [x.number, x.state, x.error, x.finishedAt]), [[0, 'failed', 'interrupted', 6]]);
  t.same(b.getTrials('s').map((x) => x.state), ['failed', 'completed', 'waiting'], 'finished and waiting trials untouched');
  t.same(b.openStudy({ name: 's', direction: 'minimize' }, 7).interrupted, [], 'only once');
  a.close();
  b.close();
});

t.test('sqlite storage: cached reads see writes from another connection', async (t) => {
  const path = join(dir, 'cache.db');
  const a = sqliteStorage(path);
  const b = sqliteStorage(path);
  a.openStudy({ name: 's', direction: 'minimize' }, 0);
  a.createTrial('s', { state: 'running', now: 0 });
  t.same(a.getTrials('s').map((x) => x.state), ['running']);
  b.openStudy({ name: 's', direction: 'minimize' }, 0);
  b.reportIntermediate('s', 0, 0, 1.5);
  b.createTrial('s', { state: 'waiting', params: { x: 1 }, now: 1 });
  t.same(a.getTrials('s').map((x) => [x.number, x.state, x.intermediate]), [[0, 'running', [[0, 1.5]]], [1, 'waiting', []]]);
  b.finishTrial('s', 0, { state: 'completed', value: 1.5, now: 2 });
  b.setTrialAttrs('s', 1, { k: 1 });
  t.equal(a.getTrial('s', 0)?.state, 'completed');
  t.same(a.getTrial('s', 1)?.attrs, { k: 1 });
  t.same(a.getTrials('s'), b.getTrials('s'));
  a.close();
  b.close();
});

t.test('sqlite storage: a version-1 file is migrated, its studies read as they were', async (t) => {
  const path = join(dir, 'v1.db');
  const s = sqliteStorage(path);
  s.openStudy({ name: 'old', direction: 'maximize', metric: 'acc' }, 1);
  s.createTrial('old', { state: 'running', params: { x: 1 }, now: 2 });
  s.finishTrial('old', 0, { state: 'completed', value: 0.5, now: 3 });
  const before = s.getTrials('old');
  s.close();
  // Back to version 1: without the columns versions 2 and 3 added.
  const db = new Database(path);
  for (const [table, column] of [['studies', 'directions'], ['studies', 'metrics'], ['trials', 'value_list'], ['trials', 'constraints'], ['intermediate', 'at']]) {
    db.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
  }
  db.pragma('user_version = 1');
  db.close();
  const r = sqliteStorage(path);
  t.same(r.listStudies(), [{ name: 'old', direction: 'maximize', metric: 'acc', createdAt: 1 }]);
  t.same(r.getTrials('old'), before);
  r.openStudy({ name: 'new', direction: 'minimize', directions: ['minimize', 'maximize'] }, 4);
  r.createTrial('new', { state: 'running', now: 5 });
  t.same(r.finishTrial('new', 0, { state: 'completed', values: [1, 2], now: 6 }).values, [1, 2]);
  r.close();
  const raw = new Database(path);
  t.equal(raw.pragma('user_version', { simple: true }), SQLITE_SCHEMA_VERSION);
  raw.close();
});

t.test('sqlite storage: a version-2 file is migrated, its steps read without a time and new ones get one', async (t) => {
  const path = join(dir, 'v2.db');
  const s = sqliteStorage(path);
  s.openStudy({ name: 'old', direction: 'minimize', metric: 'loss' }, 1);
  s.createTrial('old', { state: 'running', params: { x: 1 }, now: 2 });
  s.reportIntermediate('old', 0, 0, 0.9);
  s.reportIntermediate('old', 0, 1, 0.8);
  s.close();
  // Back to version 2: without the step time version 3 added.
  const db = new Database(path);
  db.exec('ALTER TABLE intermediate DROP COLUMN at');
  db.pragma('user_version = 2');
  db.close();
  const r = sqliteStorage(path);
  const old = r.getTrial('old', 0)!;
  t.same(old.intermediate, [[0, 0.9], [1, 0.8]], 'the old steps, as they were');
  t.equal(old.stepTimes, undefined, 'with no time');
  t.same(r.reportIntermediate('old', 0, 2, 0.7, undefined, 1234.5).stepTimes, [[2, 1234.5]], 'a new step has its time');
  r.close();
  const raw = new Database(path);
  t.equal(raw.pragma('user_version', { simple: true }), SQLITE_SCHEMA_VERSION);
  t.same(raw.prepare('SELECT step, at FROM intermediate ORDER BY step').all(), [{ step: 0, at: null }, { step: 1, at: null }, { step: 2, at: 1234.5 }], 'NULL in the old rows');
  raw.close();
});
