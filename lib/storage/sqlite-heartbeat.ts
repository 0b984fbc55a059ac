/**
 * The SQLite storage's rule 8: each running trial records the host name and pid of its process, and a
 * running trial of this host whose pid is not alive is failed `'interrupted'` (with onStale 'retry'
 * its parameters are also queued again). That is checked when a study is opened, and then every
 * `heartbeatMs` for the studies this storage opened or read, so that a live process sharing the file finds a
 * dead peer without reopening. No beat is written: on one machine the operating system knows whether a
 * process lives. (Split from sqlite-storage.ts.)
 */
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import type { FrozenTrial } from '../search/types.js';
import { touch, type SqliteStatements } from './sqlite-statements.js';
import type { SqliteTransactions } from './sqlite-transactions.js';

/** Whether the process `pid` on `host` still runs: `kill(pid, 0)` on this host; a process elsewhere is taken as alive. */
export function isRunnerAlive(host: string, pid: number): boolean {
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

export interface SqliteHeartbeatConfig {
  readonly isAlive: (host: string, pid: number) => boolean;
  readonly onStale: 'fail' | 'retry';
  readonly heartbeatMs: number;
  readonly busyTimeoutMs: number;
}

export class SqliteHeartbeat {
  // The studies this storage opened or read, by id: its heartbeat looks after them.
  private readonly opened = new Map<number, string>();
  private readonly timer: NodeJS.Timeout;

  /** @param load reads trial `n` of a study (inside the write) */
  constructor(
    private readonly db: Database.Database,
    private readonly q: SqliteStatements,
    private readonly tx: SqliteTransactions,
    private readonly config: SqliteHeartbeatConfig,
    private readonly load: (id: number, name: string, n: number) => FrozenTrial,
  ) {
    this.timer = setInterval(() => this.beat(), config.heartbeatMs);
    this.timer.unref();
  }

  /** Look after study `name` (id `id`) from now on (it was opened or read). */
  follow(id: number, name: string): void {
    this.opened.set(id, name);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Fail (and with onStale 'retry', queue again) the trials among `runners` whose process is gone. Inside a write. */
  interruptDead(id: number, name: string, now: number, runners: ReadonlyArray<{ number: number; host: string | null; pid: number | null }>): FrozenTrial[] {
    const q = this.q;
    const interrupted: FrozenTrial[] = [];
    for (const t of runners) {
      if (t.host === null || t.pid === null || this.config.isAlive(t.host, t.pid)) continue;
      // Inside the write: is it still running (a peer's heartbeat may have been first)?
      const row = q.trial.get(id, t.number);
      if (row?.state !== 'running') continue;
      q.finish.run('failed', null, 'interrupted', now, null, null, id, t.number);
      if (this.config.onStale === 'retry') {
        const old = row.attrs === null ? {} : (JSON.parse(row.attrs) as Record<string, unknown>);
        const retry = q.nextNumber.get(id)!.next;
        q.insertTrial.run(id, retry, 'waiting', row.params, null, JSON.stringify({ ...old, retryOf: t.number }), null, null);
        touch(q, id, retry);
        q.setAttrs.run(JSON.stringify({ ...old, requeuedAs: retry }), id, t.number);
      }
      touch(q, id, t.number);
      interrupted.push(this.load(id, name, t.number));
    }
    return interrupted;
  }

  /**
   * The heartbeat: interrupt dead peers' trials, write pending outcomes. Reads first (never blocked in
   * WAL), and a write only when there is something to write, without waiting for the lock (next beat).
   */
  private beat(): void {
    if (this.tx.closed) return;
    try {
      const dead = [...this.opened].map(([id, name]) => ({ id, name, runners: this.q.runners.all(id).filter((r) => !this.config.isAlive(r.host, r.pid)) }));
      if (this.tx.pendingCount === 0 && dead.every((d) => d.runners.length === 0)) return;
      this.db.pragma('busy_timeout = 0');
      try {
        this.tx.write(() => dead.forEach((d) => this.interruptDead(d.id, d.name, Date.now(), d.runners)));
      } finally {
        this.db.pragma(`busy_timeout = ${this.config.busyTimeoutMs}`);
      }
    } catch {
      // Busy, or the file went away: the next beat tries again.
    }
  }
}
