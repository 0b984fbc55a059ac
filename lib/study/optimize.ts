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
 */
import { Observable, isObservable, type Subscription } from 'rxjs';
import type { Clock } from '../clock.js';
import { RxtrainError, describe } from '../errors.js';
import type { Metrics } from '../events.js';
import type { FrozenTrial, Params, SearchSpaceLike } from '../search/types.js';
import { knownFields, positiveInt, positiveNumber, requireObject } from '../validate.js';
import type { Study } from './study.js';
import type { StudyCompleted, StudyEvent } from './study-events.js';
import type { Trial, TrialHandle } from './trial.js';

/**
 * What an objective gives back for a trial: its value (or a Promise of it), `'pruned'` when it stopped
 * itself because `trial.shouldPrune()` said so, or its training stream. From a stream, the study reads
 * each `{type: 'epochEnd', epoch, metrics}` event (reporting `metrics[study.metric]` as the value at step
 * `epoch`), a `{type: 'pruned'}` event from `prune(trial)`, and takes as the trial's value the metric of
 * the last epoch (or of the epoch whose weights `earlyStopping` restored).
 */
export type ObjectiveResult = number | 'pruned' | PromiseLike<number | 'pruned'> | Observable<{ readonly type: string }>;

export type Objective<P extends Params = Params> = (trial: Trial<P>) => ObjectiveResult;

export interface OptimizeOptions {
  /** How many trials this call starts (default: no limit). */
  readonly trials?: number;
  /** Start no trial after this many ms on the study's clock (running trials finish; default: none). */
  readonly timeout?: number;
  /** How many trials run at once (default 1). */
  readonly concurrency?: number;
}

interface Internals<P extends Params> {
  readonly study: Study<P>;
  readonly space: SearchSpaceLike;
  readonly clock: Clock;
  readonly ask: () => TrialHandle<P>;
}

const WHERE = 'study.optimize()';

export function runOptimize<P extends Params>(
  internals: Internals<P>,
  objective: Objective<P>,
  options: OptimizeOptions = {},
): Observable<StudyEvent> {
  if (typeof objective !== 'function') {
    throw new RxtrainError('INVALID_CONFIG', `${WHERE}: the objective must be a function of a trial`, { field: 'objective' });
  }
  const o = requireObject(WHERE, options, 'options');
  knownFields(WHERE, o, ['trials', 'timeout', 'concurrency']);
  const maxTrials = o.trials === undefined ? Infinity : positiveInt(WHERE, 'trials', o.trials);
  const timeout = o.timeout === undefined ? Infinity : positiveNumber(WHERE, 'timeout', o.timeout);
  const concurrency = o.concurrency === undefined ? 1 : positiveInt(WHERE, 'concurrency', o.concurrency);
  const { study, clock } = internals;

  return new Observable<StudyEvent>((subscriber) => {
    const start = clock.now();
    const running = new Map<number, Subscription>();
    const counts = { completed: 0, pruned: 0, failed: 0 };
    let best: FrozenTrial | undefined;
    let started = 0;
    let reason: StudyCompleted['reason'] = 'trials';
    let filling = false;
    let again = false;

    try {
      best = study.best();
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
      const { sampler } = study;
      if (typeof sampler.isExhausted === 'function') {
        const trials = study.trials();
        if (!trials.some((t) => t.state === 'waiting') && sampler.isExhausted(internals.space, trials)) {
          reason = 'exhausted';
          return false;
        }
      }
      return true;
    };

    const onEnded = (record: FrozenTrial): void => {
      if (record.state === 'completed' && record.value !== undefined) {
        counts.completed++;
        if (best?.value === undefined || (study.direction === 'minimize' ? record.value < best.value : record.value > best.value)) {
          const previous = best?.value;
          best = record;
          subscriber.next({
            type: 'newBest',
            trial: record.number,
            value: record.value,
            params: record.params,
            ...(previous !== undefined ? { previous } : {}),
          });
        }
      } else if (record.state === 'pruned') counts.pruned++;
      else counts.failed++;
    };

    const launch = (): void => {
      started++;
      const handle = internals.ask();
      const { trial } = handle;
      subscriber.next({ type: 'trialStarted', trial: trial.number, params: trial.params, time: clock.now() });
      let ended = false;
      const sub = runTrial(internals, objective, handle, onEnded).subscribe({
        next: (e) => subscriber.next(e),
        error: (err) => subscriber.error(err),
        complete: () => {
          ended = true;
          running.delete(trial.number);
          fill();
        },
      });
      if (!ended) running.set(trial.number, sub);
    };

    // A trampoline rather than recursion: a synchronous objective ends its trial inside `launch`, and
    // thousands of trials must not become thousands of stack frames.
    const fill = (): void => {
      if (filling) {
        again = true;
        return;
      }
      filling = true;
      try {
        do {
          again = false;
          while (!subscriber.closed && running.size < concurrency && mayStart()) launch();
        } while (again && !subscriber.closed);
      } catch (err) {
        subscriber.error(err);
      } finally {
        filling = false;
      }
      if (running.size === 0 && !subscriber.closed) {
        const b = best;
        subscriber.next({
          type: 'studyCompleted',
          reason,
          ...counts,
          ...(b?.value !== undefined ? { best: { trial: b.number, value: b.value, params: b.params } } : {}),
          durationMs: clock.now() - start,
        });
        subscriber.complete();
      }
    };

    fill();
    return () => {
      for (const sub of running.values()) sub.unsubscribe();
      running.clear();
    };
  });
}

