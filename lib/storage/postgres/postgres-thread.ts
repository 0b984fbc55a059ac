/**
 * The thread that talks to PostgreSQL for one `postgresStorage`: it answers the storage's blocking
 * calls (see lib/parallel/blocking-rpc.ts), beats the heartbeat of the trials this storage runs, fails
 * (or re-queues) trials whose runner stopped beating, and forwards LISTEN notifications.
 *
 * Three connections: `db` for the storage's calls (one at a time, each write one transaction), `beat`
 * for heartbeats and stale checks (so they never land inside a call's transaction), and `listen`, made
 * on the first `listen` call.
 */
import pg from 'pg';
import { serveBlockingRpc } from '../../parallel/blocking-rpc.js';
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
import { CHANNEL, POSTGRES_SCHEMA_VERSION, TABLES } from './schema.js';
import { workerData } from 'node:worker_threads';

export interface PostgresThreadData {
  readonly url: string;
  readonly schema: string;
  readonly owner: string;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly onStale: 'fail' | 'retry';
}

const KIND = 'postgres';
const config = workerData as PostgresThreadData;
const quoted = `"${config.schema.replaceAll('"', '""')}"`;

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: config.url, application_name: `rxtrain ${config.owner}` });
  // A dropped connection surfaces as an error on the next query; the client's own 'error' event must
  // not crash the thread.
  client.on('error', () => {});
  await client.connect();
  await client.query(`SET search_path TO ${quoted}`);
  return client;
}

let db: pg.Client | undefined;
let beat: pg.Client | undefined;
let listener: pg.Client | undefined;
let timer: NodeJS.Timeout | undefined;
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
      const version = Number(rows[0]?.value);
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

function conn(): pg.Client {
  if (!db) throw storageError('postgres storage: not connected');
  return db;
}

