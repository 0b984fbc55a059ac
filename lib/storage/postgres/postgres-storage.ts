/**
 * A storage in PostgreSQL: one study shared by worker processes on many machines.
 *
 * How it keeps the rules of {@link Storage}:
 * - Every write is ONE statement, run on its own (statements.ts): the server runs it to its commit
 *   without waiting for this process, so a worker that is frozen (SIGSTOP, a paused VM) or cut off
 *   between two calls holds no lock, and the others go on. A trial number comes from the study row's
 *   counter, locked only for the statement that creates the trial (rule 2). Claiming a waiting trial
 *   takes the lowest one with `FOR UPDATE SKIP LOCKED`: two claimers never get the same trial and never
 *   wait for each other (rule 3). Checks on the current record are made on a read, and the write
 *   repeats the condition; if someone changed the trial in between, it is read again and the rules
 *   say why.
 * - Every session is bounded (connections.ts): `statement_timeout` (the call's `timeoutMs`),
 *   `lock_timeout` and `idle_in_transaction_session_timeout` (10 s), and TCP keepalives (10 s, then 3
 *   probes 5 s apart; `tcp_user_timeout` 30 s) so the server drops a worker it cannot reach in about
 *   25 s instead of about 2 hours.
 * - Interrupted trials (rule 8) are found by heartbeat, not by pid: each storage writes its own row of
 *   `rxtrain_heartbeats` every `heartbeatMs`, from its own thread and its own connection, and nothing
 *   else writes that row, so no lock and no slow call can hold a beat back; a beat is scheduled only
 *   once the last one is done. A running trial whose runner's last beat is older than `staleAfterMs`
 *   by the database's clock is failed with error `interrupted: ...` when anyone opens the study, claims
 *   a trial, or follows the study. With `onStale: 'retry'` its parameters are also queued again as a
 *   new trial (with the old trial's `attrs` plus `retryOf`; the old record gets `attrs.requeuedAs`). A
 *   runner that comes back after that finds its trial finished: its reports and its result are refused
 *   (a `STORAGE` error), so nothing is reported twice.
 * - A call that gets no answer (the database unreachable, or slower than `timeoutMs`) throws, and so
 *   fails its trial; that trial's parameters are then queued again (`onStale: 'retry'`) as a stale
 *   trial's would be, so the trial is not lost. Recording a failure never throws for want of an
 *   answer: the storage's thread writes it once the database answers.
 * - Every write stamps the trials it changed with its transaction id and notifies channel
 *   `rxtrain_changes`: readers fetch only the trials changed since their last read, and
 *   `watch(study)` follows changes by LISTEN/NOTIFY.
 *
 * The interface is synchronous (see lib/storage/storage.ts): the `pg` client runs in a worker thread and
 * each call blocks until its answer (lib/thread/blocking-call.ts), about one round trip to the database.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import { blockingCall, type BlockingCall } from '../../thread/blocking-call.js';
import { entryUrl } from '../../thread/start-thread.js';
import type { FrozenTrial, Params, TrialState } from '../../search/types.js';
import type { NewTrial, OpenedStudy, Storage, StudyRecord, StudySpec, TrialOutcome } from '../storage.js';
import { freezeTrial, storageError } from '../rules.js';
import { RxtrainError, configError } from '../../errors.js';
import { knownFields, nonEmptyString, oneOf, positiveInt, requireObject } from '../../validate.js';
import type { PostgresThreadData } from './postgres-thread.js';

export interface PostgresStorageOptions {
  /** The PostgreSQL schema holding rxtrain's tables (created if missing). Default `public`. */
  readonly schema?: string;
  /** How often this storage marks the trials it runs as alive, ms. Default 5 000. */
  readonly heartbeatMs?: number;
  /** A running trial without a heartbeat for this long is interrupted, ms. Default 30 000 (≥ 2 × heartbeatMs). */
  readonly staleAfterMs?: number;
  /** What happens to an interrupted trial: `'fail'` it, or fail it and queue its parameters again (`'retry'`, default). */
  readonly onStale?: 'fail' | 'retry';
  /** How long one call may wait for the database, ms. Default 60 000. */
  readonly timeoutMs?: number;
}

