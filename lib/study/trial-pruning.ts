/**
 * How `prune(trial)` works: report each epoch of a trial's stream to its study, and complete the stream
 * after the epoch the study's pruner stops it at. It lives with the study, below the operators, so that
 * the layers that run trials elsewhere (worker threads, worker processes) wrap a trial's events in it
 * without importing an operator; `prune` in operators/ is its public face.
 */
import { EMPTY, concatWith, defer, of, takeWhile, tap, type OperatorFunction } from 'rxjs';
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
  // Operators, not a hand-made subscribe: when the pruner stops a synchronous stream (every epoch
  // emitted inside one subscribe call), takeWhile's completion unsubscribes upstream at once; a
  // hand-made operator's teardown would only be registered after the whole stream had run.
  return (source) =>
    defer(() => {
      let pruned: PrunedEvent | undefined;
      return source.pipe(
        tap((e) => {
          if (!isEpochEnd(e)) return;
          const { epoch, metrics } = e;
          const value = (metrics as Readonly<Record<string, number | undefined>>)[metric];
          if (value === undefined) throw missingMetric(`${where}: `, metric, epoch, metrics);
          trial.report(epoch, value, metrics as Readonly<Record<string, number | undefined>>);
          if (trial.shouldPrune()) pruned = { type: 'pruned', trial: trial.number, epoch, value };
        }),
        takeWhile(() => pruned === undefined, true),
        concatWith(defer(() => (pruned ? of(pruned) : EMPTY))),
      );
    });
}
