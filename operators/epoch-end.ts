import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Observable, type OperatorFunction } from 'rxjs';
import type { EpochBoundary, EpochEnd, Metrics, RunStart, StepEvent } from '../lib/events.js';
import { configError } from '../lib/errors.js';
import { evaluate, type EvaluationSource } from '../lib/evaluate.js';
import { validateLoss, type Loss } from '../lib/losses.js';
import { validateMetrics, type MetricKind } from '../lib/metrics/metric-names.js';
import { getLearningRate } from '../lib/optimizers.js';
import { toArrayDataset } from '../lib/data/batches.js';
import { knownFields, positiveInt, requireObject } from '../lib/validate.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { checkModelData } from '../lib/check-model-data.js';

export interface EpochEndConfig {
  /** The model to validate (required with `validation`). */
  readonly model?: tfl.LayersModel;
  /** Held-out data, evaluated at the end of every epoch into `val_loss` and `val_<metric>`. */
  readonly validation?: EvaluationSource;
  /** Loss for `val_loss`; use the one the model trains with. Default `categoricalCrossentropy`. */
  readonly loss?: Loss;
  /** Validation metrics. Default `['accuracy']`. */
  readonly metrics?: readonly MetricKind[];
  /** Samples per validation forward pass. Default 512. */
  readonly batchSize?: number;
  /** Report the optimizer's learning rate as the `lr` metric. */
  readonly optimizer?: tf.Optimizer;
  readonly clock?: Clock;
}

const where = 'epochEnd()';

/**
 * Turn each epoch boundary into an `epochEnd` event with training and validation metrics.
 *
 * Intuition: the epoch's report card. Training metrics come from `trainStep` (read once per epoch);
 * validation metrics are computed here, in inference mode, on the held-out set. Other events pass through.
 *
 * @example
 * ```ts
 * import { batches, digits, mlp, split } from 'rxtrain';
 * import { epochs, trainStep, epochEnd } from 'rxtrain/operators';
 * const { train, validation } = split(digits(), { validation: 0.2, test: 0, seed: 1 });
 * const model = mlp({ inputShape: [64], units: [64], classes: 10 });
 * batches(train, { batchSize: 32, shuffle: true })
 *   .pipe(epochs(5), trainStep(model, { optimizer: 'adam' }), epochEnd({ model, validation }))
 *   .subscribe((e) => e.type === 'epochEnd' && console.log(e.epoch, e.metrics.val_accuracy));
 * ```
 * @param config Validation data and what to measure on it.
 * @returns An operator replacing boundaries by `epochEnd` events.
 */
export function epochEnd(config: EpochEndConfig = {}): OperatorFunction<RunStart | StepEvent | EpochBoundary, RunStart | StepEvent | EpochEnd> {
  const c = requireObject(where, config);
  knownFields(where, c, ['model', 'validation', 'loss', 'metrics', 'batchSize', 'optimizer', 'clock']);
  const loss = validateLoss(where, c.loss ?? 'categoricalCrossentropy');
  const metrics = c.metrics === undefined ? (['accuracy'] as MetricKind[]) : validateMetrics(where, c.metrics);
  const batchSize = c.batchSize === undefined ? 512 : positiveInt(where, 'batchSize', c.batchSize);
  if (config.validation !== undefined && !config.model) throw configError(where, 'model', 'is required to compute validation metrics');
  // Convert once (not per epoch) and fail now on a bad validation set.
  const validation = config.validation === undefined ? undefined : toArrayDataset(config.validation);
  if (validation && config.model) checkModelData(where, config.model, validation, loss, 'validation data');
  const clock = config.clock ?? systemClock;

  return (source) =>
    new Observable((subscriber) => {
      let epochStart = clock.now();
      return source.subscribe({
        next: (item) => {
          if (item.type !== 'epochBoundary') {
            if (item.type === 'runStart') epochStart = clock.now();
            subscriber.next(item);
            return;
          }
          try {
            const m: Record<string, number | undefined> = { ...(item.metrics ?? { loss: NaN }) };
            if (validation && config.model) {
              const v = evaluate(config.model, validation, { loss, metrics, batchSize });
              for (const [k, value] of Object.entries(v)) if (typeof value === 'number') m[`val_${k}`] = value;
            }
            if (config.optimizer) m.lr = getLearningRate(config.optimizer);
            const now = clock.now();
            subscriber.next({ type: 'epochEnd', epoch: item.epoch, metrics: m as Metrics, samples: item.samples ?? 0, steps: item.steps ?? 0, durationMs: now - epochStart });
            epochStart = now;
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
