/**
 * A worker process's loop: claim the study's waiting trials one by one (never one another worker
 * claimed), run each with the objective, report its epochs and its end to the storage, and wait for
 * more when the queue is empty. `rxtrain worker` is this function behind a command line. Built on the
 * study's public surface: it opens the study and optimizes it with a trial source that claims queued
 * trials (lib/study/trial-source.ts).
 */
import type { Observable } from 'rxjs';
import { systemClock, type Clock } from '../clock.js';
import { configError } from '../errors.js';
import { hashSeed } from '../random.js';
import type { Params, Pruner, Sampler, SearchSpaceLike } from '../search/types.js';
import type { Storage } from '../storage/storage.js';
import { parseOptimizeOptions, study as openStudy, type Objective, type OptimizeOptions, type StudyEvent, type TrialSource } from '../study/index.js';
import { finiteNumber, knownFields, nonEmptyString, nonNegativeInt, requireObject } from '../validate.js';
import { followable } from './remote-source.js';

export interface RunWorkerConfig<P extends Params = Params> {
  /** The study's storage (one that can be followed: `postgresStorage`, or a shared `memoryStorage`). */
  readonly storage: Storage;
  /** The study's name; the driver creates the study, a worker only joins it. */
  readonly study: string;
  /** Runs one trial, as for `study.optimize`. */
  readonly objective: Objective<P>;
  /** Decides, from every worker's reports in the storage, whether to stop a trial early. */
  readonly pruner?: Pruner;
  /** Trials this worker runs at once (default 1). */
  readonly concurrency?: number;
  /** Stop after this many trials (default: no limit). */
  readonly trials?: number;
  /**
   * Stop after this many ms with no trial queued and none running, here or in another process (whose
   * trial may come back queued if that process died). Default: never; wait for more.
   */
  readonly idleMs?: number;
  /** As for `study.optimize`: stop with an error after this many trials in a row failed here (default 10). */
  readonly maxConsecutiveFailures?: number;
  /** As for `study.optimize`: fail a trial that runs longer than this many ms (default: no limit). */
  readonly trialTimeout?: number;
  /** The study's seed, for each trial's `seed` (default: derived from the name, as `study()` does). */
  readonly seed?: number;
  readonly clock?: Clock;
}

const WHERE = 'runWorker()';
const noSpace: SearchSpaceLike = { params: [], isActive: () => true };
const noSampler: Sampler = {
  name: 'none',
  // It never samples, so it serves a study of any number of objectives.
  multiObjective: true,
  sample() {
    throw configError(WHERE, 'sampler', 'a worker runs queued trials only; the driver samples them');
  },
};

/**
 * Run queued trials of a study until unsubscribed (or `trials` / `idleMs`).
 *
 * @example
 * ```ts
 * import { postgresStorage, runWorker } from 'rxtrain';
 * import train from './trial.js';
 * runWorker({ storage: postgresStorage(url), study: 'mlp', objective: (trial) => train(trial) }).subscribe(console.log);
 * ```
 * @returns The worker's own study events (its trials only); the last is `studyCompleted` with reason
 *   `'trials'` or `'idle'`.
 */
export function runWorker<P extends Params = Params>(config: RunWorkerConfig<P>): Observable<StudyEvent> {
  const c = requireObject(WHERE, config);
  knownFields(WHERE, c, ['storage', 'study', 'objective', 'pruner', 'concurrency', 'trials', 'idleMs', 'maxConsecutiveFailures', 'trialTimeout', 'seed', 'clock']);
  const storage = followable(WHERE, c.storage as Storage);
  const name = nonEmptyString(WHERE, 'study', c.study);
  if (typeof c.objective !== 'function') throw configError(WHERE, 'objective', 'must be a function of a trial', c.objective);
  const objective = c.objective as Objective<P>;
  if (c.pruner !== undefined && typeof (c.pruner as Pruner).shouldPrune !== 'function') throw configError(WHERE, 'pruner', 'must be a Pruner', c.pruner);
  const pruner = c.pruner as Pruner | undefined;
  const options = {
    ...(c.concurrency !== undefined ? { concurrency: c.concurrency } : {}),
    ...(c.trials !== undefined ? { trials: c.trials } : {}),
    ...(c.maxConsecutiveFailures !== undefined ? { maxConsecutiveFailures: c.maxConsecutiveFailures } : {}),
    ...(c.trialTimeout !== undefined ? { trialTimeout: c.trialTimeout } : {}),
  } as OptimizeOptions;
  // Checked here too, so that a bad option names runWorker(), the function that was called.
  parseOptimizeOptions(WHERE, options);
  const idleMs = c.idleMs === undefined ? undefined : nonNegativeInt(WHERE, 'idleMs', c.idleMs);
  const seed = c.seed === undefined ? hashSeed(name) : finiteNumber(WHERE, 'seed', c.seed);
  const clock = (c.clock ?? systemClock) as Clock;

  const record = storage.listStudies().find((s) => s.name === name);
  if (record === undefined) {
    throw configError(WHERE, 'study', `no study named ${JSON.stringify(name)} in this ${storage.kind} storage: start the driver first (it creates the study)`, name);
  }
  const s = openStudy<SearchSpaceLike>({
    name,
    // A multi-objective study is opened with its directions and metrics, as its driver created it.
    ...(record.directions !== undefined
      ? { directions: record.directions, ...(record.metrics !== undefined ? { metrics: record.metrics } : {}) }
      : { direction: record.direction, ...(record.metric !== undefined ? { metric: record.metric } : {}) }),
    storage,
    space: noSpace,
    sampler: noSampler,
    ...(pruner ? { pruner } : {}),
    seed,
    clock,
  });
  // Only queued trials, claimed one at a time; run here as the study runs its own.
  const claimQueued: TrialSource = {
    open: (run) => ({
      next(onEnded) {
        const claimed = storage.claimWaitingTrial(name, clock.now());
        if (claimed === undefined) return undefined;
        return { number: claimed.number, params: claimed.params, events: run.run(objective as Objective, claimed, onEnded) };
      },
      exhausted: () => false,
      wake: storage.watch(name),
      ...(idleMs !== undefined ? { idleMs } : {}),
      // A trial running elsewhere is re-queued if its runner died: wait for it before idling out.
      busyElsewhere: () => storage.getTrials(name, ['running']).length > 0,
    }),
  };
  return s.optimize(claimQueued, options);
}
