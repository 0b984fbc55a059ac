/**
 * The PostgreSQL schema of a study storage, versioned like the SQLite one. Every table is prefixed
 * `rxtrain_` and lives in the schema the storage was given (default `public`).
 *
 * Version 2 (issue 15 item 4): heartbeats moved to `rxtrain_heartbeats`, one row per storage that only
 * its owner writes, so no lock on a trial can hold a beat back; a trial's `seq` is the id of the
 * transaction that last wrote it (`txid_current()`), so that writes no longer bump (and lock) the
 * study row to order themselves. `rxtrain_studies.version` is no longer used.
 */
export const POSTGRES_SCHEMA_VERSION = 2;

/** The channel every write notifies, with payload `<study id>:<trial number>`. */
export const CHANNEL = 'rxtrain_changes';

export const TABLES = `
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
  version     bigint NOT NULL DEFAULT 0
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
  PRIMARY KEY (study_id, number, step),
  FOREIGN KEY (study_id, number) REFERENCES rxtrain_trials (study_id, number)
);
`;

/** From version 1: the heartbeat table; `seq` values of version 1 were per-study counters, not transaction ids. */
export const MIGRATE_1_TO_2 = `
CREATE TABLE rxtrain_heartbeats (
  owner        text PRIMARY KEY,
  beat_at      timestamptz NOT NULL
);
UPDATE rxtrain_trials SET seq = 0;
`;
