/**
 * The monitor's fan-out: one log of serialised records, a cursor into it per client, and the rules for
 * what a client may send. `publish` never waits and never throws: it counts the event, stamps it with
 * its time, sets it aside and schedules a flush; its cost does not depend on the clients. The flush
 * first serialises what was set aside into the log (each record once, in publish order: see
 * ./publish-buffer.ts for why in batches), then sends each client what lies past its cursor, many
 * records to a frame.
 *
 * A client that falls more than `maxClientQueue` characters behind (it reads more slowly than events
 * come) is closed with {@link CLOSE_SLOW_CONSUMER} and forgotten at the next flush; it may reconnect
 * and pick up from the history. What a client sends is bounded too (./client-set.ts), and what it may
 * send is decided in ./admit-message.ts.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Subject, type Observable } from 'rxjs';
import type { WebSocket } from 'ws';
import type { Clock } from '../clock.js';
import { admitMessage, type CommandCheck } from './admit-message.js';
import { ClientSet, type HubClient } from './client-set.js';
import { CLOSE_PUBLISH_REFUSED, CLOSE_SHUTDOWN, CLOSE_SLOW_CONSUMER, MONITOR_PROTOCOL, type AnyEvent, type MonitorCommand, type MonitorSource, type ServerMessage } from './protocol.js';
import { PublishBuffer } from './publish-buffer.js';
import { RecordLog } from './record-log.js';
import { queryParam, sameToken } from './security.js';

export interface HubOptions {
  /** The token that grants control (and reading, unless `readToken` is given); none: no commands. */
  readonly token: string | undefined;
  /** Reading events needs a token (the server is not on loopback). */
  readonly readNeedsToken: boolean;
  /** The token that grants reading, when it is not the control token (a read-only hub has only this one). */
  readonly readToken?: string;
  /**
   * The token a connection presents as `?publish=` to publish events (a page's `remoteMonitor`);
   * none: no connection may publish.
   */
  readonly publishToken?: string;
  /** Where a publisher's events go (the monitor's own `publish`, so its run registry sees them); default: this hub's `publish`. */
  readonly published?: (run: string, event: AnyEvent) => void;
  /** Why this hub takes no commands, said to a client that sends one (default: it was started without a token). */
  readonly readOnlyReason?: string;
  /** Where the events come from, told to each client in its `hello` (absent: a program publishes them). */
  readonly source?: MonitorSource;
  readonly history: number;
  readonly maxClientQueue: number;
  readonly clock: Clock;
  /** Records are sent at most this often (ms), many to a frame: sends cost per frame, not per record. */
  readonly flushMs: number;
  /** Why a valid command cannot be obeyed (it names no live run), or undefined to accept it. */
  readonly check?: CommandCheck;
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