/** A storage whose trials can be followed as they change (what remote workers need). */
export interface WatchableStorage extends Storage {
  /** The numbers of the study's trials as they change (any write), by notification. */
  watch(study: string): Observable<number>;
  trialMetrics(study: string, trial: number): ReadonlyArray<readonly [number, Readonly<Record<string, number>>]>;
}

const KIND = 'postgres';
const WHERE = 'postgresStorage()';

/**
 * Open a storage in PostgreSQL at `url` (`postgres://user@host:5432/db`).
 *
 * @example
 * ```ts
 * import { postgresStorage, study } from 'rxtrain';
 * const storage = postgresStorage('postgres://postgres@127.0.0.1:5432/test');
 * const s = study({ name: 'mlp', direction: 'maximize', metric: 'val_accuracy', storage, space, sampler });
 * ```
 * @returns A {@link Storage} that can also `watch` a study; call `close()` when done.
 */
export function postgresStorage(url: string, options: PostgresStorageOptions = {}): WatchableStorage {
  nonEmptyString(WHERE, 'url', url);
  if (!/^postgres(ql)?:\/\//.test(url)) throw configError(WHERE, 'url', 'must start with postgres:// or postgresql://', url);
  const o = requireObject(WHERE, options, 'options');
  knownFields(WHERE, o, ['schema', 'heartbeatMs', 'staleAfterMs', 'onStale', 'timeoutMs']);
  const schema = o.schema === undefined ? 'public' : nonEmptyString(WHERE, 'schema', o.schema);
  const heartbeatMs = o.heartbeatMs === undefined ? 5_000 : positiveInt(WHERE, 'heartbeatMs', o.heartbeatMs);
  const staleAfterMs = o.staleAfterMs === undefined ? Math.max(30_000, 2 * heartbeatMs) : positiveInt(WHERE, 'staleAfterMs', o.staleAfterMs);
  if (staleAfterMs < 2 * heartbeatMs) {
    throw configError(WHERE, 'staleAfterMs', `must be at least twice heartbeatMs (${heartbeatMs}), or live trials would be failed`, staleAfterMs);
  }
  const onStale = o.onStale === undefined ? 'retry' : oneOf(WHERE, 'onStale', o.onStale, ['fail', 'retry'] as const);
  const timeoutMs = o.timeoutMs === undefined ? 60_000 : positiveInt(WHERE, 'timeoutMs', o.timeoutMs);

  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const data: PostgresThreadData = { url, schema, owner, heartbeatMs, staleAfterMs, onStale, timeoutMs };
  const shown = url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  const rpc: BlockingCall = blockingCall(entryUrl('postgres-thread', import.meta.url), { ...data }, { timeoutMs, code: 'STORAGE', what: `postgres storage (${shown})` });
  let closed = false;
  const call = <T>(op: string, ...args: unknown[]): T => {
    if (closed) throw storageError('postgres storage: it was closed', { url: shown });
    return rpc.call<T>(op, args);
  };
  // Trials a call failed for (the database did not answer, or not in time): when such a trial then
  // fails, its parameters are queued again (onStale 'retry'), as if its runner had died: the trial
  // is not lost for the study's lack of an answer.
  const broken = new Set<string>();
  const trialCall = <T>(op: string, study: string, trial: number, ...args: unknown[]): T => {
    try {
      return call<T>(op, study, trial, ...args);
    } catch (err) {
      if (err instanceof RxtrainError && (err.details.unanswered === true || err.details.transient === true)) broken.add(`${study}:${trial}`);
      throw err;
    }
  };
  try {
    call('init');
  } catch (err) {
    void rpc.terminate();
    throw storageError(`postgres storage: cannot open ${shown} (schema ${JSON.stringify(schema)}): ${(err as Error).message}`, { url: shown, schema }, err);
  }

  // Records crossed a thread boundary (structured clone drops freezing): freeze them again.
  const thaw = (t: FrozenTrial): FrozenTrial => freezeTrial(t);
  // Each study's records as last read and its version then (see the SQLite storage: same scheme).
  const cache = new Map<string, { version: number; trials: FrozenTrial[] }>();
  const refresh = (name: string): FrozenTrial[] => {
    let entry = cache.get(name);
    if (!entry) cache.set(name, (entry = { version: 0, trials: [] }));
    const changed = call<{ version: number; trials: FrozenTrial[] }>('changedSince', name, entry.version);
    for (const t of changed.trials) entry.trials[t.number] = thaw(t);
    entry.version = changed.version;
    return entry.trials;
  };

  return {
    kind: KIND,
    openStudy(spec: StudySpec, now: number): OpenedStudy {
      const r = call<{ study: StudyRecord; interrupted: FrozenTrial[] }>('openStudy', spec, now);
      return { study: Object.freeze(r.study), interrupted: r.interrupted.map(thaw) };
    },
    listStudies: () => call<StudyRecord[]>('listStudies').map((s) => Object.freeze(s)),
    createTrial: (study: string, init: NewTrial) => thaw(call('createTrial', study, init)),
    claimWaitingTrial(study: string, now: number): FrozenTrial | undefined {
      const t = call<FrozenTrial | undefined>('claimWaitingTrial', study, now);
      return t === undefined ? undefined : thaw(t);
    },
    setTrialParams: (study: string, trial: number, params: Params) => thaw(trialCall('setTrialParams', study, trial, params)),
    reportIntermediate: (study: string, trial: number, step: number, value: number, metrics?: Readonly<Record<string, number>>, now?: number) =>
      thaw(trialCall('reportIntermediate', study, trial, step, value, metrics, now)),
    finishTrial(study: string, trial: number, outcome: TrialOutcome): FrozenTrial {
      const key = `${study}:${trial}`;
      const requeue = outcome.state === 'failed' && onStale === 'retry' && broken.delete(key);
      try {
        return thaw(call('finishTrial', study, trial, outcome, requeue));
      } catch (err) {
        // Recording a failure never fails for want of an answer: the thread writes it once it can (it
        // keeps it, or still runs the call); meanwhile this is the record it will write.
        if (outcome.state !== 'failed' || !(err instanceof RxtrainError) || (err.details.unanswered !== true && err.details.transient !== true)) throw err;
        const last = cache.get(study)?.trials[trial];
        return freezeTrial({ ...(last ?? { number: trial, params: {}, intermediate: [] }), state: 'failed', error: outcome.error ?? 'failed', finishedAt: outcome.now });
      }
    },
    setTrialAttrs: (study: string, trial: number, attrs: Readonly<Record<string, unknown>>) => thaw(trialCall('setTrialAttrs', study, trial, attrs)),
    getTrial: (study: string, trial: number) => (Number.isInteger(trial) ? refresh(study)[trial] : undefined),
    getTrials(study: string, states?: readonly TrialState[]): readonly FrozenTrial[] {
      const trials = refresh(study);
      return states ? trials.filter((t) => states.includes(t.state)) : [...trials];
    },
    trialMetrics: (study: string, trial: number) => call<Array<[number, Record<string, number>]>>('trialMetrics', study, trial),
    watch(study: string): Observable<number> {
      return new Observable<number>((subscriber) => {
        const off = rpc.onEvent((m) => {
          const { study: s, trial } = m as { study: string; trial: number };
          if (s === study) subscriber.next(trial);
        });
        try {
          call('listen', study);
        } catch (err) {
          off();
          subscriber.error(err);
        }
        return off;
      });
    },
    close(): void {
      if (closed) return;
      try {
        call('close');
      } finally {
        closed = true;
        void rpc.terminate();
      }
    },
  };
}
