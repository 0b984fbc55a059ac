/**
 * The monitor's fan-out: one log of serialised records, a cursor into it per client, and the rules for
 * what a client may send. `publish` never waits and never throws: it counts the event, stamps it with
 * its time, sets it aside and schedules a flush; its cost does not depend on the clients. The flush
 * first serialises what was set aside into the log (each record once, in publish order), then sends
 * each client what lies past its cursor, many records to a frame.
 *
 * Serialising in batches rather than in `publish` keeps the producer's share small: between two events
 * a training step runs and evicts the serialiser's code and data from the caches, so an event
 * serialised on its own costs several times what it costs in a batch (benchmarks.md, Monitor). Events
 * are plain data that nobody changes once emitted (their types are readonly), so serialising them up
 * to `flushMs` later sends what was published.
 *
 * A client that falls more than `maxClientQueue` characters behind (it reads more slowly than events
 * come) is closed with {@link CLOSE_SLOW_CONSUMER} and forgotten at the next flush; it may reconnect
 * and pick up from the history.
 *
 * What a client sends is bounded too, since every message it sends is answered (`ack`, `error`,
 * `hello`): a reply that finds the client's socket backed up waits in this process until the client
 * reads, so a client with more than {@link MAX_UNREAD_REPLIES} such replies (it sends and does not
 * read) is dropped as a slow consumer; and a client refused more than {@link REFUSAL_BURST} times in a
 * burst (about once a second after that) is closed with {@link CLOSE_POLICY}. Either way the server
 * stops reading it at once.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Subject } from 'rxjs';
import type { WebSocket } from 'ws';
import type { Clock } from '../clock.js';
import { RecordLog } from './record-log.js';
import { CLOSE_POLICY, CLOSE_SHUTDOWN, CLOSE_SLOW_CONSUMER, MONITOR_PROTOCOL, parseClientMessage, type MonitorCommand, type RefusalCode, type ServerMessage } from './protocol.js';
import { queryParam, sameToken } from './security.js';

export interface HubOptions {
  readonly token: string | undefined;
  /** Reading events needs the token (the server is not on loopback). */
  readonly readNeedsToken: boolean;
  readonly history: number;
  readonly maxClientQueue: number;
  readonly clock: Clock;
  /** Records are sent at most this often (ms), many to a frame: sends cost per frame, not per record. */
  readonly flushMs: number;
  /** Why a valid command cannot be obeyed (it names no live run), or undefined to accept it. */
  readonly check?: (command: MonitorCommand) => { readonly code: RefusalCode; readonly message: string } | undefined;
}

/** Counters, for tests and benchmarks. */
export interface MonitorStats {
  readonly clients: number;
  readonly published: number;
  readonly dropped: number;
  /** Messages read from clients. */
  readonly received: number;
  readonly refused: number;
  readonly historySize: number;
  /** Characters queued over all clients right now. */
  readonly queued: number;
  /** Bytes handed to clients' sockets that the operating system has not taken yet, over all clients. */
  readonly buffered: number;
  /** The most such bytes one client's socket has held, over the monitor's life. */
  readonly peakBuffered: number;
}

