/**
 * The thread that talks to PostgreSQL for one `postgresStorage`: it answers the storage's blocking
 * calls (see lib/thread/blocking-call.ts) with the operation table below, beats the heartbeat of the
 * trials this storage runs (heartbeat.ts), fails (or re-queues) trials whose runner stopped beating,
 * and forwards LISTEN notifications (change-feed.ts).
 *
 * Its connections and their bounds are in connections.ts, the schema and its migration in schema.ts,
 * each write's one statement in statements.ts. Every loop waits for its last query before it
 * schedules the next: no connection ever gets a query while it is running one.
 */
import { serveBlockingCalls } from '../../thread/blocking-call.js';
import { RxtrainError } from '../../errors.js';
import type { FrozenTrial, Params } from '../../search/types.js';
import type { NewTrial, StudyRecord, StudySpec, TrialOutcome } from '../storage.js';
import { checkAttrs, checkParamsUnset, checkReport, checkRunning, checkSameStudy, checkStudyName, freezeTrial, missingTrial, storageError } from '../rules.js';
import { listColumn, studyFromRow, type StudyRow } from '../rows.js';
import { ChangeFeed } from './change-feed.js';
import { Connections } from './connections.js';
import { Heartbeat } from './heartbeat.js';
import { PendingEnds } from './pending-ends.js';
import { query } from './query.js';
import { CHANNEL, migrate } from './schema.js';
import { CLAIM, CREATE, CHANGED, REPORT, SET_ATTRS, SET_PARAMS, SINCE, TRIAL } from './statements.js';
import { StudyTrials, record, type TrialStepsRow } from './study-trials.js';
import { workerData } from 'node:worker_threads';

export interface PostgresThreadData {
  readonly url: string;
  readonly schema: string;
  readonly owner: string;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly onStale: 'fail' | 'retry';
  readonly timeoutMs: number;
}

const KIND = 'postgres';
const config = workerData as PostgresThreadData;
const connections = new Connections(config);
const trials = new StudyTrials(config, connections);
const pending = new PendingEnds((name, n, outcome, requeue) => trials.end(name, n, outcome, requeue), (fn) => connections.exclusive(fn));
const heartbeat = new Heartbeat(config, connections, () => pending.retry());
const feed = new ChangeFeed(connections, trials, config.heartbeatMs, (change) => events.postMessage(change));

/** Each call has the calls' connection to itself (see `Connections.exclusive`). */
function serialised<H extends Record<string, (...args: never[]) => Promise<unknown>>>(handlers: H): H {
  const out: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [op, fn] of Object.entries(handlers)) out[op] = (...args: never[]) => connections.exclusive(() => fn(...args));
  return out as H;
}

