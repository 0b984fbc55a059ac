/**
 * One trial in this process: run the objective, forward its epochs (and learning-rate changes), tell the study how it ended, then
 * complete. (Split from optimize.ts, which schedules trials.)
 */
import { Observable, isObservable, timer, type Subscription } from 'rxjs';
import { RxtrainError, describe, errorMessage } from '../errors.js';
import { isEvent } from '../events.js';
import type { FrozenTrial, Params } from '../search/types.js';
import type { Study } from './study.js';
import { endEvent, type StudyEvent } from './study-events.js';
import type { TrialHandle } from './trial.js';
import type { Objective, ObjectiveResult } from './optimize.js';
import type { OnEnded } from './trial-source.js';
import type { Clock } from '../clock.js';
import { configErrorCode, type StoredFailure } from './failure-policy.js';
import { withReadyMetrics } from './objectives.js';

const isEpochEnd = isEvent('epochEnd');
const isLrChange = isEvent('lrChange');
const isStopped = isEvent('stopped');

/**
 * The error of an epoch that lacks the study's metric: the study's configuration is at fault (a typo in
 * `metric`, or validation that does not run every epoch), so it ends the study (lib/study/failure-policy.ts).
 */
export function missingMetric(where: string, metric: string, epoch: number, metrics: object, field: 'metric' | 'metrics' = 'metric'): RxtrainError {
  return new RxtrainError(
    'INVALID_CONFIG',
    `${where}epoch ${epoch} has no metric '${metric}', ${field === 'metric' ? "the study's 'metric'" : "one of the study's 'metrics'"} (it has: ${Object.keys(metrics).join(', ')})`,
    { field, metric, epoch },
  );
}

type Result = number | readonly number[] | 'pruned' | 'failed';

/**
 * Run one trial of `study` with `objective`: forward its events, tell the study how it ended, then
 * complete. `trialTimeout` (ms) fails it if it runs longer.
 */
