/**
 * A storage in one SQLite file (better-sqlite3): the embedded default for studies that must survive a
 * crash, and that several processes on one machine may run at once.
 *
 * How it keeps the rules of {@link Storage}:
 * - WAL journal, so readers never block the writer; `busy_timeout` (option `busyTimeoutMs`) so a writer
 *   waits for another, with back-off (SQLite sleeps 1, 2, 5, 10, ... up to 100 ms between tries),
 *   instead of failing; and every write is one `BEGIN IMMEDIATE` transaction, which
 *   takes the write lock *before* reading. A deferred transaction that reads and then writes cannot wait
 *   for the lock in WAL mode (SQLite returns "database is locked" at once, to avoid a deadlock): that is
 *   the error Optuna users meet, and the reason every read-then-write here starts immediate.
 * - Trial numbers come from `max(number) + 1` inside that transaction, with `(study, number)` the primary
 *   key: unique and increasing across processes.
 * - Each transaction commits before the call returns: a process killed at any moment (kill -9) leaves
 *   every finished trial in the file, exactly once. `synchronous = NORMAL` (the default) survives a
 *   killed process; `synchronous: 'full'` also survives a power cut, at one fsync per write.
 * - A process that holds the lock longer than `busyTimeoutMs` (suspended, stuck in a debugger) makes a
 *   waiting write give up with a `STORAGE` error (`details.busy`): a report fails its trial, not the
 *   study. Finishing a trial never fails for that reason: the outcome is kept in this process (its
 *   reads show it) and written by the next write that gets the lock, the next heartbeat, or `close()`.
 * - Interrupted trials (rule 8): each running trial records the host name and pid of its process. On
 *   `openStudy`, and then every `heartbeatMs` for the studies this storage opened or read (so a live
 *   process sharing the file finds a dead peer without reopening, and a reader that only follows a
 *   study, such as `rxtrain dashboard`, sees it fail), a running trial of this host whose pid is
 *   not alive is marked failed `'interrupted'`; with `onStale: 'retry'` its parameters are also queued
 *   again (`attrs.retryOf`, and `attrs.requeuedAs` on the old record), as the PostgreSQL storage does.
 *   No beat is written: on one machine the operating system knows whether a process lives, so there is
 *   no grace period, and a suspended process (alive) keeps its trials.
 *   Trials of other hosts are left alone: a SQLite file is for one machine (WAL does not work over a
 *   network file system). A pid reused by a new process after a crash would hide the crash until that
 *   process ends; it is rare enough that we accept it.
 * - Reads are cached per study and refreshed by the study's change counter, which every write bumps:
 *   reading an unchanged study of 1000 trials is one small query.
 * - The schema is versioned (`PRAGMA user_version`); a file written by a newer schema is refused rather
 *   than misread.
 *
 * Its parts: sqlite-schema.ts (the tables and their migration), sqlite-statements.ts,
 * sqlite-transactions.ts (writes, reads, and the outcomes kept for a busy lock) and sqlite-heartbeat.ts
 * (rule 8).
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
  freezeTrial,
  missingStudy,
  missingTrial,
  storageError,
} from './rules.js';
import { RxtrainError, configError } from '../errors.js';
import { migrate } from './sqlite-schema.js';
import { listColumn, studyFromRow, trialFromRow } from './rows.js';
import { isRunnerAlive, SqliteHeartbeat } from './sqlite-heartbeat.js';
import { prepareStatements, touch } from './sqlite-statements.js';
import { SqliteTransactions } from './sqlite-transactions.js';
import { booleanField, knownFields, nonEmptyString, nonNegativeInt, oneOf, positiveInt, requireObject } from '../validate.js';

export interface SqliteStorageOptions {
  /**
   * How long a write waits for another process's write lock, in ms, retrying with back-off (default
   * 10 000). Past it the write throws a `STORAGE` error with `details.busy` (a report: its trial fails)
   * or, when it finishes a trial, is kept and written later.
   */
  readonly busyTimeoutMs?: number;
  /** `normal` (default) survives a killed process; `full` also a power cut. */
  readonly synchronous?: 'normal' | 'full';
  /** Open an existing file only (default false: create it). */
  readonly mustExist?: boolean;
  /** Whether the process `pid` on `host` still runs (for rule 8). Default: `kill(pid, 0)` on this host. */
  readonly isRunnerAlive?: (host: string, pid: number) => boolean;
  /** How often this storage looks for dead processes' trials in the studies it opened, ms (default 5 000). */
  readonly heartbeatMs?: number;
  /** What happens to a dead process's trial: `'fail'` it (default), or fail it and queue its parameters again (`'retry'`). */
  readonly onStale?: 'fail' | 'retry';
}

