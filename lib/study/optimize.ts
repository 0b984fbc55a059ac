/**
 * `study.optimize()`: the ask/tell loop as an Observable. Up to `concurrency` trials run at once
 * (merged as `mergeMap` would, in this process); each ends with a tell, and a freed slot asks for the
 * next trial until `trials` were started, `timeout` ms passed on the study's clock, or the sampler
 * says it is exhausted (`sampler.isExhausted`, e.g. a grid whose every point was tried) and no trial is
 * queued.
 *
 * Unsubscribing stops every running trial: its stream is unsubscribed, its `signal` aborted, and it is
 * recorded failed with error `'cancelled'` (a Promise objective cannot be stopped; its result is then
 * ignored). All state lives in the subscription, so each subscriber runs its own loop over the same
 * study, as another worker would.
 *
 * The same loop schedules trials that run elsewhere: given a {@link TrialSource} instead of an
 * objective (`remoteWorkers()`, or a worker process's `runWorker`), it takes its trials from the
 * source's feed. What differs is the feed; the study knows nothing else about where trials run.
 */
import { Observable, map, merge, take, timer, type Subscription } from 'rxjs';
import type { Clock } from '../clock.js';
import { RxtrainError, configError } from '../errors.js';
import type { FrozenTrial, Params, SearchSpaceLike } from '../search/types.js';
import { knownFields, positiveInt, positiveNumber, requireObject } from '../validate.js';
import { DEFAULT_MAX_CONSECUTIVE_FAILURES, failurePolicy } from './failure-policy.js';
import type { Study } from './study.js';
import type { StudyCompleted, StudyEvent } from './study-events.js';
import { runResults, type ResultsOf, type RunResults } from './run-results.js';
import type { Trial, TrialHandle } from './trial.js';
import { runTrial } from './run-trial.js';
import { isTrialSource, type OnEnded, type TrialFeed, type TrialRun, type TrialSource } from './trial-source.js';

/**
 * What an objective gives back for a trial: its value (or a Promise of it), `'pruned'` when it stopped
 * itself because `trial.shouldPrune()` said so, or its training stream. From a stream, the study reads
 * each `{type: 'epochEnd', epoch, metrics}` event (reporting `metrics[study.metric]` as the value at step
 * `epoch`), a `{type: 'pruned'}` event from `prune(trial)`, and takes as the trial's value the metric of
 * the last epoch (or of the epoch whose weights `earlyStopping` restored). A multi-objective study's
 * objective returns an array, one value per objective in the order of `directions`, or a stream whose
 * epochs carry every one of the study's `metrics`.
 */
export type ObjectiveResult =
  | number
  | readonly number[]
  | 'pruned'
  | PromiseLike<number | readonly number[] | 'pruned'>
  | Observable<{ readonly type: string }>;

export type Objective<P extends Params = Params> = (trial: Trial<P>) => ObjectiveResult;

export interface OptimizeOptions {
  /** How many trials this call starts (default: no limit). */
  readonly trials?: number;
  /** Start no trial after this many ms on the study's clock (running trials finish; default: none). */
  readonly timeout?: number;
  /** How many trials run at once (default 1). With `remoteWorkers()`: how many are queued or running at once. */
  readonly concurrency?: number;
  /**
   * End the study with an error after this many trials in a row failed (default 10; `Infinity`
   * tolerates any number). A trial failed by a configuration error ends it at once, whatever this is.
   */
  readonly maxConsecutiveFailures?: number;
  /**
   * Fail a trial that runs longer than this many ms (default: no limit): its stream is unsubscribed
   * (in a worker thread, the thread is freed), its `signal` aborted, and the study goes on. Not with
   * `remoteWorkers()`: give it to the workers (`runWorker`, `rxtrain worker --trial-timeout`).
   */
  readonly trialTimeout?: number;
}

export interface Internals<P extends Params> {
  readonly study: Study<P>;
  readonly space: SearchSpaceLike;
  readonly clock: Clock;
  readonly ask: () => TrialHandle<P>;
  /** The handle of a trial claimed from the storage. */
  readonly handle: (claimed: FrozenTrial) => TrialHandle<P>;
}

/** What bounds the loop. */
export interface LoopLimits {
  readonly maxTrials: number;
  readonly timeout: number;
  readonly concurrency: number;
  readonly maxConsecutiveFailures: number;
}