/** Run `fn` in one transaction on the storage's connection. */
async function tx<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = conn();
  await c.query('BEGIN');
  try {
    const result = await fn(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

async function studyId(c: pg.Client, name: string): Promise<number> {
  const cached = ids.get(name);
  if (cached !== undefined) return cached;
  const { rows } = await c.query<{ id: number }>('SELECT id FROM rxtrain_studies WHERE name = $1', [name]);
  const id = rows[0]?.id;
  if (id === undefined) throw missingStudy(KIND, name);
  ids.set(name, id);
  return id;
}

/** Stamp trial `n` as changed: bump the study's version (its row lock orders writers) and notify, in one statement. */
async function touch(c: pg.Client, id: number, n: number): Promise<void> {
  await c.query(
    `WITH v AS (UPDATE rxtrain_studies SET version = version + 1 WHERE id = $1 RETURNING version),
          t AS (UPDATE rxtrain_trials SET seq = (SELECT version FROM v) WHERE study_id = $1 AND number = $2)
     SELECT pg_notify($3, $1::text || ':' || $2::text)`,
    [id, n, CHANNEL],
  );
}

/** A trial's row with its steps (as a JSON array of [step, value]), in one query. */
const TRIAL_WITH_STEPS = `SELECT t.*, (SELECT coalesce(json_agg(json_build_array(i.step, i.value) ORDER BY i.step), '[]'::json)
  FROM rxtrain_intermediate i WHERE i.study_id = t.study_id AND i.number = t.number) AS steps
  FROM rxtrain_trials t WHERE t.study_id = $1 AND t.number = $2`;

async function loadTrial(c: pg.Client, id: number, name: string, n: number, lock = false): Promise<FrozenTrial> {
  const { rows } = Number.isInteger(n)
    ? await c.query<TrialRow & { steps: Array<[number, number]> }>(`${TRIAL_WITH_STEPS}${lock ? ' FOR UPDATE OF t' : ''}`, [id, n])
    : { rows: [] };
  const row = rows[0];
  if (!row) throw missingTrial(KIND, name, n);
  return trialFromRow(row, row.steps.map(([step, value]) => ({ step, value })));
}

/**
 * Fail the running trials of study `id` whose runner stopped beating, and (onStale 'retry') queue their
 * parameters again as new trials. Returns the failed trials.
 */
async function failStale(c: pg.Client, id: number, name: string, now: number): Promise<FrozenTrial[]> {
  const { rows } = await c.query<{ number: number; params: string; attrs: string | null }>(
    // SKIP LOCKED: two processes failing stale trials at once never wait for (or deadlock on) each other.
    `UPDATE rxtrain_trials t SET state = 'failed', finished_at = $3, error = $4
     FROM (SELECT number FROM rxtrain_trials
           WHERE study_id = $1 AND state = 'running' AND owner IS NOT NULL AND heartbeat_at < now() - make_interval(secs => $2)
           ORDER BY number FOR UPDATE SKIP LOCKED) stale
     WHERE t.study_id = $1 AND t.number = stale.number
     RETURNING t.number, t.params, t.attrs`,
    [id, config.staleAfterMs / 1000, now, `interrupted: no heartbeat for ${config.staleAfterMs} ms`],
  );
  const failed: FrozenTrial[] = [];
  for (const row of rows.sort((a, b) => a.number - b.number)) {
    if (config.onStale === 'retry') {
      const n = await nextNumber(c, id);
      // The retry carries the old trial's attributes (what it is: an evolve member, a PBT segment, ...).
      const old = row.attrs === null ? {} : (JSON.parse(row.attrs) as Record<string, unknown>);
      await c.query(`INSERT INTO rxtrain_trials (study_id, number, state, params, attrs, seq) VALUES ($1, $2, 'waiting', $3, $4, 0)`, [
        id,
        n,
        row.params,
        JSON.stringify({ ...old, retryOf: row.number }),
      ]);
      await touch(c, id, n);
      const attrs = { ...old, requeuedAs: n };
      await c.query('UPDATE rxtrain_trials SET attrs = $3 WHERE study_id = $1 AND number = $2', [id, row.number, JSON.stringify(attrs)]);
    }
    await touch(c, id, row.number);
    failed.push(await loadTrial(c, id, name, row.number));
  }
  return failed;
}

async function nextNumber(c: pg.Client, id: number): Promise<number> {
  const { rows } = await c.query<{ n: number }>('UPDATE rxtrain_studies SET next_number = next_number + 1 WHERE id = $1 RETURNING next_number - 1 AS n', [id]);
  return rows[0]!.n;
}

async function heartbeat(): Promise<void> {
  if (!beat || closed) return;
  await beat.query(`UPDATE rxtrain_trials SET heartbeat_at = now() WHERE owner = $1 AND state = 'running'`, [config.owner]);
  // Fail stale trials of the studies this storage follows, so that followers learn of a dead runner
  // even when nobody claims a trial.
  for (const id of watched) {
    const name = [...ids].find(([, v]) => v === id)?.[0];
    if (name === undefined) continue;
    await beat.query('BEGIN');
    try {
      await failStale(beat, id, name, Date.now());
      await beat.query('COMMIT');
    } catch {
      await beat.query('ROLLBACK').catch(() => {});
    }
  }
}

const events = serveBlockingRpc({
  async init(): Promise<void> {
    db = await connect();
    await migrate(db);
    beat = await connect();
    timer = setInterval(() => void heartbeat().catch(() => {}), config.heartbeatMs);
  },

  async openStudy(spec: StudySpec, now: number): Promise<{ study: StudyRecord; interrupted: FrozenTrial[] }> {
    const name = checkStudyName(KIND, spec.name);
    return tx(async (c) => {
      await c.query(
        `INSERT INTO rxtrain_studies (name, direction, metric, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING`,
        [name, spec.direction, spec.metric ?? null, now],
      );
      const { rows } = await c.query<StudyRow>('SELECT * FROM rxtrain_studies WHERE name = $1', [name]);
      const row = rows[0]!;
      const study = studyFromRow(row);
      checkSameStudy(KIND, study, spec);
      ids.set(name, row.id);
      return { study, interrupted: await failStale(c, row.id, name, now) };
    });
  },

  async listStudies(): Promise<StudyRecord[]> {
    const { rows } = await conn().query<StudyRow>('SELECT * FROM rxtrain_studies ORDER BY id');
    return rows.map(studyFromRow);
  },

  async createTrial(name: string, init: NewTrial): Promise<FrozenTrial> {
    if (init.state !== 'waiting' && init.state !== 'running') {
      throw storageError(`postgres storage: a trial is created waiting or running, not ${String(init.state)}`);
    }
    const attrs = init.attrs ? JSON.stringify(checkAttrs(KIND, init.attrs)) : null;
    const params = JSON.stringify(init.params ?? {});
    return tx(async (c) => {
      const id = await studyId(c, name);
      const n = await nextNumber(c, id);
      const running = init.state === 'running';
      await c.query(
        `INSERT INTO rxtrain_trials (study_id, number, state, params, started_at, attrs, owner, heartbeat_at, seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7::text IS NULL THEN NULL ELSE now() END, 0)`,
        [id, n, init.state, params, running ? init.now : null, attrs, running ? config.owner : null],
      );
      await touch(c, id, n);
      return loadTrial(c, id, name, n);
    });
  },

  async claimWaitingTrial(name: string, now: number): Promise<FrozenTrial | undefined> {
    return tx(async (c) => {
      const id = await studyId(c, name);
      await failStale(c, id, name, now);
      // Take the lowest waiting trial that no other transaction holds, and start it, in one statement.
      const { rows } = await c.query<TrialRow>(
        `UPDATE rxtrain_trials SET state = 'running', started_at = $2, owner = $3, heartbeat_at = now()
         WHERE study_id = $1 AND number = (
           SELECT number FROM rxtrain_trials WHERE study_id = $1 AND state = 'waiting' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [id, now, config.owner],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      await touch(c, id, row.number);
      // A waiting trial has reported nothing yet.
      return trialFromRow(row, []);
    });
  },

  async setTrialParams(name: string, n: number, params: Params): Promise<FrozenTrial> {
    return tx(async (c) => {
      const id = await studyId(c, name);
      checkParamsUnset(KIND, name, await loadTrial(c, id, name, n, true));
      await c.query('UPDATE rxtrain_trials SET params = $3 WHERE study_id = $1 AND number = $2', [id, n, JSON.stringify(params)]);
      await touch(c, id, n);
      return loadTrial(c, id, name, n);
    });
  },

  async reportIntermediate(name: string, n: number, step: number, value: number, metrics?: Record<string, number>): Promise<FrozenTrial> {
    return tx(async (c) => {
      const id = await studyId(c, name);
      const trial = await loadTrial(c, id, name, n, true);
      checkRunning(KIND, name, n, trial.state, 'report to');
      const existing = trial.intermediate.find((p) => p[0] === step)?.[1];
      if (checkReport(KIND, name, n, step, value, existing)) {
        await c.query('INSERT INTO rxtrain_intermediate (study_id, number, step, value, metrics) VALUES ($1, $2, $3, $4, $5)', [
          id,
          n,
          step,
          value,
          metrics === undefined ? null : JSON.stringify(metrics),
        ]);
        await touch(c, id, n);
        return freezeTrial({ ...trial, intermediate: [...trial.intermediate, [step, value] as const].sort((a, b) => a[0] - b[0]) });
      }
      return trial;
    });
  },

  async finishTrial(name: string, n: number, outcome: TrialOutcome): Promise<FrozenTrial> {
    return tx(async (c) => {
      const id = await studyId(c, name);
      const trial = await loadTrial(c, id, name, n, true);
      const f = finishFields(KIND, name, trial, outcome);
      await c.query('UPDATE rxtrain_trials SET state = $3, value = $4, error = $5, finished_at = $6 WHERE study_id = $1 AND number = $2', [
        id,
        n,
        f.state,
        f.value ?? null,
        f.error ?? null,
        f.finishedAt,
      ]);
      await touch(c, id, n);
      return freezeTrial({ ...trial, ...f });
    });
  },

  async setTrialAttrs(name: string, n: number, attrs: Record<string, unknown>): Promise<FrozenTrial> {
    const add = checkAttrs(KIND, attrs);
    return tx(async (c) => {
      const id = await studyId(c, name);
      const trial = await loadTrial(c, id, name, n, true);
      const merged = { ...trial.attrs, ...add };
      await c.query('UPDATE rxtrain_trials SET attrs = $3 WHERE study_id = $1 AND number = $2', [id, n, JSON.stringify(merged)]);
      await touch(c, id, n);
      return freezeTrial({ ...trial, attrs: merged });
    });
  },

  /** The study's version now, and every trial changed after `since` (with its steps). */
  async changedSince(name: string, since: number): Promise<{ version: number; trials: FrozenTrial[] }> {
    // No transaction needed: the rows are read after the version, so they include every change up to
    // it; a change after it is read again next time (records are replaced whole, so that is harmless).
    return (async (c: pg.Client) => {
      const id = await studyId(c, name);
      const v = await c.query<{ version: string }>('SELECT version FROM rxtrain_studies WHERE id = $1', [id]);
      const version = Number(v.rows[0]!.version);
      if (version === since) return { version, trials: [] };
      const { rows } = await c.query<TrialRow & { steps: Array<[number, number]> }>(
        `${TRIAL_WITH_STEPS.replace('AND t.number = $2', 'AND t.seq > $2')} ORDER BY t.number`,
        [id, since],
      );
      return { version, trials: rows.map((r) => trialFromRow(r, r.steps.map(([step, value]) => ({ step, value })))) };
    })(conn());
  },

  async trialMetrics(name: string, n: number): Promise<Array<[number, Record<string, number>]>> {
    const c = conn();
    const id = await studyId(c, name);
    const { rows } = await c.query<{ step: number; metrics: string | null }>(
      'SELECT step, metrics FROM rxtrain_intermediate WHERE study_id = $1 AND number = $2 ORDER BY step',
      [id, n],
    );
    return rows.filter((r) => r.metrics !== null).map((r) => [r.step, JSON.parse(r.metrics!) as Record<string, number>]);
  },

  /** Start forwarding the changes of study `name` on the event port, as `{study, trial}`. */
  async listen(name: string): Promise<void> {
    const id = await studyId(conn(), name);
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
    }
  },

  async unlisten(name: string): Promise<void> {
    const id = ids.get(name);
    if (id !== undefined) watched.delete(id);
  },

  async close(): Promise<void> {
    closed = true;
    if (timer) clearInterval(timer);
    await Promise.all([db?.end(), beat?.end(), listener?.end()].map((p) => p?.catch(() => {})));
    db = beat = listener = undefined;
  },
});