/** The monitor's fan-out, as `startMonitor` uses it. */
export interface Hub {
  /**
   * This hub's id (random, per monitor): a client that reconnects to the same monitor with
   * `?instance=<id>&since=<seq>` is sent only the records after `since`.
   */
  readonly instance: string;
  /** Commands from clients with control, each valid, accepted by `check` and acknowledged; completes on `close()`. */
  readonly commands: Observable<MonitorCommand>;
  /**
   * Send `event` of run `run` to every client (and the history). Never waits, never throws. Its
   * record's `time` is the clock's now, or `time` when given (an event read back from a storage, at
   * the time it was stored; NaN: not known, sent as null).
   */
  publish<E extends { readonly type: string }>(run: string, event: E, time?: number): void;
  /**
   * Serve a WebSocket that just connected with request `req`: its `token`, `instance` and `since`
   * query parameters say whether it may command, and from where it is sent records.
   */
  attach(ws: WebSocket, req: IncomingMessage): void;
  /** Counters, now (callable unbound). */
  stats(): MonitorStats;
  /** Send what is queued, tell each client `finished`, close them, and complete `commands`. */
  close(): void;
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

export function createHub(o: HubOptions): Hub {
  const instance = randomBytes(6).toString('hex');
  const log = new RecordLog();
  const clients = new ClientSet(o.clock);
  const commands = new Subject<MonitorCommand>();
  const buffer = new PublishBuffer();
  const source = o.source === undefined ? {} : { source: o.source };
  let seq = 0;
  let received = 0;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushSoon: ReturnType<typeof setImmediate> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  /** Characters serialised into the log since the last flush. */
  let fresh = 0;

  /** Serialise what was published since the last flush into the log, in order. */
  const absorb = (): void => {
    if (buffer.size === 0) return;
    fresh += buffer.writeTo(log);
    if (clients.size === 0 && log.size > o.history) log.trim(log.nextSeq - o.history);
  };

  /** Characters a client is behind, not counting the history it was given on connecting. */
  const owed = (c: HubClient): number => log.chars - Math.max(log.charsBefore(c.cursor), c.credit);

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
        clients.drop(c, CLOSE_SLOW_CONSUMER, `slow consumer: over ${o.maxClientQueue} bytes queued`);
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
        clients.sent(c);
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

  const start = (c: HubClient, since: number): void => {
    absorb();
    const from = Math.max(since + 1, log.nextSeq - o.history, log.oldestSeq);
    clients.reply(c, { type: 'hello', protocol: MONITOR_PROTOCOL, instance, control: c.control, controlAvailable: o.token !== undefined, history: log.nextSeq - from, ...source });
    c.cursor = from;
    c.credit = log.chars;
    c.live = true;
    scheduleFlush(true);
  };

  /**
   * A connection that asked to publish (`?publish=<token>`): closed at once with a reason that says why
   * if the token is wrong or the monitor takes no published events; else told `hello` (publish: true),
   * sent no records, and each of its `publish` frames is published event by event, within its rate.
   */
  const attachPublisher = (ws: WebSocket, given: string): void => {
    const why = o.publishToken === undefined ? 'this monitor takes no published events (start it with a publishToken)' : sameToken(given, o.publishToken) ? undefined : 'wrong publish token';
    if (why !== undefined) {
      clients.refused++;
      ws.close(CLOSE_PUBLISH_REFUSED, why);
      setTimeout(() => ws.terminate(), 1000).unref();
      return;
    }
    const c = clients.add(ws, false, log.nextSeq, true);
    const publish = o.published ?? ((run: string, event: AnyEvent) => hub.publish(run, event));
    ws.on('message', (data, isBinary) => {
      received++;
      if (c.gone) return;
      const admitted = admitMessage(data, isBinary, c, o.token, o.check, o.readOnlyReason);
      if (admitted.kind === 'refuse') return clients.refuse(c, admitted.code, admitted.message);
      if (admitted.kind !== 'publish') return; // admitMessage refuses all else from a publisher
      const { run, events } = admitted.message;
      if (!clients.spend(c, events.length)) return;
      for (const event of events) publish(run, event);
    });
    ws.on('close', () => clients.forget(c));
    ws.on('error', () => {
      clients.refused++;
    });
    clients.reply(c, { type: 'hello', protocol: MONITOR_PROTOCOL, instance, control: false, controlAvailable: o.token !== undefined, history: 0, publish: true, ...source });
  };

  const hub: Hub = {
    instance,
    commands: commands.asObservable(),

    publish<E extends { readonly type: string }>(run: string, event: E, time?: number): void {
      if (closed) return;
      // Its seq is given when it enters the log: records enter in publish order, one apart, from 1.
      seq++;
      buffer.add(run, time ?? o.clock.now(), event);
      if (buffer.size >= CHUNK) absorb();
      scheduleFlush(fresh > BURST);
    },

    attach(ws: WebSocket, req: IncomingMessage): void {
      const publishGiven = queryParam(req, 'publish');
      if (publishGiven !== undefined) return attachPublisher(ws, publishGiven);
      const given = queryParam(req, 'token');
      const tokenOk = o.token !== undefined && given !== undefined && sameToken(given, o.token);
      const readOk = tokenOk || (o.readToken !== undefined && given !== undefined && sameToken(given, o.readToken));
      const c = clients.add(ws, tokenOk, log.nextSeq);
      const sinceParam = queryParam(req, 'since');
      const since = queryParam(req, 'instance') === instance && sinceParam !== undefined && /^\d+$/.test(sinceParam) ? Number(sinceParam) : 0;
      ws.on('message', (data, isBinary) => {
        received++;
        if (c.gone) return;
        const admitted = admitMessage(data, isBinary, c, o.token, o.check, o.readOnlyReason);
        if (admitted.kind === 'refuse') return clients.refuse(c, admitted.code, admitted.message);
        if (admitted.kind === 'publish') return;
        if (admitted.kind === 'auth') {
          c.control = true;
          if (c.live) clients.reply(c, { type: 'hello', protocol: MONITOR_PROTOCOL, instance, control: true, controlAvailable: true, history: 0, ...source });
          else start(c, since);
          return;
        }
        clients.reply(c, { type: 'ack', command: admitted.command });
        commands.next(admitted.command);
      });
      ws.on('close', () => clients.forget(c));
      ws.on('error', () => {
        // Oversized frames end here (ws closes them with 1009); the connection is gone, others go on.
        clients.refused++;
      });
      if (!o.readNeedsToken || readOk) start(c, since);
    },

    stats(): MonitorStats {
      absorb();
      let queued = 0;
      let buffered = 0;
      for (const c of clients.values()) {
        if (c.live) queued += log.chars - log.charsBefore(c.cursor);
        buffered += c.ws.bufferedAmount;
      }
      const { dropped, refused, peakBuffered } = clients;
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
  return hub;
}
