import type * as tf from '@tensorflow/tfjs-core';
import { Observable, type OperatorFunction } from 'rxjs';
import { describe, RxtrainError } from '../lib/errors.js';
import { isEvent, type LearningRateChange } from '../lib/events.js';
import { getLearningRate, setLearningRate } from '../lib/optimizers.js';
import { optimizerField } from './internal/optimizer-field.js';
import { scheduleAt } from './internal/schedules.js';
import type { Schedule } from './schedules/schedule.js';

const where = 'lrSchedule()';
const isStep = isEvent('step');
const isEpochBoundary = isEvent('epochBoundary');
const isEpochEnd = isEvent('epochEnd');

/**
 * Set the learning rate of every epoch from a schedule.
 *
 * The initial rate `lr0` is the optimizer's rate when `lrSchedule` is called. At subscription the rate
 * of epoch 1 is set, and at each `epochEnd` the rate of the next epoch; each time the rate actually
 * changes, an `lrChange` event follows (for epoch 1: right after the first event if that is the run's
 * `runStart`, else before it; otherwise right after the `epochEnd`), whose `epoch` is the first epoch that trains at the new rate. Other events pass
 * through unchanged. A schedule that gives a negative or non-finite rate fails the stream. tfjs
 * optimizers cannot step at rate 0, so a rate of 0 (cosine with `minLR: 0` reaches it at epoch
 * `epochs + 1`, normally just after the last one) is not set: the stream fails only if the run then goes
 * on into that epoch.
 *
 * @example
 * ```ts
 * import { lrSchedule } from 'rxtrain/operators';
 *
 * events$.pipe(lrSchedule(optimizer, { warmup: 3, then: { type: 'cosine', epochs: 27 } }));
 * events$.pipe(lrSchedule(optimizer, (epoch, lr0) => lr0 / epoch));
 * ```
 *
 * @param optimizer The tfjs optimizer whose rate to set.
 * @param schedule A function `(epoch, lr0) => lr` or a schedule object (`step`, `exponential`, `cosine`, warm-up).
 * @returns An operator that passes events through and adds `lrChange` events.
 */
export function lrSchedule<E extends { readonly type: string }>(
  optimizer: tf.Optimizer,
  schedule: Schedule,
): OperatorFunction<E, E | LearningRateChange> {
  const opt = optimizerField(where, optimizer);
  const fn = scheduleAt(where, 'schedule', schedule);
  const lr0 = getLearningRate(opt);

  return (source) =>
    new Observable<E | LearningRateChange>((subscriber) => {
      // The first epoch that would need rate 0; the run fails if it reaches it.
      let zeroFrom: number | undefined;

      const apply = (epoch: number): LearningRateChange | undefined => {
        const to = fn(epoch, lr0);
        if (typeof to !== 'number' || !Number.isFinite(to) || to < 0) {
          throw new RxtrainError('INVALID_CONFIG', `${where}: option 'schedule' gives learning rate ${describe(to)} for epoch ${epoch} (must be a finite number ≥ 0)`, { where, field: 'schedule', epoch, value: to });
        }
        if (to === 0) {
          zeroFrom ??= epoch;
          return undefined;
        }
        zeroFrom = undefined;
        const from = getLearningRate(opt);
        if (to === from) return undefined;
        setLearningRate(opt, to);
        return { type: 'lrChange', source: 'lrSchedule', epoch, from, to };
      };

      // The epoch-1 rate is set now, before the first step; its event waits for the first event, so
      // that a run's `runStart` stays first.
      let initial: LearningRateChange | undefined;
      try {
        initial = apply(1);
      } catch (err) {
        subscriber.error(err);
        return undefined;
      }
      const flushInitial = (): void => {
        if (initial) subscriber.next(initial);
        initial = undefined;
      };

      return source.subscribe({
        next: (e) => {
          if (subscriber.closed) return;
          let change: LearningRateChange | undefined;
          try {
            // A step, boundary or end of an epoch at or after the first one that would need rate 0.
            const trains = isStep(e) || isEpochBoundary(e) || isEpochEnd(e);
            if (zeroFrom !== undefined && trains && typeof e.epoch === 'number' && e.epoch >= zeroFrom) {
              throw new RxtrainError('INVALID_CONFIG', `${where}: option 'schedule' gives learning rate 0 for epoch ${zeroFrom}, and the run went on into it (tfjs optimizers need a rate > 0; give the schedule a minLR > 0 or more epochs)`, { where, field: 'schedule', epoch: zeroFrom, value: 0 });
            }
            if (isEpochEnd(e) && typeof e.epoch === 'number') change = apply(e.epoch + 1);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          if (e.type !== 'runStart') flushInitial();
          subscriber.next(e);
          flushInitial();
          if (change) subscriber.next(change);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          flushInitial();
          subscriber.complete();
        },
      });
    });
}
