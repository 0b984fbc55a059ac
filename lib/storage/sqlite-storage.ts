/**
 * A storage in one SQLite file (better-sqlite3): the embedded default for studies that must survive a
 * crash, and that several processes on one machine may run at once.
 *
 * How it keeps the rules of {@link Storage}:
 * - WAL journal, so readers never block the writer; `busy_timeout` (option `busyTimeoutMs`) so a writer
 *   waits for another instead of failing; and every write is one `BEGIN IMMEDIATE` transaction, which
 *   takes the write lock *before* reading. A deferred transaction that reads and then writes cannot wait
 *   for the lock in WAL mode (SQLite returns "database is locked" at once, to avoid a deadlock): that is
 *   the error Optuna users meet, and the reason every read-then-write here starts immediate.
 * - Trial numbers come from `max(number) + 1` inside that transaction, with `(study, number)` the primary
 *   key: unique and increasing across processes.
 * - Each transaction commits before the call returns: a process killed at any moment (kill -9) leaves
 *   every finished trial in the file, exactly once. `synchronous = NORMAL` (the default) survives a
 *   killed process; `synchronous: 'full'` also survives a power cut, at one fsync per write.
 * - Interrupted trials (rule 8): each running trial records the host name and pid of its process. On
 *   `openStudy`, a running trial of this host whose pid is not alive is marked failed `'interrupted'`.
 *   Trials of other hosts are left alone: a SQLite file is for one machine (WAL does not work over a
 *   network file system). A pid reused by a new process after a crash would hide the crash until that
 *   process ends; it is rare enough that we accept it.
 * - Reads are cached per study and refreshed by the study's change counter, which every write bumps:
 *   reading an unchanged study of 1000 trials is one small query.
 * - The schema is versioned (`PRAGMA user_version`); a file written by a newer schema is refused rather
 *   than misread.
 */
import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import type { FrozenTrial, Params, TrialState } from '../search/types.js';
import type { NewTrial, OpenedStudy, Storage, StudyRecord, StudySpec, TrialOutcome } from './storage.js';
import {
  checkAttrs,
  checkParamsUnset,
  checkReport,
  checkRunning,
  checkSameStudy,
  checkStudyName,
  finishFields,
  missingStudy,
  missingTrial,
  storageError,
} from './rules.js';
import { configError } from '../errors.js';
import { studyFromRow, trialFromRow, type StudyRow, type TrialRow as BaseTrialRow } from './rows.js';
import { booleanField, knownFields, nonEmptyString, nonNegativeInt, oneOf, requireObject } from '../validate.js';

/** The schema this code reads and writes. */
export const SQLITE_SCHEMA_VERSION = 1;

export interface SqliteStorageOptions {
  /** How long a writer waits for another process's write lock, in ms (default 10 000). */
  readonly busyTimeoutMs?: number;
  /** `normal` (default) survives a killed process; `full` also a power cut. */
  readonly synchronous?: 'normal' | 'full';
  /** Open an existing file only (default false: create it). */
  readonly mustExist?: boolean;
  /** Whether the process `pid` on `host` still runs (for rule 8). Default: `kill(pid, 0)` on this host. */
  readonly isRunnerAlive?: (host: string, pid: number) => boolean;
}

const KIND = 'sqlite';
const WHERE = 'sqliteStorage()';

const SCHEMA = `
CREATE TABLE studies (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  direction   TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
  metric      TEXT,
  created_at  REAL NOT NULL,
  version     INTEGER NOT NULL DEFAULT 0
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
  PRIMARY KEY (study_id, number)
) WITHOUT ROWID;
CREATE INDEX trials_by_state ON trials (study_id, state, number);
CREATE INDEX trials_by_seq ON trials (study_id, seq);
CREATE TABLE intermediate (
  study_id    INTEGER NOT NULL,
  number      INTEGER NOT NULL,
  step        INTEGER NOT NULL,
  value       REAL NOT NULL,
  PRIMARY KEY (study_id, number, step),
  FOREIGN KEY (study_id, number) REFERENCES trials (study_id, number)
) WITHOUT ROWID;
`;

