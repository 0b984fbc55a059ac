/**
 * This storage's heartbeat: its own row of `rxtrain_heartbeats`, written every `heartbeatMs` on its own
 * connection, which nothing else uses, so no call, lock or slow query can hold a beat back. A beat is
 * scheduled only once the last one is done. Peers fail (or re-queue) the running trials of a storage
 * whose last beat is older than `staleAfterMs` (see statements.ts).
 */
import type { Connections } from './connections.js';
import { BEAT } from './statements.js';

export interface HeartbeatConfig {
  /** The heartbeat row's key. */
  readonly owner: string;
  readonly heartbeatMs: number;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param beside run at each beat, beside it (the retry of unwritten outcomes); must not wait
   */
  constructor(
    private readonly config: HeartbeatConfig,
    private readonly connections: Connections,
    private readonly beside: () => void,
  ) {}

  /** Connect, beat once, and go on beating. */
  async start(): Promise<void> {
    this.connections.beat = await this.connections.connect();
    await this.connections.beat.query(BEAT, [this.config.owner]);
    this.timer = setTimeout(() => void this.loop(), this.config.heartbeatMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** Gone: others need not wait staleAfterMs for the trials this storage still runs (none, normally). */
  async remove(): Promise<void> {
    await this.connections.beat?.query('DELETE FROM rxtrain_heartbeats WHERE owner = $1', [this.config.owner]).catch(() => {});
  }

  private async loop(): Promise<void> {
    const connections = this.connections;
    try {
      this.beside();
      if (connections.beat && connections.isDead(connections.beat)) connections.beat = await connections.connect();
      if (connections.beat && !connections.closed) await connections.beat.query(BEAT, [this.config.owner]);
    } catch {
      // Unreachable: the next beat tries again (and others may fail our trials meanwhile, as they should).
    } finally {
      if (!connections.closed) this.timer = setTimeout(() => void this.loop(), this.config.heartbeatMs);
    }
  }
}
