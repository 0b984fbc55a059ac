/**
 * The hub's WebSocket clients, and the bounds on what each one sends. (Split from hub.ts.)
 *
 * What a client sends is bounded, since every message it sends is answered (`ack`, `error`, `hello`):
 * a reply that finds the client's socket backed up waits in this process until the client reads, so a
 * client with more than {@link MAX_UNREAD_REPLIES} such replies (it sends and does not read) is dropped
 * as a slow consumer; and a client refused more than {@link REFUSAL_BURST} times in a burst (about once
 * a second after that) is closed with {@link CLOSE_POLICY}. Either way the server stops reading it at
 * once. A publisher (it sends events, unanswered) may publish {@link PUBLISH_BURST} events in a burst
 * and {@link PUBLISH_PER_SECOND} a second after that; beyond, it is closed with {@link CLOSE_POLICY}.
 */
import type { WebSocket } from 'ws';
import type { Clock } from '../clock.js';
import { CLOSE_POLICY, CLOSE_SLOW_CONSUMER, type RefusalCode, type ServerMessage } from './protocol.js';

/**
 * Replies that may wait behind a backed-up socket before the client is dropped. A client that reads
 * has none waiting however fast it sends (its socket takes each reply at once); about 100 B to 1 KB each.
 */
export const MAX_UNREAD_REPLIES = 64;
/** Refusals a client may get in a burst; after that about {@link REFUSALS_PER_SECOND}. */
export const REFUSAL_BURST = 20;
const REFUSALS_PER_SECOND = 1;
/**
 * Events a publisher may send in a burst, then per second: a page's training (a step event per batch,
 * an epoch's end, a study's trials) stays far below; a loop that floods the monitor does not.
 */
export const PUBLISH_BURST = 10_000;
export const PUBLISH_PER_SECOND = 2_000;

export interface HubClient {
  readonly ws: WebSocket;
  /** It may give commands (it gave the token). */
  control: boolean;
  /** It publishes events (it connected with the publish token); it is sent none. */
  readonly publish: boolean;
  /** Events it may still publish before it is closed, and when that was last counted (clock ms). */
  publishAllowance: number;
  publishAt: number;
  /** It is sent records (it was let in, and has not gone). */
  live: boolean;
  /** Cut off by the server: what it still sends is not read. */
  gone: boolean;
  /** Replies handed to its socket while it was backed up, not yet taken by the operating system. */
  unread: number;
  /** Refusals it may still get before it is closed, and when that was last counted (clock ms). */
  allowance: number;
  allowanceAt: number;
  /** The seq of the next record to send it. */
  cursor: number;
  /**
   * The log's character count when it went live: the history it was given is let in beyond the
   * bound, so a late client is not dropped for it.
   */
  credit: number;
}

export class ClientSet {
  /** Clients closed by the server. */
  dropped = 0;
  /** Messages refused, and connections that ended in an error. */
  refused = 0;
  /** The most bytes one client's socket has held, over the hub's life. */
  peakBuffered = 0;
  private readonly clients = new Map<WebSocket, HubClient>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.clients.size;
  }

  values(): IterableIterator<HubClient> {
    return this.clients.values();
  }

  /** A client that just connected, not live yet, at `cursor`. */
  add(ws: WebSocket, control: boolean, cursor: number, publish = false): HubClient {
    const now = this.clock.now();
    const c: HubClient = { ws, control, publish, publishAllowance: PUBLISH_BURST, publishAt: now, live: false, gone: false, unread: 0, allowance: REFUSAL_BURST, allowanceAt: now, cursor, credit: 0 };
    this.clients.set(ws, c);
    return c;
  }

  /** `c` closed its connection. */
  forget(c: HubClient): void {
    c.live = false;
    this.clients.delete(c.ws);
  }

  /** Close a client the server will not serve any more, and stop reading it. */
  drop(c: HubClient, code: number, reason: string): void {
    this.dropped++;
    c.live = false;
    c.gone = true;
    this.clients.delete(c.ws);
    c.ws.pause();
    c.ws.close(code, reason.slice(0, 120));
    // A stalled peer never reads the close frame either: cut it off so its socket buffer is freed.
    setTimeout(() => c.ws.terminate(), 1000).unref();
  }

  /** Answer a client's message (or its connecting), within its bound of unread replies. */
  reply(c: HubClient, m: ServerMessage): void {
    const ws = c.ws;
    if (c.gone || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount === 0) {
      ws.send(JSON.stringify(m));
    } else {
      if (c.unread >= MAX_UNREAD_REPLIES) return this.drop(c, CLOSE_SLOW_CONSUMER, `slow consumer: over ${MAX_UNREAD_REPLIES} replies unread`);
      c.unread++;
      ws.send(JSON.stringify(m), () => c.unread--);
    }
    this.sent(c);
  }

  /** Answer with an `error`, within the client's allowance of refusals. */
  refuse(c: HubClient, code: RefusalCode, message: string): void {
    this.refused++;
    const now = this.clock.now();
    const refill = ((now - c.allowanceAt) * REFUSALS_PER_SECOND) / 1000;
    c.allowance = Math.min(REFUSAL_BURST, c.allowance + (Number.isFinite(refill) && refill > 0 ? refill : 0));
    c.allowanceAt = now;
    if (c.allowance < 1) return this.drop(c, CLOSE_POLICY, `too many refused messages (over ${REFUSAL_BURST} in a burst)`);
    c.allowance--;
    this.reply(c, { type: 'error', code, message });
  }

  /** Whether publisher `c` may publish `n` more events now; if not, it is closed. */
  spend(c: HubClient, n: number): boolean {
    const now = this.clock.now();
    const refill = ((now - c.publishAt) * PUBLISH_PER_SECOND) / 1000;
    c.publishAllowance = Math.min(PUBLISH_BURST, c.publishAllowance + (Number.isFinite(refill) && refill > 0 ? refill : 0));
    c.publishAt = now;
    if (c.publishAllowance < n) {
      this.drop(c, CLOSE_POLICY, `publishing too fast (over ${PUBLISH_BURST} events in a burst, ${PUBLISH_PER_SECOND}/s after)`);
      return false;
    }
    c.publishAllowance -= n;
    return true;
  }

  /** Something was handed to `c`'s socket: count what it holds. */
  sent(c: HubClient): void {
    this.peakBuffered = Math.max(this.peakBuffered, c.ws.bufferedAmount);
  }

  clear(): void {
    this.clients.clear();
  }
}
