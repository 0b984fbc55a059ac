/**
 * `train()`: the ready-made pipeline for the common case, written as a pipe of the public operators
 * so that a user can take it apart (docs/operators.md shows the same pipeline by hand).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { defer, finalize, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import type { TrainEvent } from './events.js';
import { configError } from './errors.js';
import { batches, isTfDataset, toArrayDataset, type BatchSource } from './data/batches.js';
import type { EvaluationSource } from './evaluate.js';
import { validateLoss, type Loss } from './losses.js';
import type { MetricKind } from './metrics/metric-names.js';
import { checkModelData } from './check-model-data.js';
import { balancedClassWeight, resolveClassWeight, type ClassWeight } from './class-weights.js';
import { optimizer as makeOptimizer, type OptimizerConfig, type OptimizerName } from './optimizers.js';
import { booleanField, finiteNumber, knownFields, positiveInt, requireObject } from './validate.js';
import type { Clock } from './clock.js';
import { epochs } from '../operators/epochs.js';
import { trainStep } from '../operators/train-step.js';
import { epochEnd } from '../operators/epoch-end.js';
import { terminateOnNaN } from '../operators/terminate-on-nan.js';
import { earlyStopping, type EarlyStoppingConfig } from '../operators/early-stopping.js';
import { reduceLROnPlateau, type ReduceLROnPlateauConfig } from '../operators/reduce-lr-on-plateau.js';
import { lrSchedule } from '../operators/lr-schedule.js';
import type { Schedule } from '../operators/schedules/schedule.js';
import { checkpoint, type CheckpointConfig } from '../operators/checkpoint.js';

export interface TrainConfig {
  /** Passes over the training data. */
  readonly epochs: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Reshuffle the training data on every epoch (seeded). Default true. */
  readonly shuffle?: boolean;
  /** Seed of the shuffles. Default 0. */
  readonly seed?: number;
  /** Default `'adam'`. A tfjs optimizer instance stays the caller's; a name or config is made per run. */
  readonly optimizer?: tf.Optimizer | OptimizerName | OptimizerConfig;
  /** Default `categoricalCrossentropy` (integer or one-hot class targets). */
  readonly loss?: Loss;
  /** Default `['accuracy']`. */
  readonly metrics?: readonly MetricKind[];
  /**
   * Weight of each class id in the training loss (a map; left-out classes weigh 1), or `'balanced'`:
   * `n / (classes · count_c)` from the training data (in-memory data only), as scikit-learn. Multiplies
   * the data set's own per-sample `weights`, if any. The resolved weights are in `runStart`. Metrics
   * and `val_loss` are not weighted.
   */
  readonly classWeight?: ClassWeight | 'balanced';
  /** Held-out data for `val_loss` and `val_<metric>` at each epoch end. */
  readonly validation?: EvaluationSource;
  /** Clip gradients to this global norm. */
  readonly clipNorm?: number;
  /** Fail the run on a non-finite loss. Default true. */
  readonly terminateOnNaN?: boolean;
  /** Stop when a metric stops improving; `restoreBest` restores this model's best weights. */
  readonly earlyStopping?: Omit<EarlyStoppingConfig, 'model'>;
  /** Lower the learning rate on a plateau. */
  readonly reduceLROnPlateau?: Omit<ReduceLROnPlateauConfig, 'optimizer'>;
  /** Set the learning rate of each epoch. */
  readonly lrSchedule?: Schedule;
  /** Save the best model to disk. */
  readonly checkpoint?: Omit<CheckpointConfig, 'model'>;
  /** Clock of the events' times and of the turns given to the event loop (`batches()`' `yieldMs`). */
  readonly clock?: Clock;
}

const where = 'train()';
const fields = ['epochs', 'batchSize', 'shuffle', 'seed', 'optimizer', 'loss', 'metrics', 'classWeight', 'validation', 'clipNorm', 'terminateOnNaN', 'earlyStopping', 'reduceLROnPlateau', 'lrSchedule', 'checkpoint', 'clock'];

/**
 * Train a model: batches → epochs → trainStep → epochEnd → terminateOnNaN → the decisions asked for
 * (reduceLROnPlateau, lrSchedule, earlyStopping) → checkpoint.
 *
 * Intuition: `model.fit` as a cold Observable. Nothing runs until it is subscribed; each subscription
 * is one training run of the same model (weights carry over); unsubscribing stops it at the next step.
 *
 * @example
 * ```ts
 * import { train, mlp, digits, split } from 'rxtrain';
 * const { train: trainSet, validation } = split(digits(), { validation: 0.2, test: 0, seed: 1 });
 * const model = mlp({ inputShape: [64], units: [128], classes: 10 });
 * train(model, trainSet, { epochs: 30, validation, earlyStopping: { patience: 3, restoreBest: true } })
 *   .subscribe((e) => e.type === 'epochEnd' && console.log(e.epoch, e.metrics));
 * ```
 * @param model A tfjs-layers model.
 * @param data Training data: an ArrayDataset, `{xs, ys}`, or a `tf.data.Dataset` of samples.
 * @param config Epochs, batch size, optimizer, validation and decisions.
 * @returns The run's events, starting with `runStart`.
 */