const events = serveBlockingCalls(serialised({
  async init(): Promise<void> {
    connections.db = await connections.connect();
    await migrate(connections.db, config.schema);
    await heartbeat.start();
  },

  async openStudy(spec: StudySpec, now: number): Promise<{ study: StudyRecord; interrupted: FrozenTrial[] }> {
    const name = checkStudyName(KIND, spec.name);
    const c = await connections.calls();
    await query(c, `INSERT INTO rxtrain_studies (name, direction, metric, created_at, directions, metrics) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING`, [
      name,
      spec.direction,
      spec.metric ?? null,
      now,
      listColumn(spec.directions),
      listColumn(spec.metrics),
    ]);
    const { rows } = await query<StudyRow>(c, 'SELECT * FROM rxtrain_studies WHERE name = $1', [name]);
    const row = rows[0]!;
    const study = studyFromRow(row);
    checkSameStudy(KIND, study, spec);
    trials.remember(name, row.id);
    return { study, interrupted: await trials.fail(c, row.id, now) };
  },

  async listStudies(): Promise<StudyRecord[]> {
    const { rows } = await query<StudyRow>(await connections.calls(), 'SELECT * FROM rxtrain_studies ORDER BY id', []);
    return rows.map(studyFromRow);
  },

  createTrial: pending.first(async (name: string, init: NewTrial): Promise<FrozenTrial> => {
    if (init.state !== 'waiting' && init.state !== 'running') {
      throw storageError(`postgres storage: a trial is created waiting or running, not ${String(init.state)}`);
    }
    const attrs = init.attrs ? JSON.stringify(checkAttrs(KIND, init.attrs)) : null;
    const params = JSON.stringify(init.params ?? {});
    const c = await connections.calls();
    const id = await trials.studyId(c, name);
    const running = init.state === 'running';
    const { rows } = await query<TrialStepsRow>(c, CREATE, [id, init.state, params, running ? init.now : null, attrs, running ? config.owner : null, CHANNEL]);
    return record(rows[0]!);
  }),

  claimWaitingTrial: pending.first(async (name: string, now: number): Promise<FrozenTrial | undefined> => {
    const c = await connections.calls();
    const id = await trials.studyId(c, name);
    await trials.fail(c, id, now);
    const { rows } = await query<TrialStepsRow>(c, CLAIM, [id, now, config.owner, CHANNEL]);
    return rows[0] === undefined ? undefined : record(rows[0]);
  }),

  setTrialParams: pending.first(async (name: string, n: number, params: Params): Promise<FrozenTrial> => {
    const c = await connections.calls();
    const id = await trials.studyId(c, name);
    const trial = await trials.load(c, id, name, n);
    checkParamsUnset(KIND, name, trial);
    const { rowCount } = await query(c, SET_PARAMS, [id, n, JSON.stringify(params), CHANNEL]);
    if (rowCount !== 1) checkParamsUnset(KIND, name, await trials.load(c, id, name, n));
    return freezeTrial({ ...trial, params });
  }),

  reportIntermediate: pending.first(async (name: string, n: number, step: number, value: number, metrics?: Record<string, number>, at?: number): Promise<FrozenTrial> => {
    const c = await connections.calls();
    const id = await trials.studyId(c, name);
    const trial = await trials.load(c, id, name, n);
    checkRunning(KIND, name, n, trial.state, 'report to');
    if (!checkReport(KIND, name, n, step, value, trial.intermediate.find((p) => p[0] === step)?.[1], at)) return trial;
    const { rowCount } = await query(c, REPORT, [id, n, step, value, metrics === undefined ? null : JSON.stringify(metrics), at ?? null, CHANNEL]);
    if (rowCount !== 1) {
      // Finished, or the step written, meanwhile: the rules say which (the same value again is fine).
      const now = await trials.load(c, id, name, n);
      checkRunning(KIND, name, n, now.state, 'report to');
      checkReport(KIND, name, n, step, value, now.intermediate.find((p) => p[0] === step)?.[1]);
      return now;
    }
    const byStep = (a: readonly [number, number], b: readonly [number, number]): number => a[0] - b[0];
    const stepTimes = at === undefined ? trial.stepTimes : [...(trial.stepTimes ?? []), [step, at] as const].sort(byStep);
    return freezeTrial({ ...trial, intermediate: [...trial.intermediate, [step, value] as const].sort(byStep), stepTimes });
  }),

  finishTrial: pending.first(async (name: string, n: number, outcome: TrialOutcome, requeue = false): Promise<FrozenTrial> => {
    try {
      return await trials.end(name, n, outcome, requeue);
    } catch (err) {
      // Unreachable: keep it, and write it with the next call or the retry timer.
      if (err instanceof RxtrainError && err.details.transient === true && outcome.state === 'failed') {
        pending.keep(name, n, outcome, requeue);
      }
      throw err;
    }
  }),

  setTrialAttrs: pending.first(async (name: string, n: number, attrs: Record<string, unknown>): Promise<FrozenTrial> => {
    const add = checkAttrs(KIND, attrs);
    const c = await connections.calls();
    const id = await trials.studyId(c, name);
    for (let attempt = 0; attempt < 10; attempt++) {
      const row = Number.isInteger(n) ? (await query<TrialStepsRow>(c, TRIAL, [id, n])).rows[0] : undefined;
      if (!row) throw missingTrial(KIND, name, n);
      const trial = record(row);
      const merged = { ...trial.attrs, ...add };
      // Written only over the attrs it was merged with; if they changed meanwhile, merge again.
      const { rowCount } = await query(c, SET_ATTRS, [id, n, JSON.stringify(merged), row.attrs, CHANNEL]);
      if (rowCount === 1) return freezeTrial({ ...trial, attrs: merged });
    }
    throw storageError(`postgres storage: the attrs of trial ${n} of ${JSON.stringify(name)} kept changing while they were being set`, { study: name, trial: n });
  }),

  /** Every trial changed since `since` (with its steps), and the `since` of the next call. */
  async changedSince(name: string, since: number): Promise<{ version: number; trials: FrozenTrial[] }> {
    const c = await connections.calls();
    const id = await trials.studyId(c, name);
    // The horizon first, the rows after: a write not visible to the rows query has an id ≥ it.
    const next = Number((await query<{ since: string }>(c, SINCE, [])).rows[0]!.since);
    const { rows } = await query<TrialStepsRow>(c, CHANGED, [id, since]);
    return { version: next, trials: rows.map(record) };
  },

  async trialMetrics(name: string, n: number): Promise<Array<[number, Record<string, number>]>> {
    const c = await connections.calls();
    const id = await trials.studyId(c, name);
    const { rows } = await query<{ step: number; metrics: string | null }>(
      c,
      'SELECT step, metrics FROM rxtrain_intermediate WHERE study_id = $1 AND number = $2 ORDER BY step',
      [id, n],
    );
    return rows.filter((r) => r.metrics !== null).map((r) => [r.step, JSON.parse(r.metrics!) as Record<string, number>]);
  },

  /** Start forwarding the changes of study `name` on the event port, as `{study, trial}`. */
  async listen(name: string): Promise<void> {
    await feed.listen(name);
  },

  async unlisten(name: string): Promise<void> {
    feed.unlisten(name);
  },

  async close(): Promise<void> {
    heartbeat.stop();
    feed.stop();
    if (pending.size > 0) await pending.writeAll().catch(() => {});
    connections.closed = true;
    await heartbeat.remove();
    await connections.end();
  },
}));
