import type * as tf from '@tensorflow/tfjs-core';
import { Observable, type OperatorFunction } from 'rxjs';
import { configError } from '../lib/errors.js';
import { isEvent, type EpochEnd, type LearningRateChange, type MetricName } from '../lib/events.js';
import { getLearningRate, setLearningRate } from '../lib/optimizers.js';
import { finiteNumber, knownFields, nonNegativeInt, numberInRange, requireObject } from '../lib/validate.js';
import { optimizerField } from './internal/optimizer-field.js';
import { improves, modeField, monitorField, readMonitor, worst, type MonitorMode } from './internal/monitor.js';

export interface ReduceLROnPlateauConfig {
  /** The optimizer whose learning rate to lower (any tfjs optimizer). */
  readonly optimizer: tf.Optimizer;
  /** The metric to watch. Default `val_loss`. */
  readonly monitor?: MetricName;
  /** `min`, `max`, or `auto` (default): the metric's own direction (`metricDirection`: `max` for accuracy, F1, AUC, R² ...; `min` for losses and errors). */
  readonly mode?: MonitorMode;
  /** The new rate is the old one times this, in (0, 1). Default 0.1. */
  readonly factor?: number;
  /** Epochs without improvement to tolerate; the rate is lowered at the next one. Default 10. */
  readonly patience?: number;
  /** An epoch improves only when it beats the best so far by more than this. Default 1e-4. */
  readonly minDelta?: number;
  /** Epochs to wait after a reduction before counting epochs without improvement again. Default 0. */
  readonly cooldown?: number;
  /** The rate is never lowered below this. Default 0. */
  readonly minLR?: number;
}

const where = 'reduceLROnPlateau()';
const isEpochEnd = isEvent('epochEnd');

/**
 * Lower the learning rate when a metric has stopped improving.
 *
 * At each `epochEnd`, counts the epochs in a row that did not improve the monitored metric; when that
 * count passes `patience`, multiplies the optimizer's rate by `factor` (never below `minLR`), emits an
 * `lrChange` event right after that `epochEnd`, and then ignores the next `cooldown` epochs. The
 * `lrChange` event's `epoch` is the first epoch that trains at the new rate (the next one). Every other
 * event passes through unchanged. This is PyTorch's rule; Keras lowers the rate one epoch earlier for
 * the same `patience`.
 *
 * @example
 * ```ts
 * import { reduceLROnPlateau } from 'rxtrain/operators';
 *
 * events$.pipe(reduceLROnPlateau({ optimizer, factor: 0.5, patience: 2, minLR: 1e-5 }));
 * ```
 *
 * @param config The optimizer and when and by how much to lower its rate.
 * @returns An operator that passes events through and adds an `lrChange` event after each reduction.
 */
export function reduceLROnPlateau<E extends { readonly type: string }>(
  config: ReduceLROnPlateauConfig,
): OperatorFunction<E, E | LearningRateChange> {
  const c = requireObject(where, config);
  knownFields(where, c, ['optimizer', 'monitor', 'mode', 'factor', 'patience', 'minDelta', 'cooldown', 'minLR']);
  const optimizer = optimizerField(where, c.optimizer);
  const monitor = monitorField(where, c.monitor);
  const mode = modeField(where, c.mode, monitor);
  const factor = c.factor === undefined ? 0.1 : numberInRange(where, 'factor', c.factor, 0, 1, { loOpen: true, hiOpen: true });
  const patience = c.patience === undefined ? 10 : nonNegativeInt(where, 'patience', c.patience);
  const minDelta = c.minDelta === undefined ? 1e-4 : finiteNumber(where, 'minDelta', c.minDelta);
  if (minDelta < 0) throw configError(where, 'minDelta', 'must be ≥ 0', minDelta);
  const cooldown = c.cooldown === undefined ? 0 : nonNegativeInt(where, 'cooldown', c.cooldown);
  const minLR = c.minLR === undefined ? 0 : finiteNumber(where, 'minLR', c.minLR);
  if (minLR < 0) throw configError(where, 'minLR', 'must be ≥ 0', minLR);

  return (source) =>
    new Observable<E | LearningRateChange>((subscriber) => {
      let best = worst(mode);
      let bad = 0;
      let cooling = 0;

      const onEpoch = (e: EpochEnd): LearningRateChange | undefined => {
        const current = readMonitor(where, e, monitor);
        if (improves(current, best, mode, minDelta)) {
          best = current;
          bad = 0;
        } else {
          bad += 1;
        }
        if (cooling > 0) {
          cooling -= 1;
          bad = 0;
        }
        if (bad <= patience) return undefined;
        bad = 0;
        const from = getLearningRate(optimizer);
        const to = Math.max(from * factor, minLR);
        if (!(to < from) || to <= 0) return undefined;
        setLearningRate(optimizer, to);
        cooling = cooldown;
        return { type: 'lrChange', source: 'reduceLROnPlateau', epoch: e.epoch + 1, from, to };
      };

      return source.subscribe({
        next: (e) => {
          if (subscriber.closed) return;
          let change: LearningRateChange | undefined;
          if (isEpochEnd(e)) {
            try {
              change = onEpoch(e);
            } catch (err) {
              subscriber.error(err);
              return;
            }
          }
          subscriber.next(e);
          if (change) subscriber.next(change);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}

