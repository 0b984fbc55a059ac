/**
 * The SQLite storage's statements, prepared once per open file, and the change stamp every write
 * makes. (Split from sqlite-storage.ts; the tables are in sqlite-schema.ts.)
 */
import type Database from 'better-sqlite3';
import type { StudyRow, TrialRow } from './rows.js';

/** A trial's row: the shared columns, and the process that runs it (for rule 8). */
export interface SqliteTrialRow extends TrialRow {
  host: string | null;
  pid: number | null;
}

export interface StepRow {
  number: number;
  step: number;
  value: number;
  /** When it was reported (ms); NULL in rows of schema 2 and before. */
  at: number | null;
}

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;
type Runner = { number: number; host: string; pid: number };

/** The prepared statements of one open file. */
export interface SqliteStatements {
  readonly studyByName: Statement<[string], StudyRow>;
  readonly studies: Statement<[], StudyRow>;
  readonly insertStudy: Statement<unknown[]>;
  readonly trial: Statement<[number, number], SqliteTrialRow>;
  /** A study's trials stamped after a version. */
  readonly changedSince: Statement<[number, number], SqliteTrialRow>;
  readonly version: Statement<[number], { version: number }>;
  readonly bump: Statement<[number], { version: number }>;
  readonly setSeq: Statement<unknown[]>;
  readonly running: Statement<[number], SqliteTrialRow>;
  readonly firstWaiting: Statement<[number], SqliteTrialRow>;
  readonly nextNumber: Statement<[number], { next: number }>;
  readonly insertTrial: Statement<unknown[]>;
  readonly start: Statement<unknown[]>;
  readonly setParams: Statement<unknown[]>;
  readonly setAttrs: Statement<unknown[]>;
  readonly finish: Statement<unknown[]>;
  /** The running trials of a study that record their process. */
  readonly runners: Statement<[number], Runner>;
  readonly steps: Statement<[number, number], StepRow>;
  readonly step: Statement<[number, number, number], StepRow>;
  readonly insertStep: Statement<unknown[]>;
}

export function prepareStatements(db: Database.Database): SqliteStatements {
  return {
    studyByName: db.prepare<[string], StudyRow>('SELECT * FROM studies WHERE name = ?'),
    studies: db.prepare<[], StudyRow>('SELECT * FROM studies ORDER BY id'),
    insertStudy: db.prepare('INSERT INTO studies (name, direction, metric, created_at, directions, metrics) VALUES (?, ?, ?, ?, ?, ?)'),
    trial: db.prepare<[number, number], SqliteTrialRow>('SELECT * FROM trials WHERE study_id = ? AND number = ?'),
    changedSince: db.prepare<[number, number], SqliteTrialRow>('SELECT * FROM trials WHERE study_id = ? AND seq > ? ORDER BY number'),
    version: db.prepare<[number], { version: number }>('SELECT version FROM studies WHERE id = ?'),
    bump: db.prepare<[number], { version: number }>('UPDATE studies SET version = version + 1 WHERE id = ? RETURNING version'),
    setSeq: db.prepare('UPDATE trials SET seq = ? WHERE study_id = ? AND number = ?'),
    running: db.prepare<[number], SqliteTrialRow>("SELECT * FROM trials WHERE study_id = ? AND state = 'running' ORDER BY number"),
    firstWaiting: db.prepare<[number], SqliteTrialRow>("SELECT * FROM trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1"),
    nextNumber: db.prepare<[number], { next: number }>('SELECT coalesce(max(number), -1) + 1 AS next FROM trials WHERE study_id = ?'),
    insertTrial: db.prepare(
      'INSERT INTO trials (study_id, number, state, params, started_at, attrs, host, pid, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)',
    ),
    start: db.prepare("UPDATE trials SET state = 'running', started_at = ?, host = ?, pid = ? WHERE study_id = ? AND number = ?"),
    setParams: db.prepare('UPDATE trials SET params = ? WHERE study_id = ? AND number = ?'),
    setAttrs: db.prepare('UPDATE trials SET attrs = ? WHERE study_id = ? AND number = ?'),
    finish: db.prepare('UPDATE trials SET state = ?, value = ?, error = ?, finished_at = ?, value_list = ?, constraints = ? WHERE study_id = ? AND number = ?'),
    runners: db.prepare<[number], Runner>(
      "SELECT number, host, pid FROM trials WHERE study_id = ? AND state = 'running' AND pid IS NOT NULL ORDER BY number",
    ),
    steps: db.prepare<[number, number], StepRow>('SELECT number, step, value, at FROM intermediate WHERE study_id = ? AND number = ? ORDER BY step'),
    step: db.prepare<[number, number, number], StepRow>('SELECT number, step, value, at FROM intermediate WHERE study_id = ? AND number = ? AND step = ?'),
    insertStep: db.prepare('INSERT INTO intermediate (study_id, number, step, value, at) VALUES (?, ?, ?, ?, ?)'),
  };
}

/**
 * Stamp trial `n` as changed: bump its study's version and give the trial that version (`seq`), in the
 * write's transaction, so that a read fetches only the trials changed since it last read.
 */
export function touch(q: SqliteStatements, id: number, n: number): void {
  q.setSeq.run(q.bump.get(id)!.version, id, n);
}
