/**
 * How `prune(trial)` works: report each epoch of a trial's stream to its study, and complete the stream
 * after the epoch the study's pruner stops it at. It lives with the study, below the operators, so that
 * the layers that run trials elsewhere (worker threads, worker processes) wrap a trial's events in it
 * without importing an operator; `prune` in operators/ is its public face.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { configError } from '../errors.js';
import { isEvent } from '../events.js';
import { missingMetric } from './run-trial.js';
import type { PrunedEvent } from './study-events.js';
import type { Trial } from './trial.js';

const where = 'prune()';
const isEpochEnd = isEvent('epochEnd');

/** See `prune` (operators/prune.ts); errors name `prune()`. */
export function trialPruning<E extends { readonly type: string }>(trial: Trial): OperatorFunction<E, E | PrunedEvent> {
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
          if (!isEpochEnd(e)) return subscriber.next(e);
          const { epoch, metrics } = e;
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
