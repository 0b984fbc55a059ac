import type * as tf from '@tensorflow/tfjs-core';
import { Observable, type OperatorFunction } from 'rxjs';
import { configError, describe, RxtrainError } from '../lib/errors.js';
import type { LearningRateChange } from '../lib/events.js';
import { getLearningRate, setLearningRate } from '../lib/optimizers.js';
import { finiteNumber, knownFields, positiveInt, positiveNumber, requireObject } from '../lib/validate.js';
import { optimizerField } from './internal/optimizer-field.js';

/** A learning-rate schedule as a function: the rate of epoch `epoch` (1 for the first), given the initial rate. */
export type ScheduleFn = (epoch: number, lr0: number) => number;
/** `lr0 · factor^⌊(epoch − 1) / every⌋`. */
export interface StepSchedule { readonly type: 'step'; readonly every: number; readonly factor: number }
/** `lr0 · gamma^(epoch − 1)`. */
export interface ExponentialSchedule { readonly type: 'exponential'; readonly gamma: number }
/** Half a cosine from `lr0` at epoch 1 down to `minLR` (default 0) at epoch `epochs + 1`, then `minLR`. */
export interface CosineSchedule { readonly type: 'cosine'; readonly epochs: number; readonly minLR?: number }
/** Linear warm-up over `warmup` epochs, then `then` (default: constant `lr0`) counted from 1 again. */
export interface WarmupSchedule { readonly warmup: number; readonly then?: Schedule }
export type Schedule = ScheduleFn | StepSchedule | ExponentialSchedule | CosineSchedule | WarmupSchedule;

/**
 * Step decay: the rate is multiplied by `factor` every `every` epochs (epochs 1…every train at `lr0`).
 *
 * @example
 * ```ts
 * import { stepDecay } from 'rxtrain/operators';
 * stepDecay({ every: 10, factor: 0.5 })(21, 0.1); // 0.025
 * ```
 *
 * @param config `every` (positive integer) and `factor` (> 0).
 * @returns The schedule `(epoch, lr0) => lr0 · factor^⌊(epoch − 1) / every⌋`.
 */
export function stepDecay(config: { readonly every: number; readonly factor: number }, where = 'stepDecay()', prefix = ''): ScheduleFn {
  const c = requireObject(where, config, prefix.slice(0, -1) || 'config');
  const every = positiveInt(where, `${prefix}every`, c.every);
  const factor = positiveNumber(where, `${prefix}factor`, c.factor);
  return (epoch, lr0) => lr0 * factor ** Math.floor((epoch - 1) / every);
}

/**
 * Exponential decay: the rate is multiplied by `gamma` every epoch (epoch 1 trains at `lr0`).
 *
 * @example
 * ```ts
 * import { exponentialDecay } from 'rxtrain/operators';
 * exponentialDecay({ gamma: 0.9 })(3, 0.1); // 0.081
 * ```
 *
 * @param config `gamma` (> 0).
 * @returns The schedule `(epoch, lr0) => lr0 · gamma^(epoch − 1)`.
 */
export function exponentialDecay(config: { readonly gamma: number }, where = 'exponentialDecay()', prefix = ''): ScheduleFn {
  const c = requireObject(where, config, prefix.slice(0, -1) || 'config');
  const gamma = positiveNumber(where, `${prefix}gamma`, c.gamma);
  return (epoch, lr0) => lr0 * gamma ** (epoch - 1);
}

/**
 * Cosine annealing: `minLR + (lr0 − minLR) · (1 + cos(π · e / epochs)) / 2` with `e = min(epoch − 1, epochs)`.
 * Epoch 1 trains at `lr0`; epoch `epochs + 1` and later at `minLR`.
 *
 * @example
 * ```ts
 * import { cosineDecay } from 'rxtrain/operators';
 * cosineDecay({ epochs: 10, minLR: 0.001 })(6, 0.1); // 0.0505
 * ```
 *
 * @param config `epochs` (positive integer), `minLR` (≥ 0, default 0).
 * @returns The schedule.
 */