interface Client {
  readonly ws: WebSocket;
  control: boolean;
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

/** Socket bytes in flight a client may have before we stop handing it more (the rest waits in the log). */
const HIGH_WATER = 256 * 1024;
/** Characters per `events` frame. */
const FRAME_CHARS = 64 * 1024;
const RETRY_MS = 15;
/** Characters serialised since the last flush that make the next flush immediate rather than timed. */
const BURST = 2 * FRAME_CHARS;
/**
 * Events set aside before `publish` serialises them itself, in one batch: enough that serialising is
 * done warm, few enough that a burst is noticed (by its characters) before it outgrows the clients' bound.
 */
const CHUNK = 256;
/**
 * Replies that may wait behind a backed-up socket before the client is dropped. A client that reads
 * has none waiting however fast it sends (its socket takes each reply at once); about 100 B to 1 KB each.
 */
export const MAX_UNREAD_REPLIES = 64;
/** Refusals a client may get in a burst; after that about {@link REFUSALS_PER_SECOND}. */
export const REFUSAL_BURST = 20;
const REFUSALS_PER_SECOND = 1;

export function createHub(o: HubOptions) {
  const instance = randomBytes(6).toString('hex');
  const log = new RecordLog();
  const clients = new Map<WebSocket, Client>();
  const commands = new Subject<MonitorCommand>();
  let seq = 0;
  let dropped = 0;
  let received = 0;
  let refused = 0;
  let peakBuffered = 0;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushSoon: ReturnType<typeof setImmediate> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  // Events published since the last flush, not serialised yet: run, time, event, in turn (one flat
  // array: no object per event).
  let pending: unknown[] = [];
  /** Characters serialised into the log since the last flush. */
  let fresh = 0;
  // The run id's JSON, for the run of the last record (consecutive records mostly share it).
  let lastRun = '';
  let lastRunJson = '""';

  /** Close a client the server will not serve any more, and stop reading it. */
  const drop = (c: Client, code: number, reason: string): void => {
    dropped++;
    c.live = false;
    c.gone = true;
    clients.delete(c.ws);
    c.ws.pause();
    c.ws.close(code, reason.slice(0, 120));
    // A stalled peer never reads the close frame either: cut it off so its socket buffer is freed.
    setTimeout(() => c.ws.terminate(), 1000).unref();
  };

  /** Answer a client's message (or its connecting), within its bound of unread replies. */
  const reply = (c: Client, m: ServerMessage): void => {
    const ws = c.ws;
    if (c.gone || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount === 0) {
      ws.send(JSON.stringify(m));
    } else {
      if (c.unread >= MAX_UNREAD_REPLIES) return drop(c, CLOSE_SLOW_CONSUMER, `slow consumer: over ${MAX_UNREAD_REPLIES} replies unread`);
      c.unread++;
      ws.send(JSON.stringify(m), () => c.unread--);
    }
    peakBuffered = Math.max(peakBuffered, ws.bufferedAmount);
  };

  const refuse = (c: Client, code: RefusalCode, message: string): void => {
    refused++;
    const now = o.clock.now();
    const refill = ((now - c.allowanceAt) * REFUSALS_PER_SECOND) / 1000;
    c.allowance = Math.min(REFUSAL_BURST, c.allowance + (Number.isFinite(refill) && refill > 0 ? refill : 0));
    c.allowanceAt = now;
    if (c.allowance < 1) return drop(c, CLOSE_POLICY, `too many refused messages (over ${REFUSAL_BURST} in a burst)`);
    c.allowance--;
    reply(c, { type: 'error', code, message });
  };

  /** Serialise what was published since the last flush into the log, in order. */
  const absorb = (): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; i += 3) {
      const run = batch[i] as string;
      const time = batch[i + 1] as number;
      const event = batch[i + 2] as { readonly type: string };
      if (run !== lastRun) {
        lastRun = run;
        lastRunJson = JSON.stringify(run);
      }
      // The record's envelope is written by hand around the event's JSON: one stringify of the event,
      // no envelope object. A non-finite time would not be JSON: it goes as null, as stringify writes it.
      let body: string | undefined;
      try {
        body = JSON.stringify(event);
      } catch (err) {
        // A cyclic or BigInt-carrying event must not break training: send what can be said about it.
        body = JSON.stringify({ type: String(event.type), unserializable: String((err as Error).message) });
      }
      body ??= JSON.stringify({ type: String(event.type), unserializable: 'not representable in JSON' });
      const s = log.nextSeq;
      const json = `{"seq":${s},"run":${lastRunJson},"time":${Number.isFinite(time) ? time : 'null'},"event":${body}}`;
      log.push(s, json);
      fresh += json.length;
    }
    if (clients.size === 0 && log.size > o.history) log.trim(log.nextSeq - o.history);
  };

  /** Characters a client is behind, not counting the history it was given on connecting. */
  const owed = (c: Client): number => log.chars - Math.max(log.charsBefore(c.cursor), c.credit);

  /** Forget records no client needs and the history does not keep. */
  const trim = (): void => {
    let keep = log.nextSeq - o.history;
    for (const c of clients.values()) if (c.live && c.cursor < keep) keep = c.cursor;
    log.trim(keep);
  };

  const flush = (): void => {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    if (flushSoon !== undefined) clearImmediate(flushSoon);
    flushTimer = undefined;
    flushSoon = undefined;
    absorb();
    fresh = 0;
    let blocked = false;
    const end = log.nextSeq;
    // Clients that keep up are at the same cursor: build and encode each frame once, by its first seq,
    // and send the same bytes to each of them.
    const frames = new Map<number, { readonly bytes: Buffer; readonly next: number }>();
    for (const c of clients.values()) {
      if (!c.live) continue;
      if (owed(c) > o.maxClientQueue) {
        drop(c, CLOSE_SLOW_CONSUMER, `slow consumer: over ${o.maxClientQueue} bytes queued`);
        continue;
      }
      while (c.cursor < end && c.ws.readyState === c.ws.OPEN) {
        if (c.ws.bufferedAmount > HIGH_WATER) {
          blocked = true;
          break;
        }
        let frame = frames.get(c.cursor);
        if (!frame) {
          const records = log.take(c.cursor, FRAME_CHARS);
          frame = { bytes: Buffer.from(`{"type":"events","records":[${records.join(',')}]}`), next: c.cursor + records.length };
          frames.set(c.cursor, frame);
        }
        c.ws.send(frame.bytes, { binary: false });
        c.cursor = frame.next;
        peakBuffered = Math.max(peakBuffered, c.ws.bufferedAmount);
      }
    }
    trim();
    if (blocked && retry === undefined && !closed) {
      retry = setTimeout(() => {
        retry = undefined;
        flush();
      }, RETRY_MS);
      retry.unref();
    }
  };

  /** On the timer, or at the next turn of the event loop when much is waiting (a burst). */
  const scheduleFlush = (soon: boolean): void => {
    if (closed) return;
    if (soon) flushSoon ??= setImmediate(flush);
    else flushTimer ??= setTimeout(flush, o.flushMs);
  };

  const start = (c: Client, since: number): void => {
    absorb();
    const from = Math.max(since + 1, log.nextSeq - o.history, log.oldestSeq);
    reply(c, { type: 'hello', protocol: MONITOR_PROTOCOL, instance, control: c.control, controlAvailable: o.token !== undefined, history: log.nextSeq - from });
    c.cursor = from;
    c.credit = log.chars;
    c.live = true;
    scheduleFlush(true);
  };

  return {
    instance,
    commands,

    publish<E extends { readonly type: string }>(run: string, event: E): void {
      if (closed) return;
      // Its seq is given when it enters the log: records enter in publish order, one apart, from 1.
      seq++;
      pending.push(run, o.clock.now(), event);
      if (pending.length >= 3 * CHUNK) absorb();
      scheduleFlush(fresh > BURST);
    },

    attach(ws: WebSocket, req: IncomingMessage): void {
      const given = queryParam(req, 'token');
      const tokenOk = o.token !== undefined && given !== undefined && sameToken(given, o.token);
      const c: Client = { ws, control: tokenOk, live: false, gone: false, unread: 0, allowance: REFUSAL_BURST, allowanceAt: o.clock.now(), cursor: log.nextSeq, credit: 0 };
      clients.set(ws, c);
      const sinceParam = queryParam(req, 'since');
      const since = queryParam(req, 'instance') === instance && sinceParam !== undefined && /^\d+$/.test(sinceParam) ? Number(sinceParam) : 0;
      ws.on('message', (data, isBinary) => {
        received++;
        if (c.gone) return;
        if (isBinary) return refuse(c, 'BAD_MESSAGE', 'binary frames are not accepted; send JSON text');
        const parsed = parseClientMessage(data.toString());
        if (!parsed.ok) return refuse(c, parsed.code, parsed.message);
        const m = parsed.message;
        if (m.type === 'auth') {
          if (o.token === undefined) return refuse(c, 'UNAUTHORIZED', 'this monitor was started without a token: it accepts no commands');
          if (!sameToken(m.token, o.token)) return refuse(c, 'BAD_TOKEN', 'wrong token');
          c.control = true;
          if (c.live) reply(c, { type: 'hello', protocol: MONITOR_PROTOCOL, instance, control: true, controlAvailable: true, history: 0 });
          else start(c, since);
          return;
        }
        if (!c.control) {
          return refuse(c, 'UNAUTHORIZED', o.token === undefined ? 'this monitor was started without a token: it accepts no commands' : `'${m.type}' needs the monitor's token (send {type:'auth', token} first, or connect with ?token=)`);
        }
        const why = o.check?.(m);
        if (why) return refuse(c, why.code, why.message);
        reply(c, { type: 'ack', command: m });
        commands.next(m);
      });
      ws.on('close', () => {
        c.live = false;
        clients.delete(ws);
      });
      ws.on('error', () => {
        // Oversized frames end here (ws closes them with 1009); the connection is gone, others go on.
        refused++;
      });
      if (!o.readNeedsToken || tokenOk) start(c, since);
    },

    stats(): MonitorStats {
      absorb();
      let queued = 0;
      let buffered = 0;
      for (const c of clients.values()) {
        if (c.live) queued += log.chars - log.charsBefore(c.cursor);
        buffered += c.ws.bufferedAmount;
      }
      return { clients: clients.size, published: seq, dropped, received, refused, historySize: Math.min(log.size, o.history), queued, buffered, peakBuffered };
    },

    close(): void {
      // Hand over what is queued (as far as sockets take it) so the last events are not lost.
      flush();
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      for (const c of clients.values()) {
        c.live = false;
        // Said before the close frame, so that a client tells "the program ended" from "unreachable".
        if (!c.gone && c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify({ type: 'finished' } satisfies ServerMessage));
        c.ws.close(CLOSE_SHUTDOWN, 'monitor closed');
        setTimeout(() => c.ws.terminate(), 500).unref();
      }
      clients.clear();
      commands.complete();
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
