/**
 * The SQLite storage's transactions on its open file: a write is one `BEGIN IMMEDIATE` transaction,
 * which takes the write lock *before* reading (a deferred transaction that reads and then writes cannot
 * wait for the lock in WAL mode: SQLite returns "database is locked" at once); a read is one deferred
 * transaction, consistent over its statements; SQLite's errors are said as `STORAGE` errors, a lock
 * held past `busyTimeoutMs` with `details.busy`.
 *
 * Trial outcomes that could not be written because the lock was held elsewhere are kept here: reads
 * show them, and the next write carries them. (Split from sqlite-storage.ts.)
 */
import Database from 'better-sqlite3';
import type { FrozenTrial } from '../search/types.js';
import { listColumn } from './rows.js';
import { storageError } from './rules.js';
import { touch, type SqliteStatements } from './sqlite-statements.js';

export class SqliteTransactions {
  /** Set by `close`: every transaction after it throws. */
  closed = false;
  // Trial outcomes this process could not write (the lock was held past busyTimeoutMs), by
  // `${study id}:${number}`, with the record they make. Reads show them; every write carries them.
  private readonly pending = new Map<string, { id: number; n: number; record: FrozenTrial }>();

  constructor(
    private readonly db: Database.Database,
    private readonly q: SqliteStatements,
    private readonly path: string,
    private readonly busyTimeoutMs: number,
  ) {}

  /** Run `fn` on the open file, its SQLite errors said as `STORAGE` errors. */
  guard<T>(fn: () => T): T {
    if (this.closed) throw storageError('sqlite storage: it was closed', { path: this.path });
    try {
      return fn();
    } catch (err) {
      if (err instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(err.code)) {
        throw storageError(
          `sqlite storage (${this.path}): another connection held the write lock for more than ${this.busyTimeoutMs} ms (busyTimeoutMs), so this write gave up (${err.message})`,
          { path: this.path, sqliteCode: err.code, busy: true, busyTimeoutMs: this.busyTimeoutMs },
          err,
        );
      }
      if (err instanceof Database.SqliteError) {
        throw storageError(`sqlite storage (${this.path}): ${err.message}`, { path: this.path, sqliteCode: err.code }, err);
      }
      throw err;
    }
  }

  /** A write: BEGIN IMMEDIATE, so the lock is taken before anything is read. Pending outcomes go first. */
  write<T>(fn: () => T): T {
    return this.guard(() => {
      let written: string[] = [];
      const result = this.db.transaction(() => {
        written = this.writePending();
        return fn();
      }).immediate();
      for (const key of written) this.pending.delete(key);
      return result;
    });
  }

  /** A consistent read of several statements. */
  read<T>(fn: () => T): T {
    return this.guard(() => this.db.transaction(fn).deferred());
  }

  /** Outcomes kept, not written yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Keep `record`, trial `n`'s outcome, for the next write. */
  keep(id: number, n: number, record: FrozenTrial): void {
    this.pending.set(`${id}:${n}`, { id, n, record });
  }

  /** The outcome kept for trial `n`, if any. */
  kept(id: number, n: number): FrozenTrial | undefined {
    return this.pending.get(`${id}:${n}`)?.record;
  }

  /** A trial as this process sees it: with the outcome it keeps, if it still runs in the file. */
  withPending(id: number, trial: FrozenTrial | undefined): FrozenTrial | undefined {
    const p = trial && this.pending.get(`${id}:${trial.number}`);
    return p && trial.state === 'running' ? p.record : trial;
  }

  /** Write the pending outcomes (inside a write); returns the keys written or dropped. */
  private writePending(): string[] {
    const done = [...this.pending.keys()];
    for (const { id, n, record } of this.pending.values()) {
      // Only a running trial takes it (no one else ends a live process's trial; a file swapped under us might).
      if (this.q.trial.get(id, n)?.state !== 'running') continue;
      this.q.finish.run(record.state, record.value ?? null, record.error ?? null, record.finishedAt ?? null, listColumn(record.values), listColumn(record.constraints), id, n);
      touch(this.q, id, n);
    }
    return done;
  }
}