export function train(model: tfl.LayersModel, data: BatchSource, config: TrainConfig): Observable<TrainEvent> {
  const c = requireObject(where, config);
  knownFields(where, c, fields);
  const n = positiveInt(where, 'epochs', c.epochs);
  const batchSize = c.batchSize === undefined ? 32 : positiveInt(where, 'batchSize', c.batchSize);
  const shuffle = c.shuffle === undefined ? true : booleanField(where, 'shuffle', c.shuffle);
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  const nanCheck = c.terminateOnNaN === undefined ? true : booleanField(where, 'terminateOnNaN', c.terminateOnNaN);
  const optimizerSpec = config.optimizer ?? 'adam';
  const metrics = config.metrics ?? ['accuracy'];
  const loss = validateLoss(where, config.loss ?? 'categoricalCrossentropy');
  for (const f of ['earlyStopping', 'reduceLROnPlateau', 'checkpoint'] as const) {
    if (config[f] !== undefined && (typeof config[f] !== 'object' || config[f] === null)) throw configError(where, f, `must be an object of ${f}() options`, config[f]);
  }
  const decisionsFor = (opt: tf.Optimizer): MonoTypeOperatorFunction<TrainEvent>[] => {
    const ops: MonoTypeOperatorFunction<TrainEvent>[] = [];
    if (nanCheck) ops.push(terminateOnNaN<TrainEvent>());
    if (config.reduceLROnPlateau) ops.push(reduceLROnPlateau<TrainEvent>({ ...config.reduceLROnPlateau, optimizer: opt }) as MonoTypeOperatorFunction<TrainEvent>);
    if (config.lrSchedule) ops.push(lrSchedule<TrainEvent>(opt, config.lrSchedule) as MonoTypeOperatorFunction<TrainEvent>);
    if (config.earlyStopping) ops.push(earlyStopping<TrainEvent>({ ...config.earlyStopping, model }) as MonoTypeOperatorFunction<TrainEvent>);
    // After the decisions: a stop completes the stream from above, and a save still in flight then
    // finishes before the run completes (it would be cut off if the stop came from below).
    if (config.checkpoint) ops.push(checkpoint<TrainEvent>({ ...config.checkpoint, model }) as MonoTypeOperatorFunction<TrainEvent>);
    return ops;
  };
  // Convert in-memory data once, and build everything once now, so that a bad option fails here rather than at subscription.
  const source = isTfDataset(data) ? data : toArrayDataset(data);
  batches(source, { batchSize, shuffle, seed });
  // The model against its data, now; a tf.data source is checked by trainStep at its first batch.
  if (!isTfDataset(source)) checkModelData(where, model, source, loss);
  if (c.validation !== undefined) checkModelData(where, model, toArrayDataset(config.validation!), loss, 'validation data');
  const classWeight = resolveTrainClassWeight(model, source, loss, c.classWeight);
  const probe = optimizerSpec instanceof tf.Optimizer ? optimizerSpec : makeOptimizer(optimizerSpec);
  try {
    decisionsFor(probe);
  } finally {
    if (probe !== optimizerSpec) probe.dispose();
  }

  return defer(() => {
    const ownOptimizer = !(optimizerSpec instanceof tf.Optimizer);
    const opt = optimizerSpec instanceof tf.Optimizer ? optimizerSpec : makeOptimizer(optimizerSpec);
    const decisions = decisionsFor(opt);

    const events: Observable<TrainEvent> = batches(source, { batchSize, shuffle, seed, ...(config.clock ? { clock: config.clock } : {}) }).pipe(
      epochs(n),
      trainStep(model, { optimizer: opt, loss, metrics, ...(classWeight ? { classWeight } : {}), ...(config.clipNorm === undefined ? {} : { clipNorm: config.clipNorm }), ...(config.clock ? { clock: config.clock } : {}) }),
      epochEnd({ model, loss, metrics, optimizer: opt, ...(config.validation === undefined ? {} : { validation: config.validation }), ...(config.clock ? { clock: config.clock } : {}) }),
    );
    const decided = decisions.reduce((stream, op) => stream.pipe(op), events);
    return ownOptimizer ? decided.pipe(finalize(() => opt.dispose())) : decided;
  });
}

/** `classWeight` as trainStep takes it: `'balanced'` counted on the in-memory training data; validated. */
function resolveTrainClassWeight(model: tfl.LayersModel, source: BatchSource, loss: Loss, value: unknown): ClassWeight | undefined {
  if (value === undefined) return undefined;
  if (value !== 'balanced') {
    resolveClassWeight(where, value, model, loss);
    return value as ClassWeight;
  }
  if (isTfDataset(source)) {
    throw configError(where, 'classWeight', "'balanced' counts the classes of the training data, which a tf.data source does not give up front: pass a map of class id to weight (balancedClassWeight(data) computes one from an in-memory data set)", value);
  }
  const weights = balancedClassWeight(toArrayDataset(source), where, 'classWeight');
  resolveClassWeight(where, weights, model, loss); // the model and loss must take class weights
  return weights;
}
