import type { OperatorFunction } from 'rxjs';
import { trialPruning, type PrunedEvent, type Trial } from '../lib/study/index.js';

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
  return trialPruning<E>(trial);
}
