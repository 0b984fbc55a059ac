import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import '../lib/backend/gradients.js';
import type { Batch, EpochBoundary, Metrics, RunStart, StepEvent } from '../lib/events.js';
import { configError, RxtrainError } from '../lib/errors.js';
import { perSampleLoss, validateLoss, type Loss } from '../lib/losses.js';
import { epochMetrics, type EpochMetrics } from '../lib/metrics/epoch-metrics.js';
import { validateMetrics, type MetricKind } from '../lib/metrics/metric-names.js';
import { applyGradientsByName, clipByGlobalNorm, optimizer as makeOptimizer, type OptimizerConfig, type OptimizerName } from '../lib/optimizers.js';
import { knownFields, nonNegativeInt, positiveNumber, requireObject } from '../lib/validate.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { subscribeSteps } from '../lib/step-source.js';
import { chooseBackendIfNone } from '../lib/backend/use-backend.js';
import { blasInfo } from '../lib/backend/blas/blas-state.js';
import { checkModelBatch } from '../lib/check-model-data.js';
import { resolveClassWeight, sampleLossWeights, weightedMean, type ClassWeight } from '../lib/class-weights.js';

/** A custom training objective: the batch in, a scalar loss out, built from `variables`. */
export interface LossModel {
  readonly loss: (batch: Batch) => tf.Scalar;
  /** Variables to train; default: every trainable variable the loss touches. */
  readonly variables?: readonly tf.Variable[];
}

/** What `trainStep` trains: a tfjs-layers model, or a loss function of variables. */
export type Trainable = tfl.LayersModel | LossModel;

export interface TrainStepConfig {
  /** A tfjs optimizer (kept by the caller), or a name/config (created per subscription, disposed at teardown). */
  readonly optimizer: tf.Optimizer | OptimizerName | OptimizerConfig;
  /** Loss of a layers model's outputs against the batch targets. Default `categoricalCrossentropy`. */
  readonly loss?: Loss;
  /** Training metrics accumulated on the device over each epoch (layers models). */
  readonly metrics?: readonly MetricKind[];
  /**
   * Weight of each class id in the loss (layers models): a sample's loss counts `classWeight[class]`
   * times (classes left out: 1), times its own weight when the data set has `weights`; a batch's loss is
   * `Σ wᵢ·lossᵢ / n`. Metrics are not weighted. `balancedClassWeight(data)` computes balanced weights.
   */
  readonly classWeight?: ClassWeight;
  /** Clip the gradients to this global L2 norm before the update. */
  readonly clipNorm?: number;
  /**
   * Read the batch loss back from the device every this many steps and put it in the step event
   * (each read makes the device wait). Default 0: never; the epoch mean is read once per epoch.
   */
  readonly readEvery?: number;
  /** Clock for the run's start time. */
  readonly clock?: Clock;
}

const where = 'trainStep()';

/**
 * Take one gradient step per batch, and turn each epoch boundary into the epoch's training metrics.
 *
 * Intuition: the engine room. Each batch is consumed synchronously inside `tf.tidy`, so when the
 * `next` call returns the step is done and its temporaries are freed. Losses and metrics are summed on
 * the device and read once per epoch (or every `readEvery` steps). The first event is `runStart`,
 * naming the backend; when no backend was chosen before (no `useBackend()`), the run first chooses
 * `useBackend('auto')` and says so in `runStart` (`backendAutoChosen: true`). A loss is NaN, on every backend, when a prediction is NaN or infinite, and an
 * epoch's loss also when a trained weight is: a broken model never reports a healthy-looking loss.
 *
 * @example
 * ```ts
 * import { batches, digits, mlp } from 'rxtrain';
 * import { epochs, trainStep } from 'rxtrain/operators';
 * const model = mlp({ inputShape: [64], units: [64], classes: 10 });
 * batches(digits(), { batchSize: 32, shuffle: true })
 *   .pipe(epochs(5), trainStep(model, { optimizer: 'adam', metrics: ['accuracy'] }))
 *   .subscribe((e) => e.type === 'epochBoundary' && console.log(e.epoch, e.metrics));
 * ```
 * @param model A tfjs-layers model, or `{loss: (batch) => scalar, variables?}`.
 * @param config Optimizer, loss, metrics, gradient clipping, read frequency.
 * @returns An operator from batches and boundaries to `runStart`, `step` and filled-in boundaries.
 */
