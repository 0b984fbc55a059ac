import { Observable, type OperatorFunction } from 'rxjs';
import { configError } from '../lib/errors.js';
import type { Metrics } from '../lib/events.js';
import { missingMetric, type PrunedEvent, type Trial } from '../lib/study/index.js';

const where = 'prune()';

/**
 * Report each epoch to the trial's study and stop the run when the study's pruner says so.
 *
 * Intuition: the pruner sees every trial's curve; a trial whose curve is hopeless next to the others
 * ends now, rather than after its last epoch.
 *
 * At each `epochEnd` it reports `metrics[study.metric]` as the trial's value at step `epoch`
 * (`trial.report(epoch, value)`), passes the epoch on, and asks `trial.shouldPrune()`. When the answer is
 * yes it emits a `pruned` event and completes, which unsubscribes upstream: training stops at once.
 * Inside `study.optimize` the trial is then recorded `'pruned'`; driving trials by hand, call
 * `study.tell(trial, 'pruned')` on seeing the event. A missing metric or a NaN value fails the stream
 * with an error that names it (the trial is then recorded failed).
 *
 * @example
 * ```ts
 * import { prune, trainStep, epochEnd } from 'rxtrain/operators';
 *
 * s.optimize((trial) =>
 *   batches$.pipe(trainStep(model, { optimizer, loss }), epochEnd({ validation }), prune(trial)),
 *   { trials: 50 },
 * );
 * ```
 *
 * @param trial The running trial (from `study.ask()` or an `optimize` objective); its study must have a `metric`.
 * @returns An operator that passes events through, and completes after the epoch the trial is pruned at.
 */
export function prune<E extends { readonly type: string }>(trial: Trial): OperatorFunction<E, E | PrunedEvent> {
  if (trial === null || typeof trial !== 'object' || typeof trial.report !== 'function' || typeof trial.shouldPrune !== 'function') {
    throw configError(where, 'trial', 'must be a Trial (from study.ask() or an optimize objective)', trial);
  }
  const metric = trial.metric;
  if (metric === undefined) {
    throw configError(where, 'trial', `belongs to study ${JSON.stringify(trial.study)}, which has no 'metric' to report`);
  }
  return (source) =>
    new Observable<E | PrunedEvent>((subscriber) => {
      const upstream = source.subscribe({
        next: (e) => {
          // A synchronous source may call next after we completed, before we could unsubscribe it.
          if (subscriber.closed) return;
          if (e.type !== 'epochEnd') return subscriber.next(e);
          const { epoch, metrics } = e as unknown as { epoch: number; metrics: Metrics };
          const value = (metrics as Readonly<Record<string, number | undefined>>)[metric];
          let pruned: boolean;
          try {
            if (value === undefined) throw missingMetric(`${where}: `, metric, epoch, metrics);
            trial.report(epoch, value, metrics as Readonly<Record<string, number | undefined>>);
            pruned = trial.shouldPrune();
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.next(e);
          if (pruned) {
            subscriber.next({ type: 'pruned', trial: trial.number, epoch, value });
            subscriber.complete();
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => upstream.unsubscribe();
    });
}
