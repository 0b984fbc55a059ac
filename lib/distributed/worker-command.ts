/**
 * `rxtrain worker`: a worker process for a study in PostgreSQL. It loads the objective module (the
 * same module `workerObjective` runs in threads: its export takes `{params, number, seed, study}` and
 * returns the trial's training stream or its value), joins the study, and runs queued trials until
 * stopped (SIGINT/SIGTERM), `--trials` were run, or nothing was queued for `--idle-exit` seconds.
 *
 * With `--concurrency 1` (the default) trials run in this process; with more, in that many worker
 * threads (each its own tfjs), the pruning decisions staying in this process. The module may also
 * export `pruner` (a `Pruner`): workers then stop trials early against every worker's reports; and
 * `member` (a PBT member factory): workers then also run the segments of PBT members that
 * `remotePbtMembers()` queues.
 */
import { defer, switchMap, type Subscription } from 'rxjs';
import { entryUrl } from '../thread/start-thread.js';
import { importModule, loadFunction, moduleUrl } from '../thread/load-module.js';
import { isPbtSegment, loadMemberFactory, runSegment, type PbtSegment } from './pbt-segment.js';
import type { PbtObjective } from '../pbt/types.js';
import { configError } from '../errors.js';
import type { Params, Pruner } from '../search/types.js';
import type { Objective, ObjectiveResult, StudyEvent } from '../study/index.js';
import { postgresStorage } from '../storage/postgres/postgres-storage.js';
import { runWorker } from './run-worker.js';
import { trialFunction, type WorkerTrialInput } from './trial-function.js';
import type { BackendName } from '../backend/use-backend.js';

export interface WorkerCommandOptions {
  readonly storage: string;
  readonly study: string;
  readonly objective: string;
  readonly export?: string;
  /** The export that makes a PBT member, for PBT segments (default `member`). */
  readonly memberExport?: string;
  readonly concurrency?: number;
  readonly trials?: number;
  readonly idleExitSeconds?: number;
  readonly schema?: string;
  readonly backend?: BackendName | 'auto';
  readonly seed?: number;
  readonly heartbeatMs?: number;
  readonly staleAfterMs?: number;
  readonly trialTimeoutMs?: number;
  readonly maxConsecutiveFailures?: number;
}

const WHERE = 'rxtrain worker';

/** One line per event, for a log. */
export function formatWorkerEvent(e: StudyEvent): string | undefined {
  switch (e.type) {
    case 'trialStarted':
      return `started ${e.trial} ${JSON.stringify(e.params)}`;
    case 'trialCompleted':
      return `completed ${e.trial} ${e.value} ${(e.durationMs / 1000).toFixed(2)}s`;
    case 'trialPruned':
      return `pruned ${e.trial}${e.step !== undefined ? ` at step ${e.step}` : ''}`;
    case 'trialFailed':
      return `failed ${e.trial} ${e.error}`;
    case 'studyCompleted':
      return `done ${e.reason}: ${e.completed} completed, ${e.pruned} pruned, ${e.failed} failed`;
    default:
      return undefined;
  }
}

function isPruner(x: unknown): x is Pruner {
  return typeof x === 'object' && x !== null && 'shouldPrune' in x && typeof x.shouldPrune === 'function';
}

/** Run the worker; resolves when it stops. `log` gets one line per trial event. */
export async function workerCommand(o: WorkerCommandOptions, log: (line: string) => void, stop: Promise<void>): Promise<void> {
  const url = moduleUrl(o.objective);
  const exportName = o.export ?? 'default';
  const concurrency = o.concurrency ?? 1;
  const fn = await loadFunction<(input: WorkerTrialInput) => ObjectiveResult>(`${WHERE}:`, o.objective, exportName);
  const pruner = (await importModule(o.objective)).pruner;
  if (pruner !== undefined && !isPruner(pruner)) throw configError(WHERE, 'pruner', `the export 'pruner' of ${o.objective} is not a Pruner`);

  const memberExport = o.memberExport ?? 'member';
  let objective: Objective<Params>;
  let segments: Objective<Params>;
  let closePool: (() => Promise<void>) | undefined;
  if (concurrency > 1) {
    const { workerPool } = await import('../parallel/worker-pool.js');
    const { workerObjective } = await import('./worker-objective.js');
    const pool = workerPool({ size: concurrency, ...(o.backend ? { backend: o.backend } : {}) });
    closePool = () => pool.close();
    objective = workerObjective(pool, { module: url, export: exportName });
    const task = entryUrl('pbt-segment', import.meta.url).href;
    segments = (trial) =>
      pool.run<{ readonly type: string }>({
        module: task,
        export: 'runSegmentTask',
        input: { module: url, export: memberExport, params: trial.params, segment: trial.record().attrs?.pbt },
      });
  } else {
    // As a pool's worker thread does: pick the backend before the objective's first tensor.
    const { useBackend } = await import('../backend/use-backend.js');
    await useBackend(o.backend ?? 'auto');
    objective = trialFunction(fn);
    let factory: Promise<PbtObjective> | undefined;
    segments = (trial) =>
      defer(() => (factory ??= loadMemberFactory(url, memberExport))).pipe(
        switchMap((f) => runSegment(f, trial.params, trial.record().attrs?.pbt as PbtSegment)),
      );
  }
  // A trial queued by remotePbtMembers() is a segment of a PBT member; any other, a trial of the objective.
  const run: Objective<Params> = (trial) => (isPbtSegment(trial.record().attrs?.pbt) ? segments(trial) : objective(trial));

  const storage = postgresStorage(o.storage, {
    ...(o.schema !== undefined ? { schema: o.schema } : {}),
    ...(o.heartbeatMs !== undefined ? { heartbeatMs: o.heartbeatMs } : {}),
    ...(o.staleAfterMs !== undefined ? { staleAfterMs: o.staleAfterMs } : {}),
  });
  let sub: Subscription | undefined;
  try {
    await new Promise<void>((done, fail) => {
      sub = runWorker({
        storage,
        study: o.study,
        objective: run,
        concurrency,
        ...(pruner ? { pruner } : {}),
        ...(o.trials !== undefined ? { trials: o.trials } : {}),
        ...(o.idleExitSeconds !== undefined ? { idleMs: Math.round(o.idleExitSeconds * 1000) } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(o.trialTimeoutMs !== undefined ? { trialTimeout: o.trialTimeoutMs } : {}),
        ...(o.maxConsecutiveFailures !== undefined ? { maxConsecutiveFailures: o.maxConsecutiveFailures } : {}),
      }).subscribe({
        next: (e) => {
          const line = formatWorkerEvent(e);
          if (line !== undefined) log(line);
        },
        error: fail,
        complete: done,
      });
      void stop.then(() => {
        // Stopping: running trials are recorded failed ('cancelled'), queued ones stay for other workers.
        sub?.unsubscribe();
        log('stopped');
        done();
      });
    });
  } finally {
    sub?.unsubscribe();
    storage.close();
    await closePool?.();
  }
}
