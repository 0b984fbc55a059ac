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
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Subject } from 'rxjs';
import type { WebSocket } from 'ws';
import type { Clock } from '../clock.js';
import { RecordLog } from './record-log.js';
import { CLOSE_SHUTDOWN, CLOSE_SLOW_CONSUMER, MONITOR_PROTOCOL, parseClientMessage, type MonitorCommand, type RefusalCode, type ServerMessage } from './protocol.js';
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
}

/** Counters, for tests and benchmarks. */
export interface MonitorStats {
  readonly clients: number;
  readonly published: number;
  readonly dropped: number;
  readonly refused: number;
  readonly historySize: number;
  /** Characters queued over all clients right now. */
  readonly queued: number;
}

interface Client {
  readonly ws: WebSocket;
  readonly control: boolean;
  live: boolean;
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

export function createHub(o: HubOptions) {
  const instance = randomBytes(6).toString('hex');
  const log = new RecordLog();
  const clients = new Map<WebSocket, Client>();
  const commands = new Subject<MonitorCommand>();
  let seq = 0;
  let dropped = 0;
  let refused = 0;
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

  const sendNow = (ws: WebSocket, m: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };

  const refuse = (ws: WebSocket, code: RefusalCode, message: string): void => {
    refused++;
    sendNow(ws, { type: 'error', code, message });
  };

  const drop = (c: Client, reason: string): void => {
    dropped++;
    c.live = false;
    clients.delete(c.ws);
    c.ws.close(CLOSE_SLOW_CONSUMER, reason.slice(0, 120));
    // A stalled peer never reads the close frame either: cut it off so its socket buffer is freed.
    setTimeout(() => c.ws.terminate(), 1000).unref();
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
        drop(c, `slow consumer: over ${o.maxClientQueue} bytes queued`);
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
    sendNow(c.ws, { type: 'hello', protocol: MONITOR_PROTOCOL, instance, control: c.control, controlAvailable: o.token !== undefined, history: log.nextSeq - from });
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
      let c: Client = { ws, control: tokenOk, live: false, cursor: log.nextSeq, credit: 0 };
      clients.set(ws, c);
      const sinceParam = queryParam(req, 'since');
      const since = queryParam(req, 'instance') === instance && sinceParam !== undefined && /^\d+$/.test(sinceParam) ? Number(sinceParam) : 0;
      ws.on('message', (data, isBinary) => {
        if (isBinary) return refuse(ws, 'BAD_MESSAGE', 'binary frames are not accepted; send JSON text');
        const parsed = parseClientMessage(data.toString());
        if (!parsed.ok) return refuse(ws, parsed.code, parsed.message);
        const m = parsed.message;
        if (m.type === 'auth') {
          if (o.token === undefined) return refuse(ws, 'UNAUTHORIZED', 'this monitor was started without a token: it accepts no commands');
          if (!sameToken(m.token, o.token)) return refuse(ws, 'BAD_TOKEN', 'wrong token');
          const wasLive = c.live;
          c = { ...c, control: true };
          clients.set(ws, c);
          if (wasLive) sendNow(ws, { type: 'hello', protocol: MONITOR_PROTOCOL, instance, control: true, controlAvailable: true, history: 0 });
          else start(c, since);
          return;
        }
        if (!c.control) {
          return refuse(ws, 'UNAUTHORIZED', o.token === undefined ? 'this monitor was started without a token: it accepts no commands' : `'${m.type}' needs the monitor's token (send {type:'auth', token} first, or connect with ?token=)`);
        }
        sendNow(ws, { type: 'ack', command: m });
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
      for (const c of clients.values()) if (c.live) queued += log.chars - log.charsBefore(c.cursor);
      return { clients: clients.size, published: seq, dropped, refused, historySize: Math.min(log.size, o.history), queued };
    },

    close(): void {
      // Hand over what is queued (as far as sockets take it) so the last events are not lost.
      flush();
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      for (const c of clients.values()) {
        c.live = false;
        c.ws.close(CLOSE_SHUTDOWN, 'monitor closed');
        setTimeout(() => c.ws.terminate(), 500).unref();
      }
      clients.clear();
      commands.complete();
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
