/**
 * `startMonitor()`: one HTTP server on one port, serving the dashboard on `/` and the event stream on
 * a WebSocket path. See ./security.ts for who may read and who may command, ./hub.ts for how events
 * reach clients without ever making the producer wait.
 */
import type { Observable } from 'rxjs';
import { systemClock, type Clock } from '../clock.js';
import { configError } from '../errors.js';
import { knownFields, nonEmptyString, nonNegativeInt, positiveInt, requireObject } from '../validate.js';
import { loadDashboard } from './dashboard-assets.js';
import { createHub, type MonitorStats } from './hub.js';
import { serveDashboard } from './dashboard-server.js';
import { importanceFeedsOption } from './importance-feeds.js';
import type { ImportanceFeedOptions } from './importance-feed.js';
import type { MonitorCommand } from './protocol.js';
import { controlState } from './control-state.js';
import { runRegistry } from './run-registry.js';
import { allowedOriginList, isLoopbackHost } from './security.js';

export interface MonitorConfig {
  /** TCP port; 0 (default) picks a free one (read it from the handle). */
  readonly port?: number;
  /** Address to bind. Default `127.0.0.1`. Any non-loopback address requires a `token`. */
  readonly host?: string;
  /** Secret that grants control (and, off loopback, reading). Without it, no commands are accepted. */
  readonly token?: string;
  /**
   * Secret that lets a connection publish events (`?publish=<publishToken>`): a page's
   * `monitorTap(remoteMonitor(url, { token: publishToken }))` sends its run here, and the dashboard
   * shows it as a run of this process. Separate from `token` (which commands) and must differ from it.
   * Without it, no connection may publish. A page on another origin also needs `allowedOrigins`.
   */
  readonly publishToken?: string;
  /** Records kept for clients that connect late. Default 10,000. */
  readonly history?: number;
  /** Bytes a client may have waiting before it is dropped as too slow. Default 4 MiB. */
  readonly maxClientQueue?: number;
  /** Largest message a client may send. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** WebSocket connections at once. Default 100. (Plain HTTP connections: at most 64, see ./http-bounds.ts.) */
  readonly maxClients?: number;
  /**
   * Time a client has to send a whole HTTP request (a page, a WebSocket handshake), in ms; a
   * connection that has not is closed. Default 10,000.
   */
  readonly requestTimeoutMs?: number;
  /**
   * Browser origins (besides the monitor's own page) allowed to connect, each as a browser sends it,
   * e.g. `http://localhost:5173`. `null` and `*` are refused (see ./security.ts).
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Records are sent to clients at most this often, in ms (many per frame). Default 100: a send costs
   * per frame as well as per byte, so fewer, larger frames keep the monitor's share of the training
   * process small (the dashboard redraws at most every 100 ms anyway).
   */
  readonly flushMs?: number;
  /** Clock for record times. Default the system clock. */
  readonly clock?: Clock;
  /**
   * Parameter importance of each study run, recomputed as its trials complete and published as a
   * `paramImportance` record for the dashboard (./importance-feed.ts: when, and what it costs).
   * Default on; `false` turns it off, an object sets the feed's options.
   */
  readonly importance?: boolean | ImportanceFeedOptions;
}

/** Where `monitorTap` sends events: any object with these two methods (a fake one in tests). */
export interface MonitorSink {
  /** Send one event, tagged with its run. Never waits, never throws. */
  publish<E extends { readonly type: string }>(run: string, event: E): void;
  /** A fresh run id (`run-1`, `run-2`, ...) for a stream that was not given one. */
  newRun(): string;
}

/** Where `controlledBy` and `holdWhile` listen. */
export interface MonitorControl {
  /** Validated commands from authorised clients, as they arrive (hot; completes on `close()`). */
  readonly commands: Observable<MonitorCommand>;
  /**
   * Whether `run` is paused now (by a `pause` of that run or of all runs), then each change. Meant for
   * `holdWhile`: a subscriber that is told `true` counts as holding `run` (and `trial`, when given),
   * and the monitor publishes a `held` record for it, then `released` when it is told `false` or
   * unsubscribes, so that views show as paused only what really is.
   */
  paused(run?: string, trial?: number): Observable<boolean>;
}

export interface Monitor extends MonitorSink, MonitorControl {
  /** The dashboard: `http://host:port/`. */
  readonly url: string;
  /** The event stream: `ws://host:port/events`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly host: string;
  stats(): MonitorStats;
  /** Disconnect every client and stop listening. */
  close(): Promise<void>;
}

