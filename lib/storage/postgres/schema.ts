/**
 * The PostgreSQL schema of a study storage, versioned like the SQLite one. Every table is prefixed
 * `rxtrain_` and lives in the schema the storage was given (default `public`).
 *
 * Version 2 (issue 15 item 4): heartbeats moved to `rxtrain_heartbeats`, one row per storage that only
 * its owner writes, so no lock on a trial can hold a beat back; a trial's `seq` is the id of the
 * transaction that last wrote it (`txid_current()`), so that writes no longer bump (and lock) the
 * study row to order themselves. `rxtrain_studies.version` is no longer used.
 *
 * Version 3 (issue 18): multi-objective studies and constraints: a study's `directions` and `metrics`, a
 * trial's `value_list` and `constraints`, each a JSON list or NULL (NULL in rows of before, which read as
 * the single-objective studies they were).
 *
 * Version 4 (issue 17): each intermediate value's time, `rxtrain_intermediate.at` (ms, the study's
 * clock), so a dashboard can plot steps against wall time; NULL in rows of before (no known time).
 *
 * {@link migrate} brings a database schema to this version (creating it if missing) or refuses it.
 */
import type pg from 'pg';
import { storageError } from '../rules.js';

export const POSTGRES_SCHEMA_VERSION = 4;

/** The channel every write notifies, with payload `<study id>:<trial number>`. */
export const CHANNEL = 'rxtrain_changes';

const TABLES = `
CREATE TABLE rxtrain_meta (
  key         text PRIMARY KEY,
  value       text NOT NULL
);
CREATE TABLE rxtrain_studies (
  id          serial PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  direction   text NOT NULL CHECK (direction IN ('minimize', 'maximize')),
  metric      text,
  created_at  double precision NOT NULL,
  next_number integer NOT NULL DEFAULT 0,
  version     bigint NOT NULL DEFAULT 0,
  directions  text,
  metrics     text
);
CREATE TABLE rxtrain_trials (
  study_id     integer NOT NULL REFERENCES rxtrain_studies (id),
  number       integer NOT NULL,
  state        text NOT NULL CHECK (state IN ('waiting', 'running', 'completed', 'pruned', 'failed')),
  params       text NOT NULL,
  value        double precision,
  started_at   double precision,
  finished_at  double precision,
  error        text,
  attrs        text,
  owner        text,
  heartbeat_at timestamptz,
  seq          bigint NOT NULL,
  value_list   text,
  constraints  text,
  PRIMARY KEY (study_id, number)
);
CREATE INDEX rxtrain_trials_waiting ON rxtrain_trials (study_id, number) WHERE state = 'waiting';
CREATE INDEX rxtrain_trials_running ON rxtrain_trials (study_id, heartbeat_at) WHERE state = 'running';
CREATE INDEX rxtrain_trials_seq ON rxtrain_trials (study_id, seq);
CREATE TABLE rxtrain_heartbeats (
  owner        text PRIMARY KEY,
  beat_at      timestamptz NOT NULL
);
CREATE TABLE rxtrain_intermediate (
  study_id    integer NOT NULL,
  number      integer NOT NULL,
  step        integer NOT NULL,
  value       double precision NOT NULL,
  metrics     text,
  at          double precision,
  PRIMARY KEY (study_id, number, step),
  FOREIGN KEY (study_id, number) REFERENCES rxtrain_trials (study_id, number)
);
`;

/** From version 1: the heartbeat table; `seq` values of version 1 were per-study counters, not transaction ids. */
const MIGRATE_1_TO_2 = `
CREATE TABLE rxtrain_heartbeats (
  owner        text PRIMARY KEY,
  beat_at      timestamptz NOT NULL
);
UPDATE rxtrain_trials SET seq = 0;
`;

/** From version 2: the columns of multi-objective studies and of constraints. */
const MIGRATE_2_TO_3 = `
ALTER TABLE rxtrain_studies ADD COLUMN directions text, ADD COLUMN metrics text;
ALTER TABLE rxtrain_trials ADD COLUMN value_list text, ADD COLUMN constraints text;
`;

/** From version 3: each step's time. */
const MIGRATE_3_TO_4 = `
ALTER TABLE rxtrain_intermediate ADD COLUMN at double precision;
`;

/** `name` as an SQL identifier (a schema name may hold any character). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Create rxtrain's tables in `schema`, or bring them to {@link POSTGRES_SCHEMA_VERSION}; refuse a newer version. */
export async function migrate(client: pg.Client, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    // One migrator at a time, across every process (the lock ends with the transaction).
    await client.query('SELECT pg_advisory_xact_lock(7263410331)');
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    const exists = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'rxtrain_meta'`, [schema]);
    if (exists.rowCount === 0) {
      await client.query(TABLES);
      await client.query(`INSERT INTO rxtrain_meta (key, value) VALUES ('schema_version', $1)`, [String(POSTGRES_SCHEMA_VERSION)]);
    } else {
      const { rows } = await client.query<{ value: string }>(`SELECT value FROM rxtrain_meta WHERE key = 'schema_version'`);
      let version = Number(rows[0]?.value);
      const steps: ReadonlyArray<readonly [number, string]> = [[1, MIGRATE_1_TO_2], [2, MIGRATE_2_TO_3], [3, MIGRATE_3_TO_4]];
      for (const [from, sql] of steps) {
        if (version !== from) continue;
        await client.query(sql);
        version = from + 1;
        await client.query(`UPDATE rxtrain_meta SET value = $1 WHERE key = 'schema_version'`, [String(version)]);
      }
      if (version !== POSTGRES_SCHEMA_VERSION) {
        throw storageError(
          `postgres storage: schema ${JSON.stringify(schema)} has rxtrain schema version ${rows[0]?.value}, this rxtrain reads ${POSTGRES_SCHEMA_VERSION}${version > POSTGRES_SCHEMA_VERSION ? '; upgrade rxtrain' : ''}`,
          { schema, version, supported: POSTGRES_SCHEMA_VERSION },
        );
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
