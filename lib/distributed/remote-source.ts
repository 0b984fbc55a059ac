/**
 * `remoteWorkers()`: the trial source that says "worker processes run the trials". `study.optimize` then
 * keeps `concurrency` trials queued or running: it samples parameters, queues them as waiting trials in
 * the study's storage, and follows each until a worker (`rxtrain worker`, or `runWorker`) has finished
 * it. Trials already queued (by `study.enqueue`, `evolve`'s generations, or a re-queued retry) are
 * followed first.
 */
import { Observable, type Subscription } from 'rxjs';
import type { Clock } from '../clock.js';
import { configError } from '../errors.js';
import type { Params } from '../search/types.js';
import type { Storage } from '../storage/storage.js';
import type { OnEnded, StudyEvent, TrialFeed, TrialRun, TrialSource } from '../study/index.js';
import { followTrial } from './follow-trial.js';

/** The trial source of a study whose trials run in other processes. */
export interface RemoteWorkers extends TrialSource {
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
 * @returns The source to pass to `study.optimize` (or `evolve`) in place of an objective. The study's
 *   storage must be one that can follow trials (`postgresStorage`, or `memoryStorage` with workers in
 *   the same process).
 */
export function remoteWorkers(): RemoteWorkers {
  return Object.freeze({ kind: 'remoteWorkers' as const, open: remoteFeed });
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

function remoteFeed(run: TrialRun): TrialFeed {
  const { study, space, clock } = run;
  if (run.trialTimeout !== undefined) {
    throw configError('study.optimize()', 'trialTimeout', 'stops trials that run in this process; with remoteWorkers(), give it to the workers (runWorker({ trialTimeout }), rxtrain worker --trial-timeout)', run.trialTimeout);
  }
  const storage = followable('study.optimize(remoteWorkers())', study.storage);
  // The trials this run follows; a queued trial is taken by the first run that sees it. The retry of a
  // followed trial is followed in that trial's slot (followChain), never taken as a new one.
  const followed = new Set<number>();
  const free = (t: { number: number; attrs?: Readonly<Record<string, unknown>> }): boolean =>
    !followed.has(t.number) && !followed.has(t.attrs?.retryOf as number);
  const unfollowedWaiting = (): boolean => study.trials(['waiting']).some(free);
  return {
    next(onEnded) {
      const trials = study.trials();
      let record = trials.find((t) => t.state === 'waiting' && free(t));
      if (record === undefined) {
        const params: Params = space.params.length > 0 ? study.sampler.sample(space, trials, { direction: study.direction, trialNumber: trials.length }) : {};
        record = study.enqueue(params);
      }
      return {
        number: record.number,
        params: record.params,
        events: followChain(storage, study.name, study.metric, record.number, clock, onEnded, followed),
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

/**
 * Follow trial `number` and, when its worker died and it was queued again (`attrs.requeuedAs`), its
 * retry, in the same slot: a run asked for N trials gets N results, not N minus the workers killed.
 * The dead trial's end still goes out (a `trialFailed`, "interrupted: ...") and to `onEnded`, which
 * does not count it; a `trialStarted` then announces the retry.
 */
function followChain(
  storage: Storage & Required<Pick<Storage, 'watch'>>,
  study: string,
  metric: string | undefined,
  number: number,
  clock: Clock,
  onEnded: OnEnded,
  followed: Set<number>,
): Observable<StudyEvent> {
  return new Observable<StudyEvent>((subscriber) => {
    let current: Subscription | undefined;
    const follow = (n: number): void => {
      followed.add(n);
      let retry: number | undefined;
      current = followTrial(storage, study, metric, n, clock, (record) => {
        const next = record.attrs?.requeuedAs;
        if (record.state === 'failed' && typeof next === 'number') retry = next;
        onEnded(record);
      }).subscribe({
        next: (e) => subscriber.next(e),
        error: (err) => subscriber.error(err),
        complete: () => {
          if (retry === undefined) return subscriber.complete();
          const record = storage.getTrial(study, retry);
          subscriber.next({ type: 'trialStarted', trial: retry, params: record?.params ?? {}, time: clock.now() });
          follow(retry);
        },
      });
    };
    follow(number);
    return () => current?.unsubscribe();
  });
}