const where = 'startMonitor()';
const fields = ['port', 'host', 'token', 'publishToken', 'history', 'maxClientQueue', 'maxMessageBytes', 'maxClients', 'requestTimeoutMs', 'allowedOrigins', 'flushMs', 'clock', 'importance'];
export { EVENTS_PATH } from './dashboard-server.js';

/**
 * Start a monitor: a dashboard page and a WebSocket event stream on one port.
 *
 * Intuition: a radio station. `monitorTap` broadcasts a stream's events; browsers and `connectMonitor`
 * tune in at any time, get the recent past first, and a listener who cannot keep up is cut off rather
 * than slowing the station.
 *
 * @example
 * ```ts
 * import { startMonitor } from 'rxtrain';
 * const monitor = await startMonitor({ token: 'secret' });
 * console.log(`dashboard: ${monitor.url}?token=secret`);
 * ```
 * @param config Where to listen, the token, and the bounds. All optional.
 * @returns A handle: its URLs, `commands`, `paused(run)`, `stats()` and `close()`.
 */
export async function startMonitor(config: MonitorConfig = {}): Promise<Monitor> {
  const c = requireObject(where, config);
  knownFields(where, c, fields);
  const port = c.port === undefined ? 0 : nonNegativeInt(where, 'port', c.port);
  if (port > 65535) throw configError(where, 'port', 'must be at most 65535', port);
  const host = c.host === undefined ? '127.0.0.1' : nonEmptyString(where, 'host', c.host);
  const token = c.token === undefined ? undefined : nonEmptyString(where, 'token', c.token);
  const publishToken = c.publishToken === undefined ? undefined : nonEmptyString(where, 'publishToken', c.publishToken);
  if (publishToken !== undefined && publishToken === token) throw configError(where, 'publishToken', 'must differ from token: who may publish events may not command the runs');
  const history = c.history === undefined ? 10_000 : nonNegativeInt(where, 'history', c.history);
  const maxClientQueue = c.maxClientQueue === undefined ? 4 * 1024 * 1024 : positiveInt(where, 'maxClientQueue', c.maxClientQueue);
  const maxMessageBytes = c.maxMessageBytes === undefined ? 1024 * 1024 : positiveInt(where, 'maxMessageBytes', c.maxMessageBytes);
  const maxClients = c.maxClients === undefined ? 100 : positiveInt(where, 'maxClients', c.maxClients);
  const requestTimeoutMs = c.requestTimeoutMs === undefined ? 10_000 : positiveInt(where, 'requestTimeoutMs', c.requestTimeoutMs);
  const flushMs = c.flushMs === undefined ? 100 : nonNegativeInt(where, 'flushMs', c.flushMs);
  const allowedOrigins = allowedOriginList(where, c.allowedOrigins);
  const clock = (c.clock as Clock | undefined) ?? systemClock;
  if (typeof clock.now !== 'function') throw configError(where, 'clock', 'must have a now() method', c.clock);
  if (!isLoopbackHost(host) && token === undefined) throw configError(where, 'token', `is required when host is not a loopback address (host is ${JSON.stringify(host)})`);


  // Validated here (a bad option fails startMonitor before it listens), computed off the producer's call (./importance-feeds.ts).
  const importances = importanceFeedsOption(where, c.importance, (run, event) => hub.publish(run, event));
  const registry = runRegistry();
  // A publisher's events go where the handle's own go (the run registry, the importance feeds).
  const hub = createHub({ token, publishToken, published: (run, event) => monitor.publish(run, event), readNeedsToken: !isLoopbackHost(host), history, maxClientQueue, clock, flushMs, check: registry.check });
  const server = await serveDashboard({ port, host, maxClients, maxMessageBytes, requestTimeoutMs, allowedOrigins, assets: loadDashboard(), hubFor: () => hub });

  // What commands change (pause state, stop and pause records for the views): ./control-state.ts.
  const control = controlState((run, event) => hub.publish(run, event));
  hub.commands.subscribe((cmd) => control.see(cmd));
  let runs = 0;
  let closing: Promise<void> | undefined;

  const monitor: Monitor = {
    url: server.url,
    wsUrl: server.wsUrl,
    port: server.port,
    host,
    commands: hub.commands,
    paused: control.paused,
    publish: (run, event) => {
      registry.see(run, event);
      hub.publish(run, event);
      importances?.see(run, event);
    },
    newRun: () => `run-${++runs}`,
    stats: hub.stats,
    close(): Promise<void> {
      if (closing === undefined) {
        importances?.close();
        hub.close();
        control.complete();
        closing = server.close();
      }
      return closing;
    },
  };
  return monitor;
}
