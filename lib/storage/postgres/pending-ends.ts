/**
 * Trials whose outcome could not be written (the database was unreachable): written by the next call,
 * or beside the next heartbeat, so that recording a failure never fails for good while this process
 * lives.
 */
import { RxtrainError } from '../../errors.js';
import type { FrozenTrial } from '../../search/types.js';
import type { TrialOutcome } from '../storage.js';

/** Writes one outcome (see `StudyTrials.end`). */
export type EndTrial = (name: string, n: number, outcome: TrialOutcome, requeue: boolean) => Promise<FrozenTrial>;

export class PendingEnds {
  private readonly ends = new Map<string, { name: string; n: number; outcome: TrialOutcome; requeue: boolean }>();
  private flushing: Promise<void> | undefined;

  /**
   * @param end writes an outcome
   * @param exclusive runs a write once the calls' connection is free (see `Connections.exclusive`)
   */
  constructor(
    private readonly end: EndTrial,
    private readonly exclusive: (fn: () => Promise<void>) => Promise<void>,
  ) {}

  get size(): number {
    return this.ends.size;
  }

  /** Keep trial `n`'s outcome, to be written later. */
  keep(name: string, n: number, outcome: TrialOutcome, requeue: boolean): void {
    this.ends.set(`${name}:${n}`, { name, n, outcome, requeue });
  }

  /** Write what is kept, in order, until the database is still unreachable. */
  async writeAll(): Promise<void> {
    for (const [key, p] of [...this.ends]) {
      try {
        await this.end(p.name, p.n, p.outcome, p.requeue);
      } catch (err) {
        if (err instanceof RxtrainError && err.details.transient === true) return; // still unreachable: later
        // Not running any more (a peer failed it as stale meanwhile): nothing left to write.
      }
      this.ends.delete(key);
    }
  }

  /** {@link PendingEnds.writeAll}, once at a time. */
  flush(): Promise<void> {
    return (this.flushing ??= this.writeAll().finally(() => (this.flushing = undefined)));
  }

  /** Try again, beside the heartbeat (never in its way): the write waits for the calls' connection. */
  retry(): void {
    if (this.ends.size > 0 && this.flushing === undefined) void this.exclusive(() => this.flush()).catch(() => {});
  }

  /** Every call first writes what earlier calls could not. */
  first<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      if (this.ends.size > 0) await this.flush();
      return fn(...args);
    };
  }
}