export function runTrial<P extends Params>(
  study: Study<P>,
  clock: Clock,
  objective: Objective<P>,
  handle: TrialHandle<P>,
  onEnded: OnEnded,
  trialTimeout?: number,
): Observable<StudyEvent> {
  const { trial } = handle;
  return new Observable<StudyEvent>((subscriber) => {
    const t0 = clock.now();
    let told = false;
    let inner: Subscription | undefined;
    let deadline: Subscription | undefined;

    const end = (result: Result, error?: unknown): void => {
      if (told || subscriber.closed) return;
      told = true;
      deadline?.unsubscribe();
      inner?.unsubscribe();
      let record: FrozenTrial;
      try {
        storeConfigError(result, error);
        record = study.tell(trial, result, error);
      } catch (err) {
        // Someone else finished the trial meanwhile (its storage found this runner dead and failed or
        // re-queued it): drop this result, so that nothing is reported twice, and go on.
        const now = safeRecord();
        if (now !== undefined && now.state !== 'running') {
          subscriber.next({
            type: 'trialFailed',
            trial: trial.number,
            error: `this result was dropped: the study already holds trial ${trial.number} as ${now.state}${now.error ? ` (${now.error})` : ''}`,
            durationMs: clock.now() - t0,
          });
          subscriber.complete();
          return;
        }
        subscriber.error(err);
        return;
      }
      subscriber.next(endEvent(record, clock.now() - t0));
      onEnded(record, result === 'failed' ? error : undefined);
      subscriber.complete();
    };
    // A follower in another process knows the trial by its record only: say there that the
    // configuration failed it (before the failure is written, which it waits for).
    const storeConfigError = (result: Result, error: unknown): void => {
      const code = result === 'failed' ? configErrorCode(error) : undefined;
      if (code === undefined) return;
      const failure: StoredFailure = { code, message: errorMessage(error) };
      trial.setAttrs({ failure });
    };
    const safeRecord = (): FrozenTrial | undefined => {
      try {
        return trial.record();
      } catch {
        return undefined;
      }
    };

    if (trialTimeout !== undefined) {
      deadline = timer(trialTimeout).subscribe(() => {
        handle.abort('timeout');
        end('failed', new RxtrainError('TRIAL_FAILED', `trial ${trial.number} timed out: it ran longer than trialTimeout (${trialTimeout} ms) and was stopped`, { trial: trial.number, trialTimeout }));
      });
    }

    let result: ObjectiveResult;
    try {
      result = objective(trial);
    } catch (err) {
      end('failed', err);
      return;
    }

    if (isObservable(result)) {
      const metric = study.metric;
      // A multi-objective study reads every one of its metrics from each epoch; the first is reported.
      const allMetrics = study.metrics !== undefined && study.metrics.length > 1 ? study.metrics : undefined;
      const vectors = new Map<number, number[]>();
      const values = new Map<number, number>();
      let lastEpoch: number | undefined;
      let restored: number | undefined;
      let pruned = false;
      let trainableParams: number | undefined;
      const wanted = study.metrics;
      inner = result.subscribe({
        next: (event) => {
          if (told) return;
          if (event.type === 'runStart') {
            const n = (event as { trainableParams?: unknown }).trainableParams;
            if (typeof n === 'number') trainableParams = n;
          } else if (isEpochEnd(event)) {
            const e = { ...event, metrics: withReadyMetrics(event.metrics, wanted, trainableParams) };
            let value: number | undefined;
            let vector: number[] | undefined;
            if (allMetrics !== undefined) {
              vector = [];
              for (const m of allMetrics) {
                const v = (e.metrics as Readonly<Record<string, number | undefined>>)[m];
                if (v === undefined) {
                  end('failed', missingMetric('the epochEnd event of ', m, e.epoch, e.metrics, 'metrics'));
                  return;
                }
                vector.push(v);
              }
              vectors.set(e.epoch, vector);
            }
            if (metric !== undefined) {
              value = (e.metrics as Readonly<Record<string, number | undefined>>)[metric];
              if (value === undefined) {
                end('failed', missingMetric('the epochEnd event of ', metric, e.epoch, e.metrics));
                return;
              }
              try {
                trial.report(e.epoch, value, e.metrics);
              } catch (err) {
                end('failed', err);
                return;
              }
              values.set(e.epoch, value);
            }
            lastEpoch = e.epoch;
            subscriber.next({ type: 'epochEnd', trial: trial.number, epoch: e.epoch, metrics: e.metrics, ...(value !== undefined ? { value } : {}), ...(vector !== undefined ? { values: vector } : {}) });
          } else if (isLrChange(event)) {
            const { epoch, from, to, source } = event;
            subscriber.next({ type: 'lrChange', trial: trial.number, epoch, from, to, source });
          } else if (event.type === 'pruned') {
            pruned = true;
          } else if (isStopped(event)) {
            if (event.restoredEpoch !== undefined) restored = event.restoredEpoch;
          }
        },
        error: (err) => end('failed', err),
        complete: () => {
          if (pruned) return end('pruned');
          if (metric === undefined) {
            return end('failed', new RxtrainError('INVALID_CONFIG', "the objective returned a stream, but the study has no 'metric' to read from it", { field: 'metric' }));
          }
          const epoch = restored !== undefined && values.has(restored) ? restored : lastEpoch;
          const value = epoch === undefined ? undefined : allMetrics !== undefined ? vectors.get(epoch) : values.get(epoch);
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
      deadline?.unsubscribe();
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
      const n = study.directions.length;
      if ((typeof v === 'number' && n === 1) || v === 'pruned') return end(v);
      if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return end(v as number[]);
      if (typeof v === 'number' || Array.isArray(v)) {
        // The objective disagrees with the study about how many objectives there are: the study's
        // configuration (or the objective) is wrong for every trial, so this ends the study.
        return end('failed', new RxtrainError('INVALID_CONFIG', `the objective returned ${Array.isArray(v) ? `[${v.join(', ')}]` : v}, but the study has ${n} objective(s) (${study.directions.join(', ')}): return ${n === 1 ? 'a number' : `an array of ${n} numbers`}`, { field: 'directions' }));
      }
      const what = typeof v === 'string' ? JSON.stringify(v) : describe(v);
      end('failed', new RxtrainError('TRIAL_FAILED', `the objective returned ${what}: expected ${n === 1 ? 'a number' : `an array of ${n} numbers`}, 'pruned', a Promise of one, or an Observable`));
    }
  });
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}