const KIND = 'sqlite';
const WHERE = 'sqliteStorage()';

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
  knownFields(WHERE, opts, ['busyTimeoutMs', 'synchronous', 'mustExist', 'isRunnerAlive', 'heartbeatMs', 'onStale']);
  const busyTimeoutMs = opts.busyTimeoutMs === undefined ? 10_000 : nonNegativeInt(WHERE, 'busyTimeoutMs', opts.busyTimeoutMs);
  const synchronous = opts.synchronous === undefined ? 'normal' : oneOf(WHERE, 'synchronous', opts.synchronous, ['normal', 'full'] as const);
  const mustExist = opts.mustExist === undefined ? false : booleanField(WHERE, 'mustExist', opts.mustExist);
  if (opts.isRunnerAlive !== undefined && typeof opts.isRunnerAlive !== 'function') {
    throw configError(WHERE, 'isRunnerAlive', 'must be a function', opts.isRunnerAlive);
  }
  const isAlive = (options.isRunnerAlive ?? isRunnerAlive) as (host: string, pid: number) => boolean;
  const heartbeatMs = opts.heartbeatMs === undefined ? 5_000 : positiveInt(WHERE, 'heartbeatMs', opts.heartbeatMs);
  const onStale = opts.onStale === undefined ? 'fail' : oneOf(WHERE, 'onStale', opts.onStale, ['fail', 'retry'] as const);

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

  const q = prepareStatements(db);

  // Study ids by name: a study is never renamed or deleted, so this cache cannot go stale.
  const ids = new Map<string, number>();
  // The records of each study as last read, and the study's version then. Every write bumps the
  // study's version and stamps the trial it changed with it (`seq`), in the same transaction, so a read
  // fetches only the trials changed since: reading a study of 1000 trials costs one query when nothing
  // changed, not 1000 records and their steps.
  const cache = new Map<number, { version: number; trials: FrozenTrial[] }>();
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
  const tx = new SqliteTransactions(db, q, path, busyTimeoutMs);

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
  const heartbeat = new SqliteHeartbeat(db, q, tx, { isAlive, onStale, heartbeatMs, busyTimeoutMs }, loadTrial);
  // A study read is looked after too, as one opened: a reader that only follows it (`rxtrain
  // dashboard`) sees a dead runner's trial fail instead of running forever.
  const read = (name: string): number => {
    const id = studyId(name);
    heartbeat.follow(id, name);
    return id;
  };

  return {
    kind: KIND,

    openStudy(spec: StudySpec, now: number): OpenedStudy {
      const name = checkStudyName(KIND, spec.name);
      return tx.write(() => {
        let row = q.studyByName.get(name);
        if (!row) {
          q.insertStudy.run(name, spec.direction, spec.metric ?? null, now, listColumn(spec.directions), listColumn(spec.metrics));
          row = q.studyByName.get(name)!;
        }
        const study = studyFromRow(row);
        checkSameStudy(KIND, study, spec);
        ids.set(name, row.id);
        heartbeat.follow(row.id, name);
        return { study, interrupted: heartbeat.interruptDead(row.id, name, now, q.running.all(row.id)) };
      });
    },

    listStudies(): readonly StudyRecord[] {
      return tx.guard(() => q.studies.all().map(studyFromRow));
    },

    createTrial(name: string, init: NewTrial): FrozenTrial {
      if (init.state !== 'waiting' && init.state !== 'running') {
        throw storageError(`sqlite storage: a trial is created waiting or running, not ${String(init.state)}`);
      }
      const attrs = init.attrs ? JSON.stringify(checkAttrs(KIND, init.attrs)) : null;
      const params = JSON.stringify(init.params ?? {});
      return tx.write(() => {
        const id = studyId(name);
        const n = q.nextNumber.get(id)!.next;
        const running = init.state === 'running';
        q.insertTrial.run(id, n, init.state, params, running ? init.now : null, attrs, running ? host : null, running ? pid : null);
        touch(q, id, n);
        return loadTrial(id, name, n);
      });
    },

    claimWaitingTrial(name: string, now: number): FrozenTrial | undefined {
      return tx.write(() => {
        const id = studyId(name);
        const row = q.firstWaiting.get(id);
        if (!row) return undefined;
        q.start.run(now, host, pid, id, row.number);
        touch(q, id, row.number);
        return loadTrial(id, name, row.number);
      });
    },

    setTrialParams(name: string, n: number, params: Params): FrozenTrial {
      const json = JSON.stringify(params);
      return tx.write(() => {
        const id = studyId(name);
        checkParamsUnset(KIND, name, loadTrial(id, name, n));
        q.setParams.run(json, id, n);
        touch(q, id, n);
        return loadTrial(id, name, n);
      });
    },

    reportIntermediate(name: string, n: number, step: number, value: number, _metrics?: Readonly<Record<string, number>>, now?: number): FrozenTrial {
      return tx.write(() => {
        const id = studyId(name);
        const row = Number.isInteger(n) ? q.trial.get(id, n) : undefined;
        if (!row) throw missingTrial(KIND, name, n);
        checkRunning(KIND, name, n, tx.kept(id, n)?.state ?? row.state, 'report to');
        const existing = Number.isInteger(step) ? q.step.get(id, n, step)?.value : undefined;
        if (checkReport(KIND, name, n, step, value, existing, now)) {
          q.insertStep.run(id, n, step, value, now ?? null);
          touch(q, id, n);
        }
        return trialFromRow(row, q.steps.all(id, n));
      });
    },

    finishTrial(name: string, n: number, outcome: TrialOutcome): FrozenTrial {
      try {
        return tx.write(() => {
          const id = studyId(name);
          const f = finishFields(KIND, name, loadTrial(id, name, n), outcome);
          q.finish.run(f.state, f.value ?? null, f.error ?? null, f.finishedAt, listColumn(f.values), listColumn(f.constraints), id, n);
          touch(q, id, n);
          return loadTrial(id, name, n);
        });
      } catch (err) {
        if (!(err instanceof RxtrainError && err.details.busy === true)) throw err;
        // The lock is held elsewhere: keep the outcome (checked now, on what this process reads) and
        // write it with the next write, so that ending a trial never fails for a busy database.
        const id = studyId(name);
        const trial = tx.guard(() => tx.withPending(id, loadTrial(id, name, n))!);
        const record = freezeTrial({ ...trial, ...finishFields(KIND, name, trial, outcome) });
        tx.keep(id, n, record);
        return record;
      }
    },

    setTrialAttrs(name: string, n: number, attrs: Readonly<Record<string, unknown>>): FrozenTrial {
      const add = checkAttrs(KIND, attrs);
      return tx.write(() => {
        const id = studyId(name);
        const trial = loadTrial(id, name, n);
        q.setAttrs.run(JSON.stringify({ ...trial.attrs, ...add }), id, n);
        touch(q, id, n);
        return loadTrial(id, name, n);
      });
    },

    getTrial(name: string, n: number): FrozenTrial | undefined {
      return tx.read(() => {
        const id = read(name);
        return Number.isInteger(n) ? tx.withPending(id, refresh(id)[n]) : undefined;
      });
    },

    getTrials(name: string, states?: readonly TrialState[]): readonly FrozenTrial[] {
      return tx.read(() => {
        const id = read(name);
        const trials = tx.pendingCount === 0 ? refresh(id) : refresh(id).map((t) => tx.withPending(id, t)!);
        return states ? trials.filter((t) => states.includes(t.state)) : [...trials];
      });
    },

    close(): void {
      if (tx.closed) return;
      heartbeat.stop();
      try {
        // Last chance for outcomes still waiting for the lock (waits up to busyTimeoutMs). If it is
        // still held, the trials stay running under this pid: interrupted once this process is gone.
        if (tx.pendingCount > 0) tx.write(() => undefined);
      } catch {
        // see above
      } finally {
        tx.closed = true;
        db.close();
      }
    },
  };
}
