/**
 * The thread that talks to PostgreSQL for one `postgresStorage`: it answers the storage's blocking
 * calls (see lib/parallel/blocking-rpc.ts), beats the heartbeat of the trials this storage runs, fails
 * (or re-queues) trials whose runner stopped beating, and forwards LISTEN notifications.
 *
 * Three connections: `db` for the storage's calls (one at a time; each write is one statement, see
 * statements.ts), `beat` for nothing but this storage's heartbeat row (so no call, lock or slow query
 * can hold a beat back), and `listen`, made on the first `listen` call, which also fails the stale
 * trials of the studies it follows. Every loop waits for its last query before it schedules the next:
 * no connection ever gets a query while it is running one.
 *
 * Every session is given bounds (see {@link SESSION}): a statement, a lock wait, and an idle
 * transaction end on the server, and TCP keepalives let the server drop a worker it can no longer
 * reach within about 25 s, instead of the operating system's default of about 2 hours.
 */
import pg from 'pg';
import { serveBlockingRpc } from '../../parallel/blocking-rpc.js';
import { RxtrainError } from '../../errors.js';
import type { FrozenTrial, Params } from '../../search/types.js';
import type { NewTrial, StudyRecord, StudySpec, TrialOutcome } from '../storage.js';
import {
  checkAttrs,
  checkParamsUnset,
  checkReport,
  checkRunning,
  checkSameStudy,
  checkStudyName,
  finishFields,
  freezeTrial,
  missingStudy,
  missingTrial,
  storageError,
} from '../rules.js';
import { studyFromRow, trialFromRow, type StudyRow, type TrialRow } from '../rows.js';
import { CHANNEL, MIGRATE_1_TO_2, POSTGRES_SCHEMA_VERSION, TABLES } from './schema.js';
import { ANY_STALE, BEAT, CHANGED, CLAIM, CREATE, FAIL_STALE, FAIL_THESE, FINISH, REPORT, SET_ATTRS, SET_PARAMS, SINCE, TRIAL } from './statements.js';
import { workerData } from 'node:worker_threads';

export interface PostgresThreadData {
  readonly url: string;
  readonly schema: string;
  readonly owner: string;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly onStale: 'fail' | 'retry';
  readonly timeoutMs: number;
}

const KIND = 'postgres';
const config = workerData as PostgresThreadData;
const quoted = `"${config.schema.replaceAll('"', '""')}"`;

/**
 * What every session is told, so that nothing it holds outlives a stalled worker for long: a statement
 * or a lock wait ends on the server when the caller would give up; a transaction left idle (only the
 * migration opens one) is ended after 10 s; TCP keepalives (10 s idle, then 3 probes 5 s apart) and a
 * 30 s limit on unacknowledged data let the server drop a worker it can no longer reach.
 */
const SESSION = (timeoutMs: number): string => `
  SET search_path TO ${quoted};
  SET statement_timeout = ${timeoutMs};
  SET lock_timeout = ${Math.min(10_000, timeoutMs)};
  SET idle_in_transaction_session_timeout = ${Math.min(10_000, timeoutMs)};
  SET tcp_keepalives_idle = 10;
  SET tcp_keepalives_interval = 5;
  SET tcp_keepalives_count = 3;
  SET tcp_user_timeout = 30000;`;

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: config.url,
    application_name: `rxtrain ${config.owner}`,
    // The client side of the same: a server that vanished is noticed by the keepalive, not in 2 hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // A dropped connection surfaces as an error on the next query (and the next call connects again);
  // the client's own 'error' event must not crash the thread.
  client.on('error', () => dead.add(client));
  client.on('end', () => dead.add(client));
  await client.connect();
  await client.query(SESSION(config.timeoutMs));
  return client;
}

const dead = new WeakSet<pg.Client>();
let db: pg.Client | undefined;
let beat: pg.Client | undefined;
let listener: pg.Client | undefined;
let beatTimer: NodeJS.Timeout | undefined;
let staleTimer: NodeJS.Timeout | undefined;
const ids = new Map<string, number>();
const watched = new Set<number>();
let closed = false;