/** One trial: run the objective, forward its epochs, tell the study how it ended, then complete. */
function runTrial<P extends Params>(
  internals: Internals<P>,
  objective: Objective<P>,
  handle: TrialHandle<P>,
  onEnded: (record: FrozenTrial) => void,
): Observable<StudyEvent> {
  const { study, clock } = internals;
  const { trial } = handle;
  return new Observable<StudyEvent>((subscriber) => {
    const t0 = clock.now();
    let told = false;
    let inner: Subscription | undefined;

    const end = (result: number | 'pruned' | 'failed', error?: unknown): void => {
      if (told || subscriber.closed) return;
      told = true;
      inner?.unsubscribe();
      let record: FrozenTrial;
      try {
        record = study.tell(trial, result, error);
      } catch (err) {
        subscriber.error(err);
        return;
      }
      const durationMs = clock.now() - t0;
      if (record.state === 'completed') {
        subscriber.next({ type: 'trialCompleted', trial: record.number, value: record.value!, params: record.params, durationMs });
      } else if (record.state === 'pruned') {
        const last = record.intermediate[record.intermediate.length - 1];
        subscriber.next({
          type: 'trialPruned',
          trial: record.number,
          ...(last ? { step: last[0] } : {}),
          ...(record.value !== undefined ? { value: record.value } : {}),
          durationMs,
        });
      } else {
        subscriber.next({ type: 'trialFailed', trial: record.number, error: record.error ?? 'failed', durationMs });
      }
      onEnded(record);
      subscriber.complete();
    };

    let result: ObjectiveResult;
    try {
      result = objective(trial);
    } catch (err) {
      end('failed', err);
      return;
    }

    if (isObservable(result)) {
      const metric = study.metric;
      const values = new Map<number, number>();
      let lastEpoch: number | undefined;
      let restored: number | undefined;
      let pruned = false;
      inner = result.subscribe({
        next: (event) => {
          if (told) return;
          if (event.type === 'epochEnd') {
            const e = event as { type: 'epochEnd'; epoch: number; metrics: Metrics };
            let value: number | undefined;
            if (metric !== undefined) {
              value = (e.metrics as Readonly<Record<string, number | undefined>>)[metric];
              if (value === undefined) {
                const known = Object.keys(e.metrics).join(', ');
                end('failed', new RxtrainError('TRIAL_FAILED', `the epochEnd event of epoch ${e.epoch} has no metric '${metric}' (it has: ${known})`));
                return;
              }
              try {
                trial.report(e.epoch, value);
              } catch (err) {
                end('failed', err);
                return;
              }
              values.set(e.epoch, value);
            }
            lastEpoch = e.epoch;
            subscriber.next({ type: 'epochEnd', trial: trial.number, epoch: e.epoch, metrics: e.metrics, ...(value !== undefined ? { value } : {}) });
          } else if (event.type === 'pruned') {
            pruned = true;
          } else if (event.type === 'stopped') {
            const r = (event as { restoredEpoch?: number }).restoredEpoch;
            if (r !== undefined) restored = r;
          }
        },
        error: (err) => end('failed', err),
        complete: () => {
          if (pruned) return end('pruned');
          if (metric === undefined) {
            return end('failed', new RxtrainError('TRIAL_FAILED', 'the objective returned a stream, but the study has no metric to read from it'));
          }
          const epoch = restored !== undefined && values.has(restored) ? restored : lastEpoch;
          const value = epoch === undefined ? undefined : values.get(epoch);
          if (value === undefined) return end('failed', new RxtrainError('TRIAL_FAILED', 'the objective stream completed without an epochEnd event'));
          end(value);
        },
      });
      // A synchronous stream may have ended the trial before `inner` was assigned.
      if (told) inner.unsubscribe();
    } else if (isPromiseLike(result)) {
      result.then(settle, (err) => end('failed', err));
    } else {
      settle(result);
    }

    return () => {
      inner?.unsubscribe();
      if (told) return;
      // Unsubscribed before the trial ended: stop it and record why. The subscriber is closed, so no
      // event goes out; a storage that fails now has nobody to tell, hence the empty catch.
      told = true;
      handle.abort('cancelled');
      try {
        study.tell(trial, 'failed', 'cancelled');
      } catch {
        // ignored, see above
      }
    };

    function settle(v: unknown): void {
      if (typeof v === 'number' || v === 'pruned') return end(v);
      const what = typeof v === 'string' ? JSON.stringify(v) : describe(v);
      end('failed', new RxtrainError('TRIAL_FAILED', `the objective returned ${what}: expected a number, 'pruned', a Promise of one, or an Observable`));
    }
  });
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}
