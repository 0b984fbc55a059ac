// `rxtrain dashboard` on a study's storage: a finished study replayed to a client, a study that another
// process runs followed live (SQLite and PostgreSQL), read-only, and bad locations refused by name.
import t, { type Test } from 'tap';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { startChild, type Child } from '../child-process.js';
import { rawClient, type RawClient } from './helpers.js';
import { dashboardCommand } from '../../lib/monitor/dashboard-command.js';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import { RxtrainError } from '../../lib/errors.js';
import type { MonitorRecord, ServerMessage } from '../../lib/monitor/protocol.js';
import type { StudySummary } from '../../lib/monitor/study-summary.js';
import pg from 'pg';
import { PG_URL, dropSchemas, freshSchema, pgSkip } from '../storage/postgres-helpers.js';
import { postgresStorage } from '../../lib/storage/postgres/postgres-storage.js';
import { storageDashboard } from '../../lib/monitor/storage-dashboard.js';
// @ts-expect-error the dashboard is plain browser JavaScript, without types
import { createModel } from '../../lib/monitor/dashboard/model.js';
// @ts-expect-error the dashboard is plain browser JavaScript, without types
import { againstX } from '../../lib/monitor/dashboard/curves-model.js';

const fixture = fileURLToPath(new URL('./fixtures/stored-study-process.ts', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/rxtrain.ts', import.meta.url));

/** The fixture process running study `name` in `location`. */
function studyProcess(t: Test, location: string, name: string, trials: number, steps: number, mode: 'auto' | 'wait', schema?: string): Child {
  const child = startChild(fixture, [location, name, String(trials), String(steps), mode, ...(schema ? [schema] : [])]);
  t.teardown(() => void child.child.kill('SIGKILL'));
  return child;
}

const wsOf = (url: string): string => url.replace(/^http/, 'ws').replace(/\/(\?|$)/, '/events$1');
const has = (records: MonitorRecord[], type: string, trial?: number, epoch?: number): boolean =>
  records.some((r) => r.event.type === type && (trial === undefined || r.event.trial === trial) && (epoch === undefined || r.event.epoch === epoch));
/** Resolves once the client has a record of `type` (for `trial`, at `epoch`). */
const seen = (c: RawClient, type: string, trial?: number, epoch?: number): Promise<ServerMessage> =>
  c.until((m) => m.type === 'events' && has(c.records, type, trial, epoch));

t.test('rxtrain dashboard on a finished SQLite study: every trial replayed, read-only, the study list', async (t) => {
  const db = join(t.testdir({}), 'done.db');
  const p = studyProcess(t, db, 'quadratic', 4, 3, 'auto');
  t.same(await p.exited, { code: 0, signal: null }, p.stderr.join(''));
  const studyEnded = Date.now();

  const cli = startChild(bin, ['dashboard', db], { nodeArgs: ['--conditions=rxtrain-source', '--import=tsx'] });
  t.teardown(() => void cli.child.kill('SIGKILL'));
  const line = await cli.waitFor(/^dashboard: /);
  const url = line.slice('dashboard: '.length);
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?study=quadratic$/, 'the only study is the one shown');
  t.match(await cli.waitFor(/^following/), /following study "quadratic" \(read-only\)/);

  const c = await rawClient(wsOf(url));
  t.teardown(() => c.ws.close());
  const hello = await c.until((m) => m.type === 'hello');
  t.match(hello, { control: false, controlAvailable: false, source: { kind: 'storage', storage: 'sqlite', study: 'quadratic' } });
  await seen(c, 'trialCompleted', 3);
  const events = c.records.map((r) => r.event);
  t.ok(c.records.every((r) => r.run === 'quadratic'), 'the run is the study');
  t.same(events.filter((e) => e.type === 'trialStarted').map((e) => [e.trial, e.params]), [[0, { x: 0 }], [1, { x: 1 }], [2, { x: 2 }], [3, { x: 3 }]]);
  const epochs = events.filter((e) => e.type === 'epochEnd' && e.trial === 1);
  t.same(epochs.map((e) => [e.epoch, e.value, e.metrics]), [[0, 2, { loss: 2 }], [1, 1.5, { loss: 1.5 }], [2, 1 + 1 / 3, { loss: 1 + 1 / 3 }]], "each epoch's stored value, under the study's metric");
  t.same(events.filter((e) => e.type === 'trialCompleted').map((e) => e.value), [4 + 1 / 3, 1 + 1 / 3, 1 / 3, 1 + 1 / 3]);
  t.same(events.filter((e) => e.type === 'newBest').map((e) => e.trial), [0, 1, 2], 'newBest on each improvement');
  // Each step goes out at the time it was stored (the curves' time axes), not when the dashboard read it.
  const stored = sqliteStorage(db);
  const stepTimes = stored.getTrials('quadratic').flatMap((tr) => (tr.stepTimes ?? []).map(([step, time]) => [tr.number, step, time]));
  stored.close();
  t.equal(stepTimes.length, 12, 'the file has a time for every step');
  t.same(c.records.filter((r) => r.event.type === 'epochEnd').map((r) => [r.event.trial, r.event.epoch, r.time]), stepTimes, "each step's record time is its stored time");
  t.ok(stepTimes.every(([, , time]) => time! <= studyEnded), 'stored while the study ran, before the dashboard started');
  // The page's own model and curve axes: a stored trial's loss curve against wall and relative time.
  const model = createModel({ onMetrics: () => undefined });
  for (const r of c.records) model.apply(r);
  const loss = (model.series.get('quadratic#1') as { metrics: Map<string, unknown[]> }).metrics.get('loss');
  const times1 = stepTimes.filter(([trial]) => trial === 1).map(([, , time]) => time!);
  t.same(againstX(loss, 'wall').map((p: number[]) => p[0]), times1, 'wall time x values: the stored times');
  t.same(againstX(loss, 'relative').map((p: number[]) => p[0]), times1.map((x) => x - times1[0]!), 'relative time from the first step');

  c.ws.send(JSON.stringify({ type: 'auth', token: 'x' }));
  const refused = await c.until((m) => m.type === 'error');
  t.match(refused, { code: 'UNAUTHORIZED', message: /reads study "quadratic" from its storage: it cannot control/ }, 'no control from a storage');

  const res = await fetch(new URL('/studies.json', url));
  const list = (await res.json()) as { storage: string; studies: StudySummary[] };
  t.equal(list.storage, 'sqlite');
  t.match(list.studies, [{ name: 'quadratic', direction: 'minimize', metric: 'loss', trials: 4, states: { completed: 4 }, best: { trial: 2, params: { x: 2 } } }]);
  const unknown = await rawClient(wsOf(url).replace('quadratic', 'nope')).catch((err: { status?: number }) => err);
  t.match(unknown, { status: 404 }, 'an unknown study is not found');
  cli.child.kill('SIGINT');
  t.match(await cli.exited, { code: 0 }, 'Ctrl-C ends it');
});

/** A study run step by step by another process, followed by a dashboard: each epoch reaches the client while the trial runs. */
async function followLive(t: Test, location: string, schema?: string): Promise<void> {
  const p = studyProcess(t, location, 'live', 2, 2, 'wait', schema);
  await p.waitFor(/^waiting 0 0$/);
  const d = await dashboardCommand(location, { study: 'live', pollMs: 20, ...(schema ? { schema } : {}) });
  t.teardown(() => d.close());
  const c = await rawClient(wsOf(d.studyUrl('live')));
  t.teardown(() => c.ws.close());
  await seen(c, 'trialStarted', 0);
  t.notOk(has(c.records, 'epochEnd', 0), 'nothing reported yet');
  p.send('go');
  await seen(c, 'epochEnd', 0, 0);
  t.notOk(has(c.records, 'trialCompleted', 0), 'epoch 0 shown while trial 0 runs');
  p.send('go');
  await seen(c, 'trialCompleted', 0);
  await p.waitFor(/^waiting 1 0$/);
  await seen(c, 'trialStarted', 1);
  t.pass('a new trial appears');
  p.send('go');
  p.send('go');
  await seen(c, 'trialCompleted', 1);
  t.same((await p.exited).code, 0);
  const epochs = c.records.filter((r) => r.event.type === 'epochEnd').map((r) => [r.event.trial, r.event.epoch]);
  t.same(epochs, [[0, 0], [0, 1], [1, 0], [1, 1]], 'each epoch once, in order');
  const stored = schema ? postgresStorage(location, { schema }) : sqliteStorage(location);
  const stepTimes = stored.getTrials('live').flatMap((tr) => (tr.stepTimes ?? []).map(([, time]) => time));
  stored.close();
  t.same(c.records.filter((r) => r.event.type === 'epochEnd').map((r) => r.time), stepTimes, 'each step at the time it was stored');
  t.equal(stepTimes.length, 4);
  return;
}

t.test('SQLite: a study another process is running, followed live', async (t) => {
  await followLive(t, join(t.testdir({}), 'live.db'));
});

t.test("SQLite: a worker SIGKILLed mid-trial: the dashboard shows its trial failed 'interrupted', not running forever", async (t) => {
  const db = join(t.testdir({}), 'killed.db');
  const p = studyProcess(t, db, 'killed', 2, 3, 'wait');
  await p.waitFor(/^waiting 0 0$/);
  p.send('go');
  await p.waitFor(/^waiting 0 1$/);
  // The dashboard is the only other process with the file open: nobody else would notice the death.
  const d = await dashboardCommand(db, { study: 'killed', pollMs: 20 });
  t.teardown(() => d.close());
  const c = await rawClient(wsOf(d.studyUrl('killed')));
  t.teardown(() => c.ws.close());
  await seen(c, 'epochEnd', 0, 0);
  t.notOk(has(c.records, 'trialFailed', 0), 'running while its worker lives');
  const killedAt = Date.now();
  p.child.kill('SIGKILL');
  t.match(await p.exited, { signal: 'SIGKILL' });
  await seen(c, 'trialFailed', 0);
  t.comment(`shown failed ${Date.now() - killedAt} ms after the kill (heartbeatMs 5000, pollMs 20)`);
  const failed = c.records.find((r) => r.event.type === 'trialFailed')!.event;
  t.match(failed, { trial: 0, error: /^interrupted/ }, 'failed as interrupted (PostgreSQL says interrupted: no heartbeat ...)');
  const model = createModel({ onMetrics: () => undefined });
  for (const r of c.records) model.apply(r);
  t.equal((model.series.get('killed#0') as { state: string }).state, 'failed', "the page's model shows it failed");
  const stored = sqliteStorage(db);
  t.match(stored.getTrial('killed', 0), { state: 'failed', error: 'interrupted' }, 'and so does the file');
  stored.close();
});

t.test('PostgreSQL: a study another process is running, followed live (LISTEN/NOTIFY)', { skip: pgSkip }, async (t) => {
  t.teardown(dropSchemas);
  await followLive(t, PG_URL, freshSchema());
});

t.test("PostgreSQL: the dashboard's connections cut mid-study: it listens again and goes on following", { skip: pgSkip }, async (t) => {
  t.teardown(dropSchemas);
  const schema = freshSchema();
  const p = studyProcess(t, PG_URL, 'cut', 1, 3, 'wait', schema);
  await p.waitFor(/^waiting 0 0$/);
  // Notifications only: the timer that would read anyway comes every 20 × 10 s, after this test's wait.
  const storage = postgresStorage(PG_URL, { schema, heartbeatMs: 200 });
  t.teardown(() => storage.close());
  const errors: unknown[] = [];
  const d = await storageDashboard({ storage, study: 'cut', pollMs: 10_000, onError: (_s, err) => errors.push(err) });
  t.teardown(() => d.close());
  const c = await rawClient(wsOf(d.studyUrl('cut')));
  t.teardown(() => c.ws.close());
  p.send('go');
  await seen(c, 'epochEnd', 0, 0);
  // As a server restart or a network cut would: end every session of this process (the study's own
  // process keeps its connections).
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  t.teardown(() => admin.end());
  const ours = [`rxtrain %:${process.pid}:%`];
  const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1', ours);
  t.ok((rowCount ?? 0) >= 2, `the dashboard's ${rowCount} connections were cut`);
  // The next epoch is written at once, most likely before the dashboard listens again (so its own
  // notification is lost: the timer would make up for it only 200 s later). Notifications about the
  // study are then sent until one gets through: the dashboard reads on it and sees the epoch.
  p.send('go');
  const { rows } = await admin.query<{ id: number }>(`SELECT id FROM "${schema}".rxtrain_studies WHERE name = 'cut'`);
  let arrived = false;
  const epoch1 = seen(c, 'epochEnd', 0, 1).then(() => (arrived = true), () => undefined);
  for (const end = Date.now() + 60_000; !arrived && Date.now() < end; ) {
    await admin.query('SELECT pg_notify($1, $2)', ['rxtrain_changes', `${rows[0]!.id}:0`]);
    await Promise.race([epoch1, new Promise((r) => setTimeout(r, 100))]);
  }
  t.ok(arrived, `it listens again and reads on a notification${errors.length ? ` (read errors: ${errors.map((e) => (e as Error).message).join(' | ')})` : ''}`);
  p.send('go');
  await seen(c, 'trialCompleted', 0);
  t.pass('it followed the study on after the cut');
  t.same(c.records.filter((r) => r.event.type === 'epochEnd').map((r) => r.event.epoch), [0, 1, 2], 'each epoch once');
});

t.test('several studies: / lists them, ?study= picks one, a study created later is listed', async (t) => {
  const db = join(t.testdir({}), 'many.db');
  const a = studyProcess(t, db, 'a', 1, 1, 'auto');
  t.equal((await a.exited).code, 0);
  const b = studyProcess(t, db, 'b', 2, 1, 'auto');
  t.equal((await b.exited).code, 0);
  const d = await dashboardCommand(db);
  t.teardown(() => d.close());
  t.equal(d.study, undefined, 'no study chosen');
  const page = await (await fetch(d.url)).text();
  t.match(page, /rxtrain studies/, '/ is the study list');
  const c = await rawClient(wsOf(d.studyUrl('b')));
  t.teardown(() => c.ws.close());
  await seen(c, 'trialCompleted', 1);
  t.ok(c.records.every((r) => r.run === 'b'), "only study b's events");
  const noStudy = await rawClient(d.url.replace(/^http/, 'ws') + 'events').catch((err: { status?: number }) => err);
  t.match(noStudy, { status: 404 }, 'no study named, several there: not found');
  const late = studyProcess(t, db, 'c', 1, 1, 'auto');
  t.equal((await late.exited).code, 0);
  const list = (await (await fetch(new URL('/studies.json', d.url))).json()) as { studies: StudySummary[] };
  t.same(list.studies.map((s) => s.name), ['a', 'b', 'c']);
});

t.test('bad locations and names are refused, naming the cause', async (t) => {
  const dir = t.testdir({ 'notes.txt': 'not a database at all, just some text that is long enough to be a file header' });
  const refused = async (location: string, options: Parameters<typeof dashboardCommand>[1], code: string, message: RegExp): Promise<void> => {
    const err = await dashboardCommand(location, options).then(
      (d) => (void d.close(), undefined),
      (e: unknown) => e,
    );
    t.ok(err instanceof RxtrainError, `${location}: an RxtrainError`);
    t.match(err, { code, message }, location);
  };
  await refused(join(dir, 'missing.db'), {}, 'STORAGE', /no study file at ".*missing\.db" \(no such file\)/);
  await refused(join(dir, 'notes.txt'), {}, 'STORAGE', /notes\.txt" is not a SQLite database/);
  const other = join(dir, 'other.db');
  const odb = new Database(other);
  odb.exec('CREATE TABLE invoices (id INTEGER)');
  odb.close();
  await refused(other, {}, 'STORAGE', /other\.db" is not an rxtrain study file \(its tables: invoices;/);
  const emptyFile = join(dir, 'empty.db');
  writeFileSync(emptyFile, '');
  await refused(emptyFile, {}, 'STORAGE', /empty\.db" is not an rxtrain study file \(it has no tables/);
  const s = sqliteStorage(join(dir, 'one.db'));
  s.openStudy({ name: 'first', direction: 'minimize' }, 0);
  s.close();
  await refused(join(dir, 'one.db'), { study: 'frist' }, 'INVALID_CONFIG', /option 'study' no study named "frist" in this storage \(its studies: first\)/);
  await refused('postgres://postgres@127.0.0.1:1/test', {}, 'STORAGE', /postgres storage: cannot open postgres:\/\/postgres@127\.0\.0\.1:1\/test .*ECONNREFUSED/);
  const cli = startChild(bin, ['dashboard', join(dir, 'missing.db')], { nodeArgs: ['--conditions=rxtrain-source', '--import=tsx'] });
  t.match(await cli.exited, { code: 1 });
  t.match(cli.stderr.join(''), /rxtrain: sqlite storage: no study file at ".*missing\.db" \(no such file\)/, 'the CLI says it and exits 1');
});

t.test("a study's parameter importance is computed from its storage and sent to the page", async (t) => {
  const { study } = await import('../../lib/study/study.js');
  const { space, uniform } = await import('../../lib/search/space.js');
  const { randomSampler } = await import('../../lib/search/samplers/random-sampler.js');
  const storage = sqliteStorage(join(t.testdir({}), 'importance.db'));
  t.teardown(() => storage.close());
  const s = study({ name: 'shares', direction: 'minimize', storage, space: space({ x: uniform(-1, 1), y: uniform(-1, 1) }), sampler: randomSampler({ seed: 3 }) });
  for (let i = 0; i < 20; i++) {
    const trial = s.ask();
    const { x, y } = trial.params as { x: number; y: number };
    s.tell(trial, 10 * x * x + 0.1 * y);
  }
  const dash = await storageDashboard({ storage });
  t.teardown(() => dash.close());
  const c = await rawClient(wsOf(dash.url));
  t.teardown(() => c.ws.close());
  await c.until((m) => m.type === 'events' && has(c.records, 'paramImportance'));
  const shares = c.records.map((r) => r.event).filter((e) => e.type === 'paramImportance').at(-1) as unknown as { trials: number; objectives: Array<{ importance: Array<[string, number]> }> };
  t.ok(shares.trials >= 8 && shares.trials <= 20, `over the stored trials (${shares.trials} of 20 when computed)`);
  t.equal(shares.objectives[0]!.importance[0]![0], 'x', 'x explains the value');
  await t.rejects(storageDashboard({ storage, importance: 3 as never }), { code: 'INVALID_CONFIG', message: /option 'importance' must be true, false or the options of importanceFeed\(\)/ });
});