export function trainStep(model: Trainable, config: TrainStepConfig): OperatorFunction<Batch | EpochBoundary, RunStart | StepEvent | EpochBoundary> {
  const c = requireObject(where, config);
  knownFields(where, c, ['optimizer', 'loss', 'metrics', 'classWeight', 'clipNorm', 'readEvery', 'clock']);
  if (c.optimizer === undefined) throw configError(where, 'optimizer', 'is required (a tf.Optimizer, a name such as "adam", or {name, lr, ...})');
  const loss = validateLoss(where, c.loss ?? 'categoricalCrossentropy');
  const metrics = validateMetrics(where, c.metrics);
  const clipNorm = c.clipNorm === undefined ? undefined : positiveNumber(where, 'clipNorm', c.clipNorm);
  const readEvery = c.readEvery === undefined ? 0 : nonNegativeInt(where, 'readEvery', c.readEvery);
  const clock = config.clock ?? systemClock;
  const isLayers = isLayersModel(model);
  if (!isLayers && typeof (model as LossModel)?.loss !== 'function') {
    throw configError(where, 'model', 'must be a tfjs-layers LayersModel or {loss: (batch) => scalar, variables?}', model);
  }
  if (!isLayers && metrics.length > 0) throw configError(where, 'metrics', 'are only computed for layers models (a loss function has no predictions)');
  if (!isLayers && c.classWeight !== undefined) throw configError(where, 'classWeight', "applies to layers models (a loss function weighs its batch itself: batch.weights)");
  const classWeight = c.classWeight === undefined ? undefined : resolveClassWeight(where, c.classWeight, model as tfl.LayersModel, loss);
  // Validate a named optimizer now, not at the first subscription.
  if (!(c.optimizer instanceof tf.Optimizer)) makeOptimizer(c.optimizer as OptimizerConfig).dispose();

  return (source) =>
    new Observable((subscriber) => {
      const ownOptimizer = !(config.optimizer instanceof tf.Optimizer);
      const opt = config.optimizer instanceof tf.Optimizer ? config.optimizer : makeOptimizer(config.optimizer);
      // The epoch's loss, summed on the device (weighted by batch size), and its metrics' statistics.
      let lossSum: tf.Scalar | undefined;
      const accumulated: EpochMetrics = epochMetrics(metrics, loss);
      let samples = 0;
      let stepsInEpoch = 0;
      let step = 0;
      const readVars = (): tf.Variable[] | undefined =>
        isLayers ? (model as tfl.LayersModel).trainableWeights.map((w) => w.read() as tf.Variable) : (model as LossModel).variables?.slice();
      const readHasPenalties = (): boolean => isLayers && (model as tfl.LayersModel).layers.some((l) => l.losses.length > 0);
      // What is trained (and whether there are weight penalties) is read at the first step of each
      // epoch, not at every step: walking the layers costs more than a small model's step. A change
      // of trainability (freeze, unfreezeAt) made during an epoch's end takes effect with the next
      // epoch; the set may grow or shrink with any optimizer (applyGradientsByName keeps each
      // variable's state).
      let vars: tf.Variable[] | undefined;
      let hasPenalties = false;
      let stale = true;
      let checked = !isLayers;

      const onBatch = (batch: Batch): void => {
        if (!checked) {
          checkModelBatch(where, model as tfl.LayersModel, batch, loss);
          checked = true;
        }
        if (stale) {
          vars = readVars();
          hasPenalties = readHasPenalties();
          stale = false;
        }
        let readLoss: number | undefined;
        tf.tidy(() => {
          let extra: tf.Tensor[] = [];
          const objective = (): tf.Scalar => {
            if (!isLayers) return (model as LossModel).loss(batch);
            const out = (model as tfl.LayersModel).apply(batch.xs, { training: true });
            if (Array.isArray(out)) throw new RxtrainError('SHAPE_MISMATCH', `${where}: models with several outputs are not supported (got ${out.length} outputs)`);
            const yPred = out as tf.Tensor;
            // Metrics ride along inside the tape; they are not differentiated (nothing depends on them).
            extra = accumulated.batch(batch.ys, yPred);
            let total: tf.Scalar = weightedMean(perSampleLoss(loss, batch.ys, yPred), sampleLossWeights(batch, yPred, classWeight));
            if (hasPenalties) for (const reg of (model as tfl.LayersModel).calculateLosses()) total = tf.add(total, reg);
            return total;
          };
          // Not `opt.minimize`: that hands the optimizer a list whose order changes when layers are
          // (un)frozen, and tfjs optimizers find a variable's state by its place in the list.
          const { value: cost, grads } = opt.computeGradients(objective, vars);
          applyGradientsByName(opt, clipNorm === undefined ? grads : clipByGlobalNorm(grads, clipNorm));
          tf.dispose(grads);
          const batchLoss = tf.mul(cost, batch.size) as tf.Scalar;
          const next = tf.keep(lossSum ? tf.add<tf.Scalar>(lossSum, batchLoss) : batchLoss);
          lossSum?.dispose();
          lossSum = next;
          accumulated.add(extra); // kept past the tape's scope; the accumulator owns them now
          if (readEvery > 0 && (step + 1) % readEvery === 0) readLoss = cost.dataSync()[0];
        });
        samples += batch.size;
        stepsInEpoch++;
        step++;
        const event: StepEvent = { type: 'step', epoch: batch.epoch, index: batch.index, step, size: batch.size };
        subscriber.next(readLoss === undefined ? event : { ...event, loss: readLoss });
      };

      const onBoundary = (b: EpochBoundary): void => {
        stale = true;
        if (lossSum && vars && vars.length > 0) lossSum = withWeightCheck(lossSum, vars);
        const total = lossSum ? lossSum.dataSync()[0]! : NaN;
        lossSum?.dispose();
        lossSum = undefined;
        const m: Metrics = { loss: total / Math.max(samples, 1), ...accumulated.take(samples) };
        subscriber.next({ ...b, metrics: m, samples, steps: stepsInEpoch });
        samples = 0;
        stepsInEpoch = 0;
      };

      let sub: Subscription | undefined;
      const start = (autoChosen: boolean): void => {
        const blas = tf.getBackend() === 'wasm' ? blasInfo()?.library : undefined;
        const backend = { backend: tf.getBackend(), ...(autoChosen ? { backendAutoChosen: true as const } : {}), ...(blas !== undefined ? { blas } : {}) };
        const weights = classWeight ? { classWeight: Object.fromEntries(classWeight.map((w, k) => [k, w])) } : {};
        subscriber.next({ type: 'runStart', ...backend, trainableParams: countParams(readVars() ?? []), ...weights, time: clock.now() });
        sub = subscribeSteps(source, subscriber, { onBatch, onBoundary });
      };
      // Forgetting useBackend() must not mean training on tfjs's pure-JS cpu fallback, 20-250x slower.
      const choosing = chooseBackendIfNone();
      if (choosing === undefined) start(false);
      else choosing.then(() => subscriber.closed || start(true), (err: unknown) => subscriber.error(err));
      return () => {
        sub?.unsubscribe();
        lossSum?.dispose();
        lossSum = undefined;
        accumulated.dispose();
        if (ownOptimizer) opt.dispose();
      };
    });
}

function isLayersModel(m: unknown): m is tfl.LayersModel {
  return typeof m === 'object' && m !== null && typeof (m as tfl.LayersModel).apply === 'function' && Array.isArray((m as tfl.LayersModel).trainableWeights);
}

/**
 * The epoch's loss sum, made NaN when a trained weight is not finite: a step can leave a weight
 * infinite while its own loss was finite (an infinite gradient), and the last step of a run has no next
 * loss to show it. Once per epoch, and read with the sums: no extra device read. Disposes `lossSum`.
 */
function withWeightCheck(lossSum: tf.Scalar, vars: readonly tf.Variable[]): tf.Scalar {
  const checked = tf.tidy(() => tf.add(lossSum, tf.addN(vars.map((v) => tf.sum(tf.mul(v, 0))))) as tf.Scalar);
  lossSum.dispose();
  return checked;
}


function countParams(vars: readonly tf.Variable[]): number {
  return vars.reduce((n, v) => n + v.size, 0);
}
