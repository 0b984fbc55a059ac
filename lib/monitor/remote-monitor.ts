/**
 * `remoteMonitor()`: a {@link MonitorSink} that sends what `monitorTap` publishes to a monitor in
 * another process (a page's run to a Node `startMonitor` with a `publishToken`), over one WebSocket:
 * the page's own `WebSocket` in a browser, the `ws` package's in Node (lib/monitor/remote-monitor-node.ts).
 *
 * `publish` never waits and never throws, as the in-process monitor's: events are queued and sent
 * every `flushMs` in `publish` frames, consecutive events of one run together, each frame within the
 * monitor's message bound. The queue is bounded (`maxQueued`: the oldest events are dropped and
 * counted), so a monitor that is away or slow never grows the page's memory. A dropped connection is
 * retried with back-off; one the monitor refused (wrong publish token, no publishing there) is not,
 * and the status says why.
 */
import { asyncScheduler, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { RxtrainError, configError } from '../errors.js';
import { knownFields, nonEmptyString, positiveInt, positiveNumber, requireObject } from '../validate.js';
import { monitorSocketUrl } from './events-url.js';
import { CLOSE_PUBLISH_REFUSED, MAX_PUBLISH_EVENTS, type ServerMessage } from './protocol.js';
import type { MonitorSink } from './start-monitor.js';

/** What a WebSocket must have for `remoteMonitor`: the browser's and `ws`'s both do. */
export interface SocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { readonly data: unknown }) => void) | null;
  onclose: ((ev: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface RemoteMonitorConfig {
  /** The monitor's `publishToken`. */
  readonly token: string;
  /** Queued events are sent at most this often, ms. Default 100. */
  readonly flushMs?: number;
  /** Events waiting to be sent; beyond, the oldest are dropped (and counted). Default 10,000. */
  readonly maxQueued?: number;
  /** Characters of one frame; keep it under the monitor's `maxMessageBytes`. Default 256 Ki. */
  readonly maxFrameChars?: number;
  /** Runs `monitorTap` names itself (no `run` given) are `<runPrefix>-1`, `-2`, ... Default `'page'`. */
  readonly runPrefix?: string;
  /** Told about each connection change. */
  readonly onStatus?: (status: RemoteMonitorStatus) => void;
  /** Where the flushes and reconnect delays are scheduled (a virtual-time scheduler in tests). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Opens the WebSocket. Default: the platform's (`globalThis.WebSocket` in a page, `ws` in Node). */
  readonly webSocket?: (url: string) => SocketLike;
}

export type RemoteMonitorStatus =
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'open' }
  | { readonly state: 'closed'; readonly code: number; readonly reason: string; readonly retryInMs: number }
  /** The monitor refused this publisher (the reason says why); nothing more is sent. */
  | { readonly state: 'refused'; readonly code: number; readonly reason: string }
  /** The monitor's program closed it; nothing more is sent. */
  | { readonly state: 'finished' }
  /** The monitor answered a frame with an error (a bug, or events it does not take). */
  | { readonly state: 'error'; readonly code: string; readonly message: string };

export interface RemoteMonitorStats {
  /** Events handed to the socket. */
  readonly sent: number;
  /** Events dropped: the queue was full, or one event alone was over `maxFrameChars`. */
  readonly dropped: number;
  /** Events waiting. */
  readonly queued: number;
}

export interface RemoteMonitor extends MonitorSink {
  stats(): RemoteMonitorStats;
  /** Send what is queued (if connected), close the connection; resolves when it is closed. */
  close(): Promise<void>;
}

const where = 'remoteMonitor()';
/** Socket bytes in flight before the queue waits for the next flush. */
const HIGH_WATER = 1024 * 1024;
const OPEN = 1;

/** The WebSocket URL a publisher opens: the monitor's `/events`, with `?publish=<token>`. */
export function publishUrl(url: string, token: string): string {
  const u = monitorSocketUrl(where, url);
  u.searchParams.set('publish', token);
  return u.href;
}

/**
 * Send a stream's events to a monitor in another process.
 *
 * @example
 * ```ts
 * import { remoteMonitor } from 'rxtrain';
 * import { monitorTap } from 'rxtrain/operators';
 * const monitor = remoteMonitor('ws://127.0.0.1:8080/', { token: 'publish-secret' });
 * await lastValueFrom(train(model, data, config).pipe(monitorTap(monitor, { run: 'page-digits' })));
 * await monitor.close();
 * ```
 * @param url The monitor's dashboard URL or WebSocket URL.
 * @param config The publish token; flush, queue and frame bounds; status callback.
 */
export function remoteMonitor(url: string, config: RemoteMonitorConfig): RemoteMonitor {
  const c = requireObject(where, config);
  knownFields(where, c, ['token', 'flushMs', 'maxQueued', 'maxFrameChars', 'runPrefix', 'onStatus', 'scheduler', 'webSocket']);
  const token = nonEmptyString(where, 'token', c.token);
  const target = publishUrl(url, token);
  const flushMs = c.flushMs === undefined ? 100 : positiveNumber(where, 'flushMs', c.flushMs);
  const maxQueued = c.maxQueued === undefined ? 10_000 : positiveInt(where, 'maxQueued', c.maxQueued);
  const maxFrameChars = c.maxFrameChars === undefined ? 256 * 1024 : positiveInt(where, 'maxFrameChars', c.maxFrameChars);
  const runPrefix = c.runPrefix === undefined ? 'page' : nonEmptyString(where, 'runPrefix', c.runPrefix);
  const onStatus = (c.onStatus as ((s: RemoteMonitorStatus) => void) | undefined) ?? (() => undefined);
  if (typeof onStatus !== 'function') throw configError(where, 'onStatus', 'must be a function', c.onStatus);
  const scheduler = (c.scheduler as SchedulerLike | undefined) ?? asyncScheduler;
  const open = (c.webSocket as ((url: string) => SocketLike) | undefined) ?? platformSocket;
  if (typeof open !== 'function') throw configError(where, 'webSocket', 'must be a function that opens a WebSocket', c.webSocket);

  /** Events waiting, each serialised once, in publish order. */
  const queue: Array<{ readonly run: string; readonly json: string }> = [];
  let sent = 0;
  let dropped = 0;
  let runs = 0;
  let failures = 0;
  let ws: SocketLike | undefined;
  let flushing: Subscription | undefined;
  let retry: Subscription | undefined;
  /** Nothing more is sent: closed by us, refused, or the monitor finished. */
  let ended = false;
  let closed: Promise<void> | undefined;
  let onClosed: (() => void) | undefined;
  /** close() was called while connecting: send what is queued once the monitor lets us in, then close. */
  let closeWhenOpen: (() => void) | undefined;

  const flush = (): void => {
    flushing = undefined;
    const socket = ws;
    if (!socket || socket.readyState !== OPEN) return;
    while (queue.length > 0 && socket.bufferedAmount < HIGH_WATER) {
      const run = queue[0]!.run;
      const head = `{"type":"publish","run":${JSON.stringify(run)},"events":[`;
      const parts: string[] = [];
      let chars = head.length + 2;
      while (queue.length > 0 && queue[0]!.run === run && parts.length < MAX_PUBLISH_EVENTS) {
        const { json } = queue[0]!;
        if (chars + json.length + 1 > maxFrameChars) {
          if (parts.length > 0) break;
          // Alone over the bound: the monitor would close the connection for it.
          queue.shift();
          dropped++;
          continue;
        }
        queue.shift();
        parts.push(json);
        chars += json.length + 1;
      }
      if (parts.length === 0) continue;
      socket.send(`${head}${parts.join(',')}]}`);
      sent += parts.length;
    }
    if (queue.length > 0) scheduleFlush();
  };

  const scheduleFlush = (): void => {
    if (flushing === undefined && !ended) flushing = timer(flushMs, scheduler).subscribe(flush);
  };

  /** Nothing more will be sent: what waits is dropped (and counted). */
  const discard = (): void => {
    dropped += queue.length;
    queue.length = 0;
  };

  const stop = (): void => {
    ended = true;
    flushing?.unsubscribe();
    flushing = undefined;
    retry?.unsubscribe();
    retry = undefined;
  };

  const connect = (): void => {
    onStatus({ state: 'connecting', attempt: failures });
    let socket: SocketLike;
    try {
      socket = open(target);
    } catch (err) {
      stop();
      onStatus({ state: 'refused', code: 0, reason: `cannot open a WebSocket to ${target.replace(/publish=[^&]*/, 'publish=…')}: ${(err as Error).message}` });
      return;
    }
    ws = socket;
    socket.onmessage = (ev) => {
      let m: ServerMessage;
      try {
        m = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (m.type === 'hello') {
        failures = 0;
        onStatus({ state: 'open' });
        flush();
        closeWhenOpen?.();
      } else if (m.type === 'finished') {
        stop();
        discard();
        onStatus({ state: 'finished' });
      } else if (m.type === 'error') {
        onStatus({ state: 'error', code: m.code, message: m.message });
      }
    };
    socket.onerror = () => undefined; // a close follows, where the retry is decided
    socket.onclose = (ev) => {
      if (ws !== socket) return;
      ws = undefined;
      onClosed?.();
      if (ev.code === CLOSE_PUBLISH_REFUSED) {
        stop();
        discard();
        onStatus({ state: 'refused', code: ev.code, reason: ev.reason });
        return;
      }
      if (ended) return;
      const delay = Math.min(10_000, 250 * 2 ** failures);
      failures++;
      onStatus({ state: 'closed', code: ev.code, reason: ev.reason, retryInMs: delay });
      retry = timer(delay, scheduler).subscribe(() => {
        retry = undefined;
        if (!ended) connect();
      });
    };
  };

  connect();

  return {
    publish(run, event) {
      if (ended) {
        dropped++;
        return;
      }
      let json: string;
      try {
        json = JSON.stringify(event);
      } catch {
        dropped++;
        return;
      }
      queue.push({ run, json });
      if (queue.length > maxQueued) {
        queue.shift();
        dropped++;
      }
      scheduleFlush();
    },
    newRun: () => `${runPrefix}-${++runs}`,
    stats: () => ({ sent, dropped, queued: queue.length }),
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        const finish = (): void => {
          flush();
          stop();
          discard(); // what the socket did not take now never goes
          const socket = ws;
          if (!socket || socket.readyState > OPEN) return resolve();
          onClosed = resolve;
          socket.close(1000, 'publisher done');
        };
        if (ws && ws.readyState < OPEN && !ended) {
          // Connecting: what is queued goes once the monitor lets us in (or is lost if it refuses).
          onClosed = resolve;
          closeWhenOpen = finish;
        } else finish();
      });
      return closed;
    },
  };
}

/** The page's WebSocket (Node 20 has none: lib/monitor/remote-monitor-node.ts passes `ws`'s). */
function platformSocket(url: string): SocketLike {
  const WS = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  if (WS === undefined) throw new RxtrainError('INVALID_CONFIG', `${where}: this platform has no WebSocket; pass webSocket: (url) => new WebSocket(url)`, { field: 'webSocket' });
  return new WS(url);
}
