/**
 * `remoteWorkers()`: the objective that says "worker processes run the trials". `study.optimize` then
 * keeps `concurrency` trials queued or running: it samples parameters, queues them as waiting trials in
 * the study's storage, and follows each until a worker (`rxtrain worker`, or `runWorker`) has finished
 * it. Trials already queued (by `study.enqueue`, `evolve`'s generations, or a re-queued retry) are
 * followed first.
 */
import { configError } from '../errors.js';
import type { Params } from '../search/types.js';
import type { Storage } from '../storage/storage.js';
import type { Internals, TrialSource } from '../study/optimize.js';
import { followTrial } from './follow-trial.js';

/** The marker objective of a study whose trials run in other processes. */
export interface RemoteWorkers {
  readonly kind: 'remoteWorkers';
}

/**
 * Run a study's trials on worker processes (any machine that reaches the storage).
 *
 * @example
 * ```ts
 * import { study, postgresStorage, remoteWorkers } from 'rxtrain';
 * const s = study({ name: 'mlp', direction: 'maximize', metric: 'val_accuracy', storage: postgresStorage(url), space, sampler });
 * s.optimize(remoteWorkers(), { trials: 60, concurrency: 6 }).subscribe(console.log);
 * // meanwhile, on each machine: npx rxtrain worker --storage <url> --study mlp --objective ./trial.js
 * ```
 * @returns The objective to pass to `study.optimize` (or `evolve`). The study's storage must be one that
 *   can follow trials (`postgresStorage`, or `memoryStorage` with workers in the same process).
 */
export function remoteWorkers(): RemoteWorkers {
  return Object.freeze({ kind: 'remoteWorkers' as const });
}

export function isRemoteWorkers(x: unknown): x is RemoteWorkers {
  return x !== null && typeof x === 'object' && (x as { kind?: unknown }).kind === 'remoteWorkers';
}

export function followable(where: string, storage: Storage): Storage & Required<Pick<Storage, 'watch'>> {
  if (typeof storage.watch !== 'function') {
    throw configError(
      where,
      'storage',
      `a ${storage.kind} storage cannot follow trials that other processes run: use postgresStorage(url) (or memoryStorage() with workers in this process)`,
    );
  }
  return storage as Storage & Required<Pick<Storage, 'watch'>>;
}

export function remoteSource<P extends Params>(internals: Internals<P>, _marker: RemoteWorkers): TrialSource {
  const { study, space, clock } = internals;
  const storage = followable('study.optimize(remoteWorkers())', study.storage);
  // The trials this run follows; a queued trial is taken by the first run that sees it.
  const followed = new Set<number>();
  const unfollowedWaiting = (): boolean => study.trials(['waiting']).some((t) => !followed.has(t.number));
  return {
    next(onEnded) {
      const trials = study.trials();
      let record = trials.find((t) => t.state === 'waiting' && !followed.has(t.number));
      if (record === undefined) {
        const params: Params = space.params.length > 0 ? study.sampler.sample(space, trials, { direction: study.direction, trialNumber: trials.length }) : {};
        record = study.enqueue(params as P);
      }
      followed.add(record.number);
      return {
        number: record.number,
        params: record.params,
        events: followTrial(storage, study.name, study.metric, record.number, clock, onEnded),
        // A re-queued retry replaces a trial that was counted already.
        counts: record.attrs?.retryOf === undefined,
      };
    },
    exhausted() {
      const { sampler } = study;
      if (typeof sampler.isExhausted !== 'function') return false;
      return !unfollowedWaiting() && sampler.isExhausted(space, study.trials());
    },
  };
}