async function migrate(client: pg.Client): Promise<void> {
  await client.query('BEGIN');
  try {
    // One migrator at a time, across every process (the lock ends with the transaction).
    await client.query('SELECT pg_advisory_xact_lock(7263410331)');
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    const exists = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'rxtrain_meta'`, [config.schema]);
    if (exists.rowCount === 0) {
      await client.query(TABLES);
      await client.query(`INSERT INTO rxtrain_meta (key, value) VALUES ('schema_version', $1)`, [String(POSTGRES_SCHEMA_VERSION)]);
    } else {
      const { rows } = await client.query<{ value: string }>(`SELECT value FROM rxtrain_meta WHERE key = 'schema_version'`);
      let version = Number(rows[0]?.value);
      if (version === 1) {
        await client.query(MIGRATE_1_TO_2);
        await client.query(`UPDATE rxtrain_meta SET value = $1 WHERE key = 'schema_version'`, [String(POSTGRES_SCHEMA_VERSION)]);
        version = POSTGRES_SCHEMA_VERSION;
      }
      if (version !== POSTGRES_SCHEMA_VERSION) {
        throw storageError(
          `postgres storage: schema ${JSON.stringify(config.schema)} has rxtrain schema version ${rows[0]?.value}, this rxtrain reads ${POSTGRES_SCHEMA_VERSION}${version > POSTGRES_SCHEMA_VERSION ? '; upgrade rxtrain' : ''}`,
          { schema: config.schema, version, supported: POSTGRES_SCHEMA_VERSION },
        );
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** The calls' connection; a new one if the last was lost (a restarted server, a network cut). */
async function conn(): Promise<pg.Client> {
  if (!db || closed) throw storageError('postgres storage: not connected');
  if (dead.has(db)) {
    const old = db;
    db = await connect().catch((err: unknown) => {
      throw transient(err);
    });
    void old.end().catch(() => {});
  }
  return db;
}

/** One user of the calls' connection at a time: the calls, and the retry timer's writes. */
let chain: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = chain.then(fn, fn);
  chain = run.catch(() => {});
  return run;
}

/** A database error (connection lost, a timeout, a cancelled statement) as a STORAGE error that says it may pass. */
function transient(err: unknown): unknown {
  if (err instanceof RxtrainError) return err;
  const e = err as { message?: string; code?: string };
  return storageError(`postgres storage: ${e?.message ?? String(err)}`, { transient: true, ...(typeof e?.code === 'string' ? { pgCode: e.code } : {}) });
}

async function q<R extends pg.QueryResultRow>(c: pg.Client, sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
  try {
    return await c.query<R>(sql, params);
  } catch (err) {
    throw transient(err);
  }
}

async function studyId(c: pg.Client, name: string): Promise<number> {
  const cached = ids.get(name);
  if (cached !== undefined) return cached;
  const { rows } = await q<{ id: number }>(c, 'SELECT id FROM rxtrain_studies WHERE name = $1', [name]);
  const id = rows[0]?.id;
  if (id === undefined) throw missingStudy(KIND, name);
  ids.set(name, id);
  return id;
}

type Row = TrialRow & { steps: Array<[number, number]> };
const record = (row: Row): FrozenTrial => trialFromRow(row, row.steps.map(([step, value]) => ({ step, value })));

async function loadTrial(c: pg.Client, id: number, name: string, n: number): Promise<FrozenTrial> {
  const { rows } = Number.isInteger(n) ? await q<Row>(c, TRIAL, [id, n]) : { rows: [] };
  const row = rows[0];
  if (!row) throw missingTrial(KIND, name, n);
  return record(row);
}

/**
 * Fail running trials, and (onStale 'retry', or `requeue`) queue their parameters again as new trials:
 * those numbered `numbers`, or (undefined) those whose runner stopped beating. Returns the failed ones.
 */
async function failTrials(c: pg.Client, id: number, now: number, numbers?: number[], error?: string, requeue = config.onStale === 'retry'): Promise<FrozenTrial[]> {
  const secs = config.staleAfterMs / 1000;
  // A read first: the usual answer is "none", and it needs no lock.
  if (numbers === undefined && (await q(c, ANY_STALE, [id, secs])).rowCount === 0) return [];
  const why = error ?? `interrupted: no heartbeat for ${config.staleAfterMs} ms`;
  const { rows } = await q<Row>(c, numbers === undefined ? FAIL_STALE : FAIL_THESE, [id, numbers ?? null, secs, now, why, requeue, CHANNEL]);
  return rows.map(record);
}

/**
 * Trials whose outcome could not be written (the database was unreachable): written by the next call,
 * or by the retry timer, so that recording a failure never fails for good while this process lives.
 */
const pendingEnds = new Map<string, { name: string; n: number; outcome: TrialOutcome; requeue: boolean }>();
let flushing: Promise<void> | undefined;

async function flushPending(): Promise<void> {
  for (const [key, p] of [...pendingEnds]) {
    try {
      await endTrial(p.name, p.n, p.outcome, p.requeue);
    } catch (err) {
      if (err instanceof RxtrainError && err.details.transient === true) return; // still unreachable: later
      // Not running any more (a peer failed it as stale meanwhile): nothing left to write.
    }
    pendingEnds.delete(key);
  }
}

async function endTrial(name: string, n: number, outcome: TrialOutcome, requeue: boolean): Promise<FrozenTrial> {
  const c = await conn();
  const id = await studyId(c, name);
  for (let attempt = 0; ; attempt++) {
    const trial = await loadTrial(c, id, name, n);
    const f = finishFields(KIND, name, trial, outcome);
    if (requeue && f.state === 'failed') {
      const [failed] = await failTrials(c, id, outcome.now, [n], f.error, true);
      if (failed) return failed;
    } else {
      const { rowCount } = await q(c, FINISH, [id, n, f.state, f.value ?? null, f.error ?? null, f.finishedAt, CHANNEL]);
      if (rowCount === 1) return freezeTrial({ ...trial, ...f });
    }
    // Changed meanwhile (failed as stale, or its row held for a moment): read again, and let the rules say.
    if (attempt === 3) throw storageError(`postgres storage: trial ${n} of ${JSON.stringify(name)} kept changing while it was being finished`, { study: name, trial: n });
  }
}

async function beatLoop(): Promise<void> {
  try {
    // Outcomes that could not be written: try again, beside the beat (never in its way).
    if (pendingEnds.size > 0 && flushing === undefined) void exclusive(flush).catch(() => {});
    if (beat && dead.has(beat)) beat = await connect();
    if (beat && !closed) await beat.query(BEAT, [config.owner]);
  } catch {
    // Unreachable: the next beat tries again (and others may fail our trials meanwhile, as they should).
  } finally {
    if (!closed) beatTimer = setTimeout(() => void beatLoop(), config.heartbeatMs);
  }
}

/** Fail the stale trials of the studies this storage follows, so followers learn of a dead runner even when nobody claims. */
async function staleLoop(): Promise<void> {
  try {
    for (const id of watched) if (listener && !closed) await failTrials(listener, id, Date.now());
  } catch {
    // next time
  } finally {
    if (!closed) staleTimer = setTimeout(() => void staleLoop(), config.heartbeatMs);
  }
}

const flush = (): Promise<void> => (flushing ??= flushPending().finally(() => (flushing = undefined)));

/** Every call first writes what earlier calls could not. */
function withPending<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    if (pendingEnds.size > 0) await flush();
    return fn(...args);
  };
}

/** Each call has the calls' connection to itself (see {@link exclusive}). */
function serialised<H extends Record<string, (...args: never[]) => Promise<unknown>>>(handlers: H): H {
  const out: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [op, fn] of Object.entries(handlers)) out[op] = (...args: never[]) => exclusive(() => fn(...args));
  return out as H;
}

const events = serveBlockingRpc(serialised({
  async init(): Promise<void> {
    db = await connect();
    await migrate(db);
    beat = await connect();
    await beat.query(BEAT, [config.owner]);
    beatTimer = setTimeout(() => void beatLoop(), config.heartbeatMs);
  },

  async openStudy(spec: StudySpec, now: number): Promise<{ study: StudyRecord; interrupted: FrozenTrial[] }> {
    const name = checkStudyName(KIND, spec.name);
    const c = await conn();
    await q(c, `INSERT INTO rxtrain_studies (name, direction, metric, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING`, [
      name,
      spec.direction,
      spec.metric ?? null,
      now,
    ]);
    const { rows } = await q<StudyRow>(c, 'SELECT * FROM rxtrain_studies WHERE name = $1', [name]);
    const row = rows[0]!;
    const study = studyFromRow(row);
    checkSameStudy(KIND, study, spec);
    ids.set(name, row.id);
    return { study, interrupted: await failTrials(c, row.id, now) };
  },

  async listStudies(): Promise<StudyRecord[]> {
    const { rows } = await q<StudyRow>(await conn(), 'SELECT * FROM rxtrain_studies ORDER BY id', []);
    return rows.map(studyFromRow);
  },

  createTrial: withPending(async (name: string, init: NewTrial): Promise<FrozenTrial> => {
    if (init.state !== 'waiting' && init.state !== 'running') {
      throw storageError(`postgres storage: a trial is created waiting or running, not ${String(init.state)}`);
    }
    const attrs = init.attrs ? JSON.stringify(checkAttrs(KIND, init.attrs)) : null;
    const params = JSON.stringify(init.params ?? {});
    const c = await conn();
    const id = await studyId(c, name);
    const running = init.state === 'running';
    const { rows } = await q<Row>(c, CREATE, [id, init.state, params, running ? init.now : null, attrs, running ? config.owner : null, CHANNEL]);
    return record(rows[0]!);
  }),

  claimWaitingTrial: withPending(async (name: string, now: number): Promise<FrozenTrial | undefined> => {
    const c = await conn();
    const id = await studyId(c, name);
    await failTrials(c, id, now);
    const { rows } = await q<Row>(c, CLAIM, [id, now, config.owner, CHANNEL]);
    return rows[0] === undefined ? undefined : record(rows[0]);
  }),

  setTrialParams: withPending(async (name: string, n: number, params: Params): Promise<FrozenTrial> => {
    const c = await conn();
    const id = await studyId(c, name);
    const trial = await loadTrial(c, id, name, n);
    checkParamsUnset(KIND, name, trial);
    const { rowCount } = await q(c, SET_PARAMS, [id, n, JSON.stringify(params), CHANNEL]);
    if (rowCount !== 1) checkParamsUnset(KIND, name, await loadTrial(c, id, name, n));
    return freezeTrial({ ...trial, params });
  }),

  reportIntermediate: withPending(async (name: string, n: number, step: number, value: number, metrics?: Record<string, number>): Promise<FrozenTrial> => {
    const c = await conn();
    const id = await studyId(c, name);
    const trial = await loadTrial(c, id, name, n);
    checkRunning(KIND, name, n, trial.state, 'report to');
    if (!checkReport(KIND, name, n, step, value, trial.intermediate.find((p) => p[0] === step)?.[1])) return trial;
    const { rowCount } = await q(c, REPORT, [id, n, step, value, metrics === undefined ? null : JSON.stringify(metrics), CHANNEL]);
    if (rowCount !== 1) {
      // Finished, or the step written, meanwhile: the rules say which (the same value again is fine).
      const now = await loadTrial(c, id, name, n);
      checkRunning(KIND, name, n, now.state, 'report to');
      checkReport(KIND, name, n, step, value, now.intermediate.find((p) => p[0] === step)?.[1]);
      return now;
    }
    return freezeTrial({ ...trial, intermediate: [...trial.intermediate, [step, value] as const].sort((a, b) => a[0] - b[0]) });
  }),

  finishTrial: withPending(async (name: string, n: number, outcome: TrialOutcome, requeue = false): Promise<FrozenTrial> => {
    try {
      return await endTrial(name, n, outcome, requeue);
    } catch (err) {
      // Unreachable: keep it, and write it with the next call or the retry timer.
      if (err instanceof RxtrainError && err.details.transient === true && outcome.state === 'failed') {
        pendingEnds.set(`${name}:${n}`, { name, n, outcome, requeue });
      }
      throw err;
    }
  }),

  setTrialAttrs: withPending(async (name: string, n: number, attrs: Record<string, unknown>): Promise<FrozenTrial> => {
    const add = checkAttrs(KIND, attrs);
    const c = await conn();
    const id = await studyId(c, name);
    for (let attempt = 0; attempt < 10; attempt++) {
      const row = Number.isInteger(n) ? (await q<Row>(c, TRIAL, [id, n])).rows[0] : undefined;
      if (!row) throw missingTrial(KIND, name, n);
      const trial = record(row);
      const merged = { ...trial.attrs, ...add };
      // Written only over the attrs it was merged with; if they changed meanwhile, merge again.
      const { rowCount } = await q(c, SET_ATTRS, [id, n, JSON.stringify(merged), row.attrs, CHANNEL]);
      if (rowCount === 1) return freezeTrial({ ...trial, attrs: merged });
    }
    throw storageError(`postgres storage: the attrs of trial ${n} of ${JSON.stringify(name)} kept changing while they were being set`, { study: name, trial: n });
  }),

  /** Every trial changed since `since` (with its steps), and the `since` of the next call. */
  async changedSince(name: string, since: number): Promise<{ version: number; trials: FrozenTrial[] }> {
    const c = await conn();
    const id = await studyId(c, name);
    // The horizon first, the rows after: a write not visible to the rows query has an id ≥ it.
    const next = Number((await q<{ since: string }>(c, SINCE, [])).rows[0]!.since);
    const { rows } = await q<Row>(c, CHANGED, [id, since]);
    return { version: next, trials: rows.map(record) };
  },

  async trialMetrics(name: string, n: number): Promise<Array<[number, Record<string, number>]>> {
    const c = await conn();
    const id = await studyId(c, name);
    const { rows } = await q<{ step: number; metrics: string | null }>(
      c,
      'SELECT step, metrics FROM rxtrain_intermediate WHERE study_id = $1 AND number = $2 ORDER BY step',
      [id, n],
    );
    return rows.filter((r) => r.metrics !== null).map((r) => [r.step, JSON.parse(r.metrics!) as Record<string, number>]);
  },

  /** Start forwarding the changes of study `name` on the event port, as `{study, trial}`. */
  async listen(name: string): Promise<void> {
    const id = await studyId(await conn(), name);
    watched.add(id);
    if (!listener) {
      listener = await connect();
      listener.on('notification', (msg) => {
        const [sid, n] = (msg.payload ?? '').split(':').map(Number);
        if (sid === undefined || n === undefined || !watched.has(sid)) return;
        const study = [...ids].find(([, v]) => v === sid)?.[0];
        if (study !== undefined) events.postMessage({ study, trial: n });
      });
      await listener.query(`LISTEN ${CHANNEL}`);
      staleTimer = setTimeout(() => void staleLoop(), config.heartbeatMs);
    }
  },

  async unlisten(name: string): Promise<void> {
    const id = ids.get(name);
    if (id !== undefined) watched.delete(id);
  },

  async close(): Promise<void> {
    clearTimeout(beatTimer);
    clearTimeout(staleTimer);
    if (pendingEnds.size > 0) await flushPending().catch(() => {});
    closed = true;
    // Gone: others need not wait staleAfterMs for the trials this storage still runs (none, normally).
    await beat?.query('DELETE FROM rxtrain_heartbeats WHERE owner = $1', [config.owner]).catch(() => {});
    await Promise.all([db?.end(), beat?.end(), listener?.end()].map((p) => p?.catch(() => {})));
    db = beat = listener = undefined;
  },
}));
