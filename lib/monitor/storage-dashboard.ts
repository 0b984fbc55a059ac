/**
 * `storageDashboard()`: the dashboard for the studies a storage holds (`rxtrain dashboard`), finished or
 * running right now in other processes, live. Each study gets a hub of its own (./hub.ts), fed by
 * following the study (./follow-study.ts) and keeping its whole history, so a page opened at any
 * time is sent every trial; the dashboard's views work on those events as on a live run's. The study
 * list page (`/studies`, and `/` when no study is chosen) lists them.
 *
 * Read-only: a storage holds what trials did, not the processes that run them, so no command can be
 * obeyed and the page shows no control. The token, if given, grants reading (required off loopback).
 */
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { systemClock, type Clock } from '../clock.js';
import { configError, errorMessage } from '../errors.js';
import type { Storage, StudyRecord } from '../storage/storage.js';
import { knownFields, nonEmptyString, nonNegativeInt, positiveInt, requireObject } from '../validate.js';
import { loadDashboard } from './dashboard-assets.js';
import { serveDashboard, type Reply } from './dashboard-server.js';
import { followStudy, studyChanges } from './follow-study.js';
import { createHub, type Hub } from './hub.js';
import { importanceFeedsOption } from './importance-feeds.js';
import type { ImportanceFeedOptions } from './importance-feed.js';
import { allowedOriginList, isLoopbackHost, sameToken } from './security.js';
import { studySummary } from './study-summary.js';

export interface StorageDashboardConfig {
  /** The storage to read (`sqliteStorage(path)`, `postgresStorage(url)`, ...). It stays the caller's to close. */
  readonly storage: Storage;
  /** The study `/` shows. Default: the storage's only study; with several, `/` lists them. */
  readonly study?: string;
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Address to bind. Default `127.0.0.1`; any other needs a `token`. */
  readonly host?: string;
  /** Grants reading (needed off loopback). Nothing can be controlled from a storage dashboard. */
  readonly token?: string;
  /** How often a storage that cannot say when it changed (SQLite) is looked at, ms. Default 250. */
  readonly pollMs?: number;
  /** Changes a storage notifies (PostgreSQL) within this many ms are read together. Default 50. */
  readonly coalesceMs?: number;
  /** Where the polling runs. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Clock for record times. Default the system clock. */
  readonly clock?: Clock;
  /** Browser origins, besides the dashboard's own page, allowed to connect (see `startMonitor`). */
  readonly allowedOrigins?: readonly string[];
  /** Told when reading a study fails (the storage closed, unreachable); following goes on. Default: ignored. */
  readonly onError?: (study: string, error: unknown) => void;
  /**
   * Parameter importance of each study shown, recomputed as its trials complete (as `startMonitor`'s
   * `importance`). Default on; `false` turns it off, an object sets `importanceFeed()`'s options.
   */
  readonly importance?: boolean | ImportanceFeedOptions;
}

export interface StorageDashboard {
  /** The dashboard: `http://host:port/` (the study, or the list of studies). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The study `/` shows, if one is chosen (or the storage holds only one). */
  readonly study: string | undefined;
  /** The page of one study. */
  studyUrl(name: string): string;
  /** Stop following, tell each page the dashboard ended, and stop listening. */
  close(): Promise<void>;
}

const where = 'storageDashboard()';
const fields = ['storage', 'study', 'port', 'host', 'token', 'pollMs', 'coalesceMs', 'scheduler', 'clock', 'allowedOrigins', 'onError', 'importance'];

/** Why a study name does not do, naming the studies there are. */
function unknownStudy(name: string, studies: readonly StudyRecord[]): string {
  const names = studies.map((s) => s.name);
  return `no study named ${JSON.stringify(name)} in this storage (${names.length === 0 ? 'it holds no study yet' : `its studies: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`})`;
}

/**
 * Serve the dashboard for the studies in `storage`.
 *
 * Intuition: `startMonitor` shows what this process runs; this shows what the storage holds, whoever
 * runs it.
 *
 * @example
 * ```ts
 * import { sqliteStorage, storageDashboard } from 'rxtrain';
 * const storage = sqliteStorage('studies.db', { mustExist: true });
 * const dashboard = await storageDashboard({ storage, study: 'mlp' });
 * console.log(`dashboard: ${dashboard.url}`);
 * ```
 * @returns A handle: its URL, `studyUrl(name)`, `close()`.
 */