const WHERE = 'study.optimize()';
/** How long the loop waits before asking again for a trial that a busy database refused, ms. */
const BUSY_RETRY_MS = 250;

/**
 * Validate `optimize()`'s options as `where` (a function that takes them to pass on, as `runWorker`
 * does, names itself in the errors).
 */
export function parseOptimizeOptions(where: string, options: OptimizeOptions | undefined): LoopLimits & { trialTimeout: number | undefined } {
  const o = requireObject(where, options ?? {}, 'options');
  knownFields(where, o, ['trials', 'timeout', 'concurrency', 'maxConsecutiveFailures', 'trialTimeout']);
  const m = o.maxConsecutiveFailures;
  if (m !== undefined && m !== Infinity && !(typeof m === 'number' && Number.isInteger(m) && m > 0)) {
    throw configError(where, 'maxConsecutiveFailures', 'must be a positive integer, or Infinity to tolerate every failure', m);
  }
  return {
    maxTrials: o.trials === undefined ? Infinity : positiveInt(where, 'trials', o.trials),
    timeout: o.timeout === undefined ? Infinity : positiveNumber(where, 'timeout', o.timeout),
    concurrency: o.concurrency === undefined ? 1 : positiveInt(where, 'concurrency', o.concurrency),
    maxConsecutiveFailures: (m as number | undefined) ?? DEFAULT_MAX_CONSECUTIVE_FAILURES,
    trialTimeout: o.trialTimeout === undefined ? undefined : positiveNumber(where, 'trialTimeout', o.trialTimeout),
  };
}

export function runOptimize<P extends Params>(
  internals: Internals<P>,
  objective: Objective<P> | TrialSource<P>,
  options: OptimizeOptions = {},
): Observable<StudyEvent> {
  const { trialTimeout, ...limits } = parseOptimizeOptions(WHERE, options);
  const { study, space, clock } = internals;
  const run: TrialRun<P> = {
    study,
    space,
    clock,
    trialTimeout,
    run: (fn, claimed, onEnded) => runTrial(study, clock, fn, internals.handle(claimed), onEnded, trialTimeout),
  };
  if (isTrialSource(objective)) return trialLoop(study, clock, objective.open(run), limits);
  if (typeof objective !== 'function') {
    throw new RxtrainError('INVALID_CONFIG', `${WHERE}: the objective must be a function of a trial (or remoteWorkers())`, { field: 'objective' });
  }
  const feed: TrialFeed = {
    next(onEnded) {
      const handle = internals.ask();
      return { number: handle.trial.number, params: handle.trial.params, events: runTrial(study, clock, objective, handle, onEnded, trialTimeout) };
    },
    exhausted() {
      const { sampler } = study;
      if (typeof sampler.isExhausted !== 'function') return false;
      const trials = study.trials();
      return !trials.some((t) => t.state === 'waiting') && sampler.isExhausted(internals.space, trials);
    },
  };
  return trialLoop(study, clock, feed, limits);
}