interface TrialRow extends BaseTrialRow {
  host: string | null;
  pid: number | null;
}
interface StepRow {
  number: number;
  step: number;
  value: number;
}

function defaultIsAlive(host: string, pid: number): boolean {
  if (host !== hostname()) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Open (or create) a SQLite storage at `path`.
 *
 * @example
 * ```ts
 * import { sqliteStorage, study } from 'rxtrain';
 * const storage = sqliteStorage('studies.db');
 * const s = study({ name: 'mlp', direction: 'maximize', metric: 'val_accuracy', storage, space, sampler });
 * ```
 * @param path A file path (`:memory:` works too, for tests).
 * @returns A {@link Storage}; call `close()` when done.
 */
export function sqliteStorage(path: string, options: SqliteStorageOptions = {}): Storage {
  nonEmptyString(WHERE, 'path', path);
  const opts = requireObject(WHERE, options, 'options');
  knownFields(WHERE, opts, ['busyTimeoutMs', 'synchronous', 'mustExist', 'isRunnerAlive']);
  const busyTimeoutMs = opts.busyTimeoutMs === undefined ? 10_000 : nonNegativeInt(WHERE, 'busyTimeoutMs', opts.busyTimeoutMs);
  const synchronous = opts.synchronous === undefined ? 'normal' : oneOf(WHERE, 'synchronous', opts.synchronous, ['normal', 'full'] as const);
  const mustExist = opts.mustExist === undefined ? false : booleanField(WHERE, 'mustExist', opts.mustExist);
  if (opts.isRunnerAlive !== undefined && typeof opts.isRunnerAlive !== 'function') {
    throw configError(WHERE, 'isRunnerAlive', 'must be a function', opts.isRunnerAlive);
  }
  const isAlive = (options.isRunnerAlive ?? defaultIsAlive) as (host: string, pid: number) => boolean;

  let db: Database.Database;
  try {
    db = new Database(path, { timeout: busyTimeoutMs, fileMustExist: mustExist });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw storageError(`sqlite storage: cannot open ${JSON.stringify(path)}: ${(err as Error).message}`, { path }, err);
  }
  try {
    migrate(db, path);
  } catch (err) {
    db.close();
    throw err;
  }

  const host = hostname();
  const pid = process.pid;

  const q = {
    studyByName: db.prepare<[string], StudyRow>('SELECT * FROM studies WHERE name = ?'),
    studies: db.prepare<[], StudyRow>('SELECT * FROM studies ORDER BY id'),
    insertStudy: db.prepare('INSERT INTO studies (name, direction, metric, created_at) VALUES (?, ?, ?, ?)'),
    trial: db.prepare<[number, number], TrialRow>('SELECT * FROM trials WHERE study_id = ? AND number = ?'),
    changedSince: db.prepare<[number, number], TrialRow>('SELECT * FROM trials WHERE study_id = ? AND seq > ? ORDER BY number'),
    version: db.prepare<[number], { version: number }>('SELECT version FROM studies WHERE id = ?'),
    bump: db.prepare<[number], { version: number }>('UPDATE studies SET version = version + 1 WHERE id = ? RETURNING version'),
    setSeq: db.prepare('UPDATE trials SET seq = ? WHERE study_id = ? AND number = ?'),
    running: db.prepare<[number], TrialRow>("SELECT * FROM trials WHERE study_id = ? AND state = 'running' ORDER BY number"),
    firstWaiting: db.prepare<[number], TrialRow>("SELECT * FROM trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1"),
    nextNumber: db.prepare<[number], { next: number }>('SELECT coalesce(max(number), -1) + 1 AS next FROM trials WHERE study_id = ?'),
    insertTrial: db.prepare(
      'INSERT INTO trials (study_id, number, state, params, started_at, attrs, host, pid, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)',
    ),
    start: db.prepare("UPDATE trials SET state = 'running', started_at = ?, host = ?, pid = ? WHERE study_id = ? AND number = ?"),
    setParams: db.prepare('UPDATE trials SET params = ? WHERE study_id = ? AND number = ?'),
    setAttrs: db.prepare('UPDATE trials SET attrs = ? WHERE study_id = ? AND number = ?'),
    finish: db.prepare('UPDATE trials SET state = ?, value = ?, error = ?, finished_at = ? WHERE study_id = ? AND number = ?'),
    steps: db.prepare<[number, number], StepRow>('SELECT number, step, value FROM intermediate WHERE study_id = ? AND number = ? ORDER BY step'),
    step: db.prepare<[number, number, number], StepRow>('SELECT number, step, value FROM intermediate WHERE study_id = ? AND number = ? AND step = ?'),
    insertStep: db.prepare('INSERT INTO intermediate (study_id, number, step, value) VALUES (?, ?, ?, ?)'),
  };

  // Study ids by name: a study is never renamed or deleted, so this cache cannot go stale.
  const ids = new Map<string, number>();
  // The records of each study as last read, and the study's version then. Every write bumps the
  // study's version and stamps the trial it changed with it (`seq`), in the same transaction, so a read
  // fetches only the trials changed since: reading a study of 1000 trials costs one query when nothing
  // changed, not 1000 records and their steps.
  const cache = new Map<number, { version: number; trials: FrozenTrial[] }>();
  const touch = (id: number, n: number): void => {
    q.setSeq.run(q.bump.get(id)!.version, id, n);
  };
  const refresh = (id: number): FrozenTrial[] => {
    let entry = cache.get(id);
    if (!entry) cache.set(id, (entry = { version: 0, trials: [] }));
    const version = q.version.get(id)!.version;
    if (version !== entry.version) {
      for (const row of q.changedSince.all(id, entry.version)) entry.trials[row.number] = trialFromRow(row, q.steps.all(id, row.number));
      entry.version = version;
    }
    return entry.trials;
  };
  let closed = false;

  const guard = <T>(fn: () => T): T => {
    if (closed) throw storageError('sqlite storage: it was closed', { path });
    try {
      return fn();
    } catch (err) {
      if (err instanceof Database.SqliteError) {
        throw storageError(`sqlite storage (${path}): ${err.message}`, { path, sqliteCode: err.code }, err);
      }
      throw err;
    }
  };
  /** A write: BEGIN IMMEDIATE, so the lock is taken before anything is read. */
  const write = <T>(fn: () => T): T => guard(() => db.transaction(fn).immediate());
  /** A consistent read of several statements. */
  const read = <T>(fn: () => T): T => guard(() => db.transaction(fn).deferred());

  const studyId = (name: string): number => {
    const cached = ids.get(name);
    if (cached !== undefined) return cached;
    const row = q.studyByName.get(name);
    if (!row) throw missingStudy(KIND, name);
    ids.set(name, row.id);
    return row.id;
  };
  const loadTrial = (id: number, name: string, n: number): FrozenTrial => {
    const row = Number.isInteger(n) ? q.trial.get(id, n) : undefined;
    if (!row) throw missingTrial(KIND, name, n);
    return trialFromRow(row, q.steps.all(id, n));
  };
  return {
    kind: KIND,

    openStudy(spec: StudySpec, now: number): OpenedStudy {
      const name = checkStudyName(KIND, spec.name);
      return write(() => {
        let row = q.studyByName.get(name);
        if (!row) {
          q.insertStudy.run(name, spec.direction, spec.metric ?? null, now);
          row = q.studyByName.get(name)!;
        }
        const study = studyFromRow(row);
        checkSameStudy(KIND, study, spec);
        ids.set(name, row.id);
        const interrupted: FrozenTrial[] = [];
        for (const t of q.running.all(row.id)) {
          if (t.host === null || t.pid === null || isAlive(t.host, t.pid)) continue;
          q.finish.run('failed', null, 'interrupted', now, row.id, t.number);
          touch(row.id, t.number);
          interrupted.push(loadTrial(row.id, name, t.number));
        }
        return { study, interrupted };
      });
    },

    listStudies(): readonly StudyRecord[] {
      return guard(() => q.studies.all().map(studyFromRow));
    },

    createTrial(name: string, init: NewTrial): FrozenTrial {
      if (init.state !== 'waiting' && init.state !== 'running') {
        throw storageError(`sqlite storage: a trial is created waiting or running, not ${String(init.state)}`);
      }
      const attrs = init.attrs ? JSON.stringify(checkAttrs(KIND, init.attrs)) : null;
      const params = JSON.stringify(init.params ?? {});
      return write(() => {
        const id = studyId(name);
        const n = q.nextNumber.get(id)!.next;
        const running = init.state === 'running';
        q.insertTrial.run(id, n, init.state, params, running ? init.now : null, attrs, running ? host : null, running ? pid : null);
        touch(id, n);
        return loadTrial(id, name, n);
      });
    },

    claimWaitingTrial(name: string, now: number): FrozenTrial | undefined {
      return write(() => {
        const id = studyId(name);
        const row = q.firstWaiting.get(id);
        if (!row) return undefined;
        q.start.run(now, host, pid, id, row.number);
        touch(id, row.number);
        return loadTrial(id, name, row.number);
      });
    },

    setTrialParams(name: string, n: number, params: Params): FrozenTrial {
      const json = JSON.stringify(params);
      return write(() => {
        const id = studyId(name);
        checkParamsUnset(KIND, name, loadTrial(id, name, n));
        q.setParams.run(json, id, n);
        touch(id, n);
        return loadTrial(id, name, n);
      });
    },

    reportIntermediate(name: string, n: number, step: number, value: number): FrozenTrial {
      return write(() => {
        const id = studyId(name);
        const row = Number.isInteger(n) ? q.trial.get(id, n) : undefined;
        if (!row) throw missingTrial(KIND, name, n);
        checkRunning(KIND, name, n, row.state, 'report to');
        const existing = Number.isInteger(step) ? q.step.get(id, n, step)?.value : undefined;
        if (checkReport(KIND, name, n, step, value, existing)) {
          q.insertStep.run(id, n, step, value);
          touch(id, n);
        }
        return trialFromRow(row, q.steps.all(id, n));
      });
    },

    finishTrial(name: string, n: number, outcome: TrialOutcome): FrozenTrial {
      return write(() => {
        const id = studyId(name);
        const f = finishFields(KIND, name, loadTrial(id, name, n), outcome);
        q.finish.run(f.state, f.value ?? null, f.error ?? null, f.finishedAt, id, n);
        touch(id, n);
        return loadTrial(id, name, n);
      });
    },

    setTrialAttrs(name: string, n: number, attrs: Readonly<Record<string, unknown>>): FrozenTrial {
      const add = checkAttrs(KIND, attrs);
      return write(() => {
        const id = studyId(name);
        const trial = loadTrial(id, name, n);
        q.setAttrs.run(JSON.stringify({ ...trial.attrs, ...add }), id, n);
        touch(id, n);
        return loadTrial(id, name, n);
      });
    },

    getTrial(name: string, n: number): FrozenTrial | undefined {
      return read(() => (Number.isInteger(n) ? refresh(studyId(name))[n] : undefined));
    },

    getTrials(name: string, states?: readonly TrialState[]): readonly FrozenTrial[] {
      return read(() => {
        const trials = refresh(studyId(name));
        return states ? trials.filter((t) => states.includes(t.state)) : [...trials];
      });
    },

    close(): void {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

function migrate(db: Database.Database, path: string): void {
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
    if (now !== 0) throw storageError(`sqlite storage: ${JSON.stringify(path)} has unknown schema version ${now}`, { path, version: now });
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) {
      throw storageError(`sqlite storage: ${JSON.stringify(path)} is a SQLite database that rxtrain did not create`, { path });
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
  }).immediate();
}
