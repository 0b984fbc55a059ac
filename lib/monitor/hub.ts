/**
 * The monitor's fan-out: one history, one bounded queue per client, and the rules for what a client
 * may send. `publish` never waits and never throws: it serialises the record once, appends it to the
 * history and to each client's queue, and schedules a flush. A client whose queue overflows (it reads
 * more slowly than events come) is closed with {@link CLOSE_SLOW_CONSUMER} and forgotten; it may
 * reconnect and pick up from the history.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Subject } from 'rxjs';
import type { WebSocket } from 'ws';
import type { Clock } from '../clock.js';
import { ClientQueue } from './client-queue.js';
import { HistoryBuffer } from './history-buffer.js';
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
  readonly queue: ClientQueue;
  readonly control: boolean;
  live: boolean;
}

/** Socket bytes in flight a client may have before we stop handing it more (the rest waits in its queue). */
const HIGH_WATER = 256 * 1024;
/** Characters per `events` frame. */
const FRAME_CHARS = 64 * 1024;
const RETRY_MS = 15;
/** Characters queued for a client that make the next flush immediate rather than timed. */
const BURST = 2 * FRAME_CHARS;

export function createHub(o: HubOptions) {
  const instance = randomBytes(6).toString('hex');
  const history = new HistoryBuffer(o.history);
  const clients = new Map<WebSocket, Client>();
  const commands = new Subject<MonitorCommand>();
  let seq = 0;
  let dropped = 0;
  let refused = 0;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushSoon: ReturnType<typeof setImmediate> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const sendNow = (ws: WebSocket, m: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };

  const refuse = (ws: WebSocket, code: RefusalCode, message: string): void => {
    refused++;
    sendNow(ws, { type: 'error', code, message });
  };

  const drop = (c: Client, reason: string): void => {
    dropped++;
    c.queue.clear();
    c.live = false;
    clients.delete(c.ws);
    c.ws.close(CLOSE_SLOW_CONSUMER, reason.slice(0, 120));
    // A stalled peer never reads the close frame either: cut it off so its socket buffer is freed.
    setTimeout(() => c.ws.terminate(), 1000).unref();
  };

  const flush = (): void => {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    if (flushSoon !== undefined) clearImmediate(flushSoon);
    flushTimer = undefined;
    flushSoon = undefined;
    let blocked = false;
    // Clients that keep up have the same records waiting: build and encode each frame once, by its
    // first record (unique: it holds the seq) and its length, and send the same bytes to each of them.
    const frames = new Map<string, Map<number, Buffer>>();
    for (const c of clients.values()) {
      while (!c.queue.empty && c.ws.readyState === c.ws.OPEN) {
        if (c.ws.bufferedAmount > HIGH_WATER) {
          blocked = true;
          break;
        }
        const records = c.queue.take(FRAME_CHARS);
        const first = records[0] as string;
        let byLength = frames.get(first);
        if (!byLength) frames.set(first, (byLength = new Map()));
        let frame = byLength.get(records.length);
        if (!frame) byLength.set(records.length, (frame = Buffer.from(`{"type":"events","records":[${records.join(',')}]}`)));
        c.ws.send(frame, { binary: false });
      }
    }
    if (blocked && retry === undefined && !closed) {
      retry = setTimeout(() => {
        retry = undefined;
        flush();
      }, RETRY_MS);
      retry.unref();
    }
  };

  /** On the timer, or at the next turn of the event loop when a queue is getting long (a burst). */
  const scheduleFlush = (soon = false): void => {
    if (closed) return;
    if (soon) flushSoon ??= setImmediate(flush);
    else flushTimer ??= setTimeout(flush, o.flushMs);
  };

  const start = (c: Client, since: number): void => {
    const past = history.since(since);
    sendNow(c.ws, { type: 'hello', protocol: MONITOR_PROTOCOL, instance, control: c.control, controlAvailable: o.token !== undefined, history: past.length });
    c.queue.preload(past);
    c.live = true;
    scheduleFlush(true);
  };

  return {
    instance,
    commands,

    publish<E extends { readonly type: string }>(run: string, event: E): void {
      if (closed) return;
      const s = ++seq;
      const time = o.clock.now();
      let json: string;
      try {
        json = JSON.stringify({ seq: s, run, time, event });
      } catch (err) {
        // A cyclic or BigInt-carrying event must not break training: send what can be said about it.
        json = JSON.stringify({ seq: s, run, time, event: { type: String(event.type), unserializable: String((err as Error).message) } });
      }
      history.push(s, json);
      let long = false;
      for (const c of clients.values()) {
        if (c.live && !c.queue.push(json)) drop(c, `slow consumer: over ${o.maxClientQueue} bytes queued`);
        else if (c.queue.length > BURST) long = true;
      }
      scheduleFlush(long);
    },

    attach(ws: WebSocket, req: IncomingMessage): void {
      const given = queryParam(req, 'token');
      const tokenOk = o.token !== undefined && given !== undefined && sameToken(given, o.token);
      let c: Client = { ws, queue: new ClientQueue(o.maxClientQueue), control: tokenOk, live: false };
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
        c.queue.clear();
        clients.delete(ws);
      });
      ws.on('error', () => {
        // Oversized frames end here (ws closes them with 1009); the connection is gone, others go on.
        refused++;
      });
      if (!o.readNeedsToken || tokenOk) start(c, since);
    },

    stats(): MonitorStats {
      let queued = 0;
      for (const c of clients.values()) queued += c.queue.length;
      return { clients: clients.size, published: seq, dropped, refused, historySize: history.size, queued };
    },

    close(): void {
      // Hand over what is queued (as far as sockets take it) so the last events are not lost.
      flush();
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      for (const c of clients.values()) {
        c.queue.clear();
        c.ws.close(CLOSE_SHUTDOWN, 'monitor closed');
        setTimeout(() => c.ws.terminate(), 500).unref();
      }
      clients.clear();
      commands.complete();
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