export async function storageDashboard(config: StorageDashboardConfig): Promise<StorageDashboard> {
  const c = requireObject(where, config);
  knownFields(where, c, fields);
  const storage = c.storage as Storage;
  if (storage === null || typeof storage !== 'object' || typeof storage.listStudies !== 'function' || typeof storage.getTrials !== 'function') {
    throw configError(where, 'storage', 'must be a Storage (sqliteStorage(path), postgresStorage(url), ...)', c.storage);
  }
  const port = c.port === undefined ? 0 : nonNegativeInt(where, 'port', c.port);
  if (port > 65535) throw configError(where, 'port', 'must be at most 65535', port);
  const host = c.host === undefined ? '127.0.0.1' : nonEmptyString(where, 'host', c.host);
  const token = c.token === undefined ? undefined : nonEmptyString(where, 'token', c.token);
  const loopback = isLoopbackHost(host);
  if (!loopback && token === undefined) throw configError(where, 'token', `is required when host is not a loopback address (host is ${JSON.stringify(host)})`);
  const pollMs = c.pollMs === undefined ? 250 : positiveInt(where, 'pollMs', c.pollMs);
  const coalesceMs = c.coalesceMs === undefined ? 50 : nonNegativeInt(where, 'coalesceMs', c.coalesceMs);
  const scheduler = (c.scheduler as SchedulerLike | undefined) ?? asyncScheduler;
  const clock = (c.clock as Clock | undefined) ?? systemClock;
  const allowedOrigins = allowedOriginList(where, c.allowedOrigins);
  const onError = (c.onError as StorageDashboardConfig['onError']) ?? (() => undefined);
  if (typeof onError !== 'function') throw configError(where, 'onError', 'must be a function', c.onError);

  // One feed per study (its run), computed off the reading of the storage (./importance-feeds.ts).
  const importances = importanceFeedsOption(where, c.importance, (run, event) => hubs.get(run)?.hub.publish(run, event));

  const studies = storage.listStudies();
  let chosen: string | undefined;
  if (c.study !== undefined) {
    chosen = nonEmptyString(where, 'study', c.study);
    if (!studies.some((s) => s.name === chosen)) throw configError(where, 'study', unknownStudy(chosen, studies));
  } else if (studies.length === 1) chosen = studies[0]!.name;

  const hubs = new Map<string, { hub: Hub; following: Subscription }>();
  const hubOf = (record: StudyRecord): Hub => {
    const known = hubs.get(record.name);
    if (known) return known.hub;
    const hub = createHub({
      token: undefined,
      readNeedsToken: !loopback,
      ...(token === undefined ? {} : { readToken: token }),
      readOnlyReason: `this dashboard reads study ${JSON.stringify(record.name)} from its storage: it cannot control the processes that run its trials`,
      source: { kind: 'storage', storage: storage.kind, study: record.name },
      // A page opened at any time is sent the whole study.
      history: Number.MAX_SAFE_INTEGER,
      maxClientQueue: 64 * 1024 * 1024,
      clock,
      flushMs: 100,
    });
    const following = followStudy(storage, record, studyChanges(storage, record.name, { pollMs, coalesceMs, scheduler }), (err) => onError(record.name, err)).subscribe({
      next: (e) => {
        // A step goes out at the time it was stored (the curves' time axes); unknown: null, off those axes.
        hub.publish(record.name, e, e.type === 'epochEnd' ? (e.time ?? Number.NaN) : undefined);
        importances?.see(record.name, e);
      },
      error: (err: unknown) => onError(record.name, err),
    });
    hubs.set(record.name, { hub, following });
    return hub;
  };
  const findStudy = (name: string | null): StudyRecord | string => {
    const all = storage.listStudies();
    const wanted = name ?? chosen ?? (all.length === 1 ? all[0]!.name : undefined);
    if (wanted === undefined) return `this storage holds ${all.length} studies: name one with ?study=NAME (list: /studies)`;
    return all.find((s) => s.name === wanted) ?? unknownStudy(wanted, all);
  };

  const assets = loadDashboard();
  const html = (file: string): Reply => ({ status: 200, contentType: assets.get(file)!.contentType, body: assets.get(file)!.body });
  const json = (status: number, value: unknown): Reply => ({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) });
  const page = (url: URL): Reply | undefined => {
    try {
      if (url.pathname === '/studies.json') {
        const given = url.searchParams.get('token');
        if (!loopback && (token === undefined || given === null || !sameToken(given, token))) return json(401, { error: 'reading this dashboard needs its token (?token=)' });
        return json(200, { storage: storage.kind, chosen: chosen ?? null, studies: storage.listStudies().map((s) => studySummary(s, storage.getTrials(s.name))) });
      }
      if (url.pathname !== '/' && url.pathname !== '/index.html') return undefined;
      const name = url.searchParams.get('study');
      if (name === null && chosen === undefined && storage.listStudies().length !== 1) return html('/studies.html');
      const found = findStudy(name);
      return typeof found === 'string' ? { ...html('/studies.html'), status: 404 } : html('/index.html');
    } catch (err) {
      return json(503, { error: `cannot read the storage: ${errorMessage(err)}` });
    }
  };
  const hubFor = (url: URL): Hub | string => {
    try {
      const found = findStudy(url.searchParams.get('study'));
      return typeof found === 'string' ? found : hubOf(found);
    } catch (err) {
      return `cannot read the storage: ${errorMessage(err)}`;
    }
  };

  const server = await serveDashboard({ port, host, maxClients: 100, maxMessageBytes: 64 * 1024, requestTimeoutMs: 10_000, allowedOrigins, assets, page, hubFor });
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    host,
    study: chosen,
    studyUrl: (name) => `${server.url}?study=${encodeURIComponent(name)}`,
    close(): Promise<void> {
      if (closing === undefined) {
        importances?.close();
        for (const { hub, following } of hubs.values()) {
          following.unsubscribe();
          hub.close();
        }
        hubs.clear();
        closing = server.close();
      }
      return closing;
    },
  };
}