/** The scheduling loop shared by every kind of run: fill free slots from `source`, report, end. */
function trialLoop(
  study: Pick<Study, 'name'> & ResultsOf,
  clock: Clock,
  source: TrialFeed,
  limits: LoopLimits,
): Observable<StudyEvent> {
  const { maxTrials, timeout, concurrency } = limits;
  return new Observable<StudyEvent>((subscriber) => {
    const start = clock.now();
    const running = new Map<number, Subscription>();
    const counts = { completed: 0, pruned: 0, failed: 0 };
    const policy = failurePolicy(study.name, limits.maxConsecutiveFailures);
    // Followed trials that died and were queued again: not results (each one's retry is).
    let requeued = 0;
    let results: RunResults;
    let started = 0;
    let reason: StudyCompleted['reason'] = 'trials';
    let filling = false;
    let again = false;
    let idle = false;
    let waiting: Subscription | undefined;
    let idleSince: number | undefined; // when this run last had nothing to run, for idleMs
    let retry: Subscription | undefined;

    try {
      results = runResults(study);
    } catch (err) {
      subscriber.error(err);
      return;
    }

    const mayStart = (): boolean => {
      if (started >= maxTrials) return false;
      if (clock.now() - start >= timeout) {
        reason = 'timeout';
        return false;
      }
      if (source.exhausted()) {
        reason = 'exhausted';
        return false;
      }
      return true;
    };

    const onEnded: OnEnded = (record, error) => {
      if (record.state === 'failed' && record.attrs?.requeuedAs !== undefined) {
        requeued++;
        return;
      }
      if (record.state === 'completed' && (record.value !== undefined || record.values !== undefined)) {
        counts.completed++;
        const change = results.completed(record);
        if (change) subscriber.next(change);
      } else if (record.state === 'pruned') counts.pruned++;
      else counts.failed++;
      const stop = policy.ended(record, error);
      // Every trial that ended is stored already; the error carries the run's tally.
      if (stop) subscriber.error(new RxtrainError(stop.code, stop.message, { ...stop.details, ...summary() }, { cause: stop.cause }));
    };

    const summary = () => ({ ...counts, ...(requeued > 0 ? { requeued } : {}), ...results.summary() });

    /** Start one trial; false when the source has none now. */
    const launch = (): boolean => {
      const t = source.next(onEnded);
      if (t === undefined) return false;
      if (t.counts !== false) started++;
      idleSince = undefined;
      subscriber.next({ type: 'trialStarted', trial: t.number, params: t.params, time: clock.now(), ...results.objective });
      let ended = false;
      const sub = t.events.subscribe({
        next: (e) => subscriber.next(e),
        error: (err) => subscriber.error(err),
        complete: () => {
          ended = true;
          running.delete(t.number);
          fill();
        },
      });
      if (!ended) running.set(t.number, sub);
      return true;
    };

    // A trampoline rather than recursion: a synchronous objective ends its trial inside `launch`, and
    // thousands of trials must not become thousands of stack frames.
    const fill = (): void => {
      if (filling) {
        again = true;
        return;
      }
      filling = true;
      idle = false;
      try {
        do {
          again = false;
          while (!subscriber.closed && running.size < concurrency && mayStart()) {
            if (!launch()) {
              idle = true;
              break;
            }
          }
        } while (again && !subscriber.closed);
      } catch (err) {
        // A database busy past its timeout (another process holds its lock) fails a trial, never the
        // study: try again to start one after a pause, with the event loop free meanwhile.
        if (!(err instanceof RxtrainError && err.details.busy === true)) subscriber.error(err);
        else retry ??= timer(BUSY_RETRY_MS).subscribe(() => {
          retry = undefined;
          fill();
        });
      } finally {
        filling = false;
      }
      if (subscriber.closed || retry !== undefined) return;
      if (idle && source.wake && started < maxTrials && clock.now() - start < timeout) {
        // Nothing to start now: wait for news (a queued trial); with nothing running either, give up
        // after idleMs.
        if (waiting === undefined) {
          const wake = source.wake.pipe(map(() => 'wake' as const));
          const mayIdle = running.size === 0 && source.idleMs !== undefined && !(source.busyElsewhere?.() ?? false);
          // Idle since nothing ran here or elsewhere: news that brought nothing to start (a storage's
          // periodic "look again", another study's write) does not put the deadline off.
          if (!mayIdle) idleSince = undefined;
          else idleSince ??= clock.now();
          const giveUp = mayIdle ? [timer(Math.max(0, source.idleMs! - (clock.now() - idleSince!))).pipe(map(() => 'idle' as const))] : [];
          waiting = merge(wake, ...giveUp)
            .pipe(take(1))
            .subscribe((why) => {
              waiting = undefined;
              if (why === 'idle' && running.size === 0) finish('idle');
              else fill();
            });
          // News sent between our last look and this subscription reached nobody (a trial queued by a
          // driver while this worker was recording its previous one): look once more, now listening.
          if (waiting !== undefined) fill();
        }
        return;
      }
      if (running.size === 0) finish(reason);
    };

    const finish = (why: StudyCompleted['reason']): void => {
      waiting?.unsubscribe();
      waiting = undefined;
      subscriber.next({ type: 'studyCompleted', reason: why, ...summary(), durationMs: clock.now() - start });
      subscriber.complete();
    };

    fill();
    return () => {
      waiting?.unsubscribe();
      retry?.unsubscribe();
      for (const sub of running.values()) sub.unsubscribe();
      running.clear();
    };
  });
}