export function cosineDecay(config: { readonly epochs: number; readonly minLR?: number }, where = 'cosineDecay()', prefix = ''): ScheduleFn {
  const c = requireObject(where, config, prefix.slice(0, -1) || 'config');
  const epochs = positiveInt(where, `${prefix}epochs`, c.epochs);
  const minLR = c.minLR === undefined ? 0 : finiteNumber(where, `${prefix}minLR`, c.minLR);
  if (minLR < 0) throw configError(where, `${prefix}minLR`, 'must be ≥ 0', minLR);
  return (epoch, lr0) => minLR + ((lr0 - minLR) * (1 + Math.cos((Math.PI * Math.min(epoch - 1, epochs)) / epochs))) / 2;
}

/**
 * Linear warm-up: epoch `e ≤ warmup` trains at `lr0 · e / warmup` (so epoch 1 at `lr0 / warmup`,
 * epoch `warmup` at `lr0`); after it, `then(epoch − warmup, lr0)`: the following schedule counts its
 * epochs from 1 again after the warm-up. Without `then`, the rate stays at `lr0`.
 *
 * @example
 * ```ts
 * import { linearWarmup, cosineDecay } from 'rxtrain/operators';
 * const fn = linearWarmup({ warmup: 5, then: cosineDecay({ epochs: 45 }) });
 * fn(1, 0.1); // 0.02
 * ```
 *
 * @param config `warmup` (positive integer) and an optional following schedule function.
 * @returns The schedule.
 */
export function linearWarmup(config: { readonly warmup: number; readonly then?: ScheduleFn }, where = 'linearWarmup()', prefix = ''): ScheduleFn {
  const c = requireObject(where, config, prefix.slice(0, -1) || 'config');
  const warmup = positiveInt(where, `${prefix}warmup`, c.warmup);
  if (c.then !== undefined && typeof c.then !== 'function') throw configError(where, `${prefix}then`, 'must be a schedule function', c.then);
  const then = c.then as ScheduleFn | undefined;
  return (epoch, lr0) => (epoch <= warmup ? (lr0 * epoch) / warmup : then ? then(epoch - warmup, lr0) : lr0);
}

/**
 * Turn any {@link Schedule} into its function, validating it; errors name the field (`schedule.every`).
 *
 * @example
 * ```ts
 * import { scheduleFn } from 'rxtrain/operators';
 * scheduleFn({ warmup: 2, then: { type: 'exponential', gamma: 0.5 } })(4, 1); // 0.5
 * ```
 *
 * @param schedule A function or a schedule object.
 * @returns The schedule as a function of `(epoch, lr0)`.
 */
export function scheduleFn(schedule: Schedule, where = 'scheduleFn()', field = 'schedule'): ScheduleFn {
  if (typeof schedule === 'function') return schedule;
  const c = requireObject(where, schedule, field);
  const prefix = `${field}.`;
  if ('warmup' in c) {
    knownFields(where, c, ['warmup', 'then']);
    const then = c.then === undefined ? undefined : scheduleFn(c.then as Schedule, where, `${prefix}then`);
    return linearWarmup({ warmup: c.warmup as number, ...(then ? { then } : {}) }, where, prefix);
  }
  switch (c.type) {
    case 'step':
      knownFields(where, c, ['type', 'every', 'factor']);
      return stepDecay(c as unknown as StepSchedule, where, prefix);
    case 'exponential':
      knownFields(where, c, ['type', 'gamma']);
      return exponentialDecay(c as unknown as ExponentialSchedule, where, prefix);
    case 'cosine':
      knownFields(where, c, ['type', 'epochs', 'minLR']);
      return cosineDecay(c as unknown as CosineSchedule, where, prefix);
    default:
      throw configError(where, `${prefix}type`, "must be 'step', 'exponential' or 'cosine' (or give 'warmup', or a function)", c.type);
  }
}

const where = 'lrSchedule()';

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
  const fn = scheduleFn(schedule, where, 'schedule');
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
            const epoch = (e as { epoch?: unknown }).epoch;
            if (zeroFrom !== undefined && typeof epoch === 'number' && epoch >= zeroFrom &&
                (e.type === 'step' || e.type === 'epochBoundary' || e.type === 'epochEnd')) {
              throw new RxtrainError('INVALID_CONFIG', `${where}: option 'schedule' gives learning rate 0 for epoch ${zeroFrom}, and the run went on into it (tfjs optimizers need a rate > 0; give the schedule a minLR > 0 or more epochs)`, { where, field: 'schedule', epoch: zeroFrom, value: 0 });
            }
            if (e.type === 'epochEnd' && typeof epoch === 'number') change = apply(epoch + 1);
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
