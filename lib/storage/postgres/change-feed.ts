/**
 * The studies this storage follows (`watch`): their changes, which every write notifies on
 * {@link CHANNEL}, forwarded as `{study, trial}`, and their stale trials failed every `heartbeatMs`, so
 * that followers learn of a dead runner even when nobody claims. Both run on the LISTEN connection,
 * made on the first `listen`, and made again by the stale loop when it was lost. A notification can be
 * missed (sent while the LISTEN connection was being replaced); so every {@link RECHECK_EVERY}
 * heartbeats, and after each new LISTEN connection, each watched study gets a change of trial
 * {@link ANY_TRIAL}: "look at every trial again".
 */
import type { Connections } from './connections.js';
import { CHANNEL } from './schema.js';
import type { StudyTrials } from './study-trials.js';

/** The trial number of a change that means "any trial may have changed": read again. */
export const ANY_TRIAL = -1;

/** Heartbeats between two {@link ANY_TRIAL} changes (5 s at the default 500 ms). */
export const RECHECK_EVERY = 10;

/** A change, as the thread posts it on its event port. */
export interface TrialChange {
  readonly study: string;
  readonly trial: number;
}

export class ChangeFeed {
  private readonly watched = new Set<number>();
  private staleTimer: NodeJS.Timeout | undefined;
  private beats = 0;

  constructor(
    private readonly connections: Connections,
    private readonly trials: StudyTrials,
    private readonly heartbeatMs: number,
    private readonly post: (change: TrialChange) => void,
  ) {}

  /** Start forwarding the changes of study `name`. */
  async listen(name: string): Promise<void> {
    const id = await this.trials.studyId(await this.connections.calls(), name);
    this.watched.add(id);
    if (!this.connections.listener) {
      await this.connectListener();
      this.staleTimer = setTimeout(() => void this.staleLoop(), this.heartbeatMs);
    }
  }

  /** A LISTEN connection whose notifications are forwarded. */
  private async connectListener(): Promise<void> {
    const listener = (this.connections.listener = await this.connections.connect());
    listener.on('notification', (msg) => {
      const [sid, n] = (msg.payload ?? '').split(':').map(Number);
      if (sid === undefined || n === undefined || !this.watched.has(sid)) return;
      const study = this.trials.nameOf(sid);
      if (study !== undefined) this.post({ study, trial: n });
    });
    await listener.query(`LISTEN ${CHANNEL}`);
  }

  unlisten(name: string): void {
    const id = this.trials.knownId(name);
    if (id !== undefined) this.watched.delete(id);
  }

  stop(): void {
    clearTimeout(this.staleTimer);
  }

  /** Tell every watcher to read its trials again: what it was not notified of, it then sees. */
  private recheckAll(): void {
    for (const id of this.watched) {
      const study = this.trials.nameOf(id);
      if (study !== undefined) this.post({ study, trial: ANY_TRIAL });
    }
  }

  /** Fail the stale trials of the studies this storage follows, so followers learn of a dead runner even when nobody claims. */
  private async staleLoop(): Promise<void> {
    const connections = this.connections;
    try {
      // A lost LISTEN connection (a restarted server, a cut) is replaced here, so notifications come
      // again within one heartbeat; what changed meanwhile was not notified (followers that must not
      // miss a change also read on a timer).
      const old = connections.listener;
      let recheck = ++this.beats % RECHECK_EVERY === 0;
      if ((!old || connections.isDead(old)) && !connections.closed) {
        connections.listener = undefined;
        void old?.end().catch(() => {});
        await this.connectListener();
        recheck = true;
      }
      for (const id of this.watched) if (connections.listener && !connections.closed) await this.trials.fail(connections.listener, id, Date.now());
      if (recheck) this.recheckAll();
    } catch {
      // next time
    } finally {
      if (!connections.closed) this.staleTimer = setTimeout(() => void this.staleLoop(), this.heartbeatMs);
    }
  }
}
