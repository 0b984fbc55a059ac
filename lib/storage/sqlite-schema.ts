/**
 * The SQLite storage's schema, versioned with `PRAGMA user_version`: a file written by a newer schema
 * is refused rather than misread, an older one is brought up to date. (Split from sqlite-storage.ts.)
 *
 * Version 2 (issue 18): multi-objective studies and constraints. A study's `directions` and `metrics`,
 * a trial's `value_list` and `constraints`, each a JSON list or NULL; a version-1 file gains the columns,
 * NULL in every existing row, which reads as the single-objective study it was.
 *
 * Version 3 (issue 17): each intermediate value's time, `intermediate.at` (ms, the study's clock), so
 * a dashboard reading the file can plot steps against wall time; a version-2 file gains the column,
 * NULL in every existing row (a step without a known time).
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { storageError } from './rules.js';

/** The schema this code reads and writes. */
export const SQLITE_SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE studies (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  direction   TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
  metric      TEXT,
  created_at  REAL NOT NULL,
  version     INTEGER NOT NULL DEFAULT 0,
  directions  TEXT,
  metrics     TEXT
);
CREATE TABLE trials (
  study_id    INTEGER NOT NULL REFERENCES studies(id),
  number      INTEGER NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'completed', 'pruned', 'failed')),
  params      TEXT NOT NULL,
  value       REAL,
  started_at  REAL,
  finished_at REAL,
  error       TEXT,
  attrs       TEXT,
  host        TEXT,
  pid         INTEGER,
  seq         INTEGER NOT NULL,
  value_list  TEXT,
  constraints TEXT,
  PRIMARY KEY (study_id, number)
) WITHOUT ROWID;
CREATE INDEX trials_by_state ON trials (study_id, state, number);
CREATE INDEX trials_by_seq ON trials (study_id, seq);
CREATE TABLE intermediate (
  study_id    INTEGER NOT NULL,
  number      INTEGER NOT NULL,
  step        INTEGER NOT NULL,
  value       REAL NOT NULL,
  at          REAL,
  PRIMARY KEY (study_id, number, step),
  FOREIGN KEY (study_id, number) REFERENCES trials (study_id, number)
) WITHOUT ROWID;
`;

/** From version 1: the columns of multi-objective studies and of constraints. */
const MIGRATE_1_TO_2 = `
ALTER TABLE studies ADD COLUMN directions TEXT;
ALTER TABLE studies ADD COLUMN metrics TEXT;
ALTER TABLE trials ADD COLUMN value_list TEXT;
ALTER TABLE trials ADD COLUMN constraints TEXT;
`;

/** From version 2: each step's time. */
const MIGRATE_2_TO_3 = `
ALTER TABLE intermediate ADD COLUMN at REAL;
`;

/** The migrations, each from the version it names to the next. */
const MIGRATIONS: ReadonlyArray<readonly [number, string]> = [
  [1, MIGRATE_1_TO_2],
  [2, MIGRATE_2_TO_3],
];

export function migrate(db: Database.Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SQLITE_SCHEMA_VERSION) return;
  if (version > SQLITE_SCHEMA_VERSION) {
    throw storageError(
      `sqlite storage: ${JSON.stringify(path)} has schema version ${version}, newer than this rxtrain's ${SQLITE_SCHEMA_VERSION}; upgrade rxtrain`,
      { path, version, supported: SQLITE_SCHEMA_VERSION },
    );
  }
  db.transaction(() => {
    // Another process may have created the schema while we waited for the lock: look again.
    const now = db.pragma('user_version', { simple: true }) as number;
    if (now === SQLITE_SCHEMA_VERSION) return;
    if (MIGRATIONS.some(([from]) => from === now)) {
      for (const [from, sql] of MIGRATIONS) if (from >= now) db.exec(sql);
      db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
      return;
    }
    if (now !== 0) throw storageError(`sqlite storage: ${JSON.stringify(path)} has unknown schema version ${now}`, { path, version: now });
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) {
      throw storageError(`sqlite storage: ${JSON.stringify(path)} is a SQLite database that rxtrain did not create`, { path });
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * Check, without writing to it, that `path` is a study file rxtrain wrote (for readers such as
 * `rxtrain dashboard`, which must not create a schema in someone else's file): a `STORAGE` error
 * names what it is instead, a missing file, a file that is not SQLite, or a SQLite database of
 * another program.
 */
export function checkStudyFile(path: string): void {
  if (!existsSync(path)) throw storageError(`sqlite storage: no study file at ${JSON.stringify(path)} (no such file)`, { path });
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw storageError(`sqlite storage: cannot open ${JSON.stringify(path)}: ${(err as Error).message}`, { path }, err);
  }
  try {
    let version: number;
    let tables: string[];
    try {
      version = db.pragma('user_version', { simple: true }) as number;
      tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    } catch (err) {
      throw storageError(`sqlite storage: ${JSON.stringify(path)} is not a SQLite database (${(err as Error).message})`, { path }, err);
    }
    if (version === 0 || !tables.includes('studies') || !tables.includes('trials')) {
      throw storageError(
        `sqlite storage: ${JSON.stringify(path)} is not an rxtrain study file (${tables.length === 0 ? 'it has no tables' : `its tables: ${tables.slice(0, 10).join(', ')}`}; rxtrain's are studies, trials, intermediate)`,
        { path, tables },
      );
    }
  } finally {
    db.close();
  }
}
