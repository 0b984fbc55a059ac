/**
 * `connectMonitor()`: a monitor's events as an Observable, for programs (the terminal watcher, a
 * notebook, another process that reacts to a study). It reconnects with exponential back-off, and
 * resumes after the last record it saw, so a reconnect neither loses nor repeats records the server
 * still holds.
 */
import { Observable, asyncScheduler, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { WebSocket } from 'ws';
import { RxtrainError, configError } from '../errors.js';
import { knownFields, nonEmptyString, nonNegativeInt, positiveNumber, requireObject } from '../validate.js';
import { monitorSocketUrl } from './events-url.js';
import type { KnownEvent, MonitorRecord, ServerMessage } from './protocol.js';

export interface ConnectMonitorConfig {
  /** Sent as `?token=`: grants control rights, and reading on a monitor that is not on loopback. */
  readonly token?: string;
  /** First reconnect delay, ms. Default 250. */
  readonly initialDelay?: number;
  /** Longest reconnect delay, ms. Default 10,000. */
  readonly maxDelay?: number;
  /** Growth of the delay per failed attempt. Default 2. */
  readonly factor?: number;
  /** Give up (error the stream) after this many failed attempts in a row. Default: never. */
  readonly maxRetries?: number;
  /** Where the delays are scheduled (a virtual-time scheduler in tests). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Told about each connection change, e.g. to show "reconnecting in 2 s". */
  readonly onStatus?: (status: ConnectionStatus) => void;
  /**
   * Keep reconnecting after the monitor said it finished (its program closed it), for a program that
   * starts a new monitor on the same port. Default false: the stream completes.
   */
  readonly followRestarts?: boolean;
}

export type ConnectionStatus =
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'open'; readonly control: boolean; readonly history: number }
  | { readonly state: 'closed'; readonly code: number; readonly reason: string; readonly retryInMs: number; readonly attempt: number }
  /** The monitor's program closed it: no further record will come (the stream completes). */
  | { readonly state: 'finished' };

const where = 'connectMonitor()';

/** The WebSocket URL of a monitor, from its dashboard URL (`http://h:p/`) or its WebSocket URL. */
export function eventsUrl(url: string): URL {
  return monitorSocketUrl(where, url);
}

/**
 * Subscribe to a monitor's events.
 *
 * Intuition: `webSocket()` from rxjs that knows the protocol. Each subscription opens its own
 * connection; a dropped connection (a network blip, a slow-consumer cut-off) is retried after
 * `initialDelay · factor^k` ms (capped at `maxDelay`), up to `maxRetries` failed attempts in a row,
 * and the count resets once a connection opens. When the monitor's program closes it (the server says
 * `finished`), the stream completes. Unsubscribing closes the socket.
 *
 * @example
 * ```ts
 * import { connectMonitor } from 'rxtrain';
 * connectMonitor('http://127.0.0.1:8080/').subscribe(({ run, event }) => console.log(run, event.type));
 * ```
 * @param url The dashboard URL or the WebSocket URL of a monitor.
 * @param config Token, back-off and scheduler.
 * @returns The records (`{seq, run, time, event}`): history first, then live ones.
 */
export function connectMonitor<E extends { readonly type: string } = KnownEvent>(url: string, config: ConnectMonitorConfig = {}): Observable<MonitorRecord<E>> {
  const base = eventsUrl(url);
  const c = requireObject(where, config);
  knownFields(where, c, ['token', 'initialDelay', 'maxDelay', 'factor', 'maxRetries', 'scheduler', 'onStatus', 'followRestarts']);
  const followRestarts = c.followRestarts === true;
  const token = c.token === undefined ? undefined : nonEmptyString(where, 'token', c.token);
  const initialDelay = c.initialDelay === undefined ? 250 : positiveNumber(where, 'initialDelay', c.initialDelay);
  const maxDelay = c.maxDelay === undefined ? 10_000 : positiveNumber(where, 'maxDelay', c.maxDelay);
  const factor = c.factor === undefined ? 2 : positiveNumber(where, 'factor', c.factor);
  if (factor < 1) throw configError(where, 'factor', 'must be ≥ 1', factor);
  const maxRetries = c.maxRetries === undefined ? Infinity : nonNegativeInt(where, 'maxRetries', c.maxRetries);
  const scheduler = (c.scheduler as SchedulerLike | undefined) ?? asyncScheduler;
  const onStatus = c.onStatus === undefined ? () => undefined : (c.onStatus as (s: ConnectionStatus) => void);
  if (typeof onStatus !== 'function') throw configError(where, 'onStatus', 'must be a function', c.onStatus);

  return new Observable<MonitorRecord<E>>((subscriber) => {
    let ws: WebSocket | undefined;
    let wait: Subscription | undefined;
    let failures = 0;
    let lastSeq = 0;
    let instance: string | undefined;
    let finished = false;

    const connect = (): void => {
      const u = new URL(base);
      if (token !== undefined) u.searchParams.set('token', token);
      if (instance !== undefined) {
        u.searchParams.set('instance', instance);
        u.searchParams.set('since', String(lastSeq));
      }
      onStatus({ state: 'connecting', attempt: failures });
      const socket = new WebSocket(u, { maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
      ws = socket;
      socket.on('message', (data) => {
        let m: ServerMessage<E>;
        try {
          m = JSON.parse(data.toString()) as ServerMessage<E>;
        } catch {
          return;
        }
        if (m.type === 'hello') {
          failures = 0;
          // A new server life numbers its records from 1 again.
          if (m.instance !== instance) lastSeq = 0;
          instance = m.instance;
          onStatus({ state: 'open', control: m.control, history: m.history });
        } else if (m.type === 'finished') {
          finished = true;
        } else if (m.type === 'events') {
          for (const r of m.records) {
            if (r.seq <= lastSeq) continue;
            lastSeq = r.seq;
            subscriber.next(r);
            if (subscriber.closed) return;
          }
        }
      });
      // 'error' is always followed by 'close', where the retry is decided.
      socket.on('error', () => undefined);
      socket.on('close', (code, reason) => {
        if (ws !== socket || subscriber.closed) return;
        ws = undefined;
        if (finished && !followRestarts) {
          onStatus({ state: 'finished' });
          subscriber.complete();
          return;
        }
        finished = false;
        if (failures >= maxRetries) {
          subscriber.error(new RxtrainError('MONITOR_UNREACHABLE', `${where}: gave up on ${base.href} after ${failures} failed attempts (last close code ${code})`, { url: base.href, closeCode: code }));
          return;
        }
        const delay = Math.min(maxDelay, initialDelay * factor ** failures);
        failures++;
        onStatus({ state: 'closed', code, reason: reason.toString(), retryInMs: delay, attempt: failures });
        wait = timer(delay, scheduler).subscribe(() => {
          wait = undefined;
          if (!subscriber.closed) connect();
        });
      });
    };

    connect();
    return () => {
      wait?.unsubscribe();
      const socket = ws;
      ws = undefined;
      if (socket) {
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else socket.close(1000, 'unsubscribed');
      }
    };
  });
}
