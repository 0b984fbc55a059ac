/**
 * Losses and metrics by name. Each is computed on the device and returns per-sample values, so
 * callers can average them or accumulate sums over an epoch without reading anything back. The loss of
 * a sample whose prediction is NaN or ±Infinity is NaN, for every loss and on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { configError } from './errors.js';

export type LossName = 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError' | 'meanAbsoluteError';
export const lossNames: readonly LossName[] = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError'];

/** A custom loss: targets and predictions of a batch in, one loss per sample (`[n]`) or a mean scalar out. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
export type Loss = LossName | LossFunction;

/** The metrics computed per sample here (the others: lib/metrics). */
export type PerSampleMetric = 'accuracy' | 'mse' | 'mae';
export const perSampleMetrics: readonly PerSampleMetric[] = ['accuracy', 'mse', 'mae'];

export function isPerSampleMetric(name: string): name is PerSampleMetric {
  return (perSampleMetrics as readonly string[]).includes(name);
}

const EPS = 1e-7;

/**
 * Class targets as one-hot rows matching `yPred`'s last dimension. Integer class ids (`[n]`, int32)
 * become one-hot; one-hot targets pass through. Throws when the shapes cannot match.
 */
export function oneHotTargets(yTrue: tf.Tensor, yPred: tf.Tensor, where: string): tf.Tensor {
  const classes = yPred.shape[yPred.rank - 1] ?? 1;
  if (yTrue.rank === yPred.rank - 1) {
    return tf.oneHot((yTrue.dtype === 'int32' ? yTrue : tf.cast(yTrue, 'int32')) as tf.Tensor1D, classes);
  }
  if (yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === classes) return yTrue;
  throw shapeError(where, yTrue, yPred);
}

function shapeError(where: string, yTrue: tf.Tensor, yPred: tf.Tensor): Error {
  return configError(where, 'loss', `cannot compare targets of shape [${yTrue.shape.join(', ')}] with predictions of shape [${yPred.shape.join(', ')}]: give integer class ids [n] or one-hot targets [n, ${yPred.shape[yPred.rank - 1]}]`);
}

/** Per-sample loss values `[n]`. `yPred` are probabilities for the cross-entropies (softmax/sigmoid outputs). */
export function perSampleLoss(loss: Loss, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (typeof loss === 'function') {
      const v = loss(yTrue, yPred);
      // A scalar (mean) loss counts for every sample of the batch.
      const perSample = v.rank === 0 ? tf.mul(v, tf.ones([yPred.shape[0] ?? 1])) : flatMean(v);
      return tf.add(perSample, flatMean(nonFiniteToNaN(yPred)));
    }
    switch (loss) {
      case 'categoricalCrossentropy':
      case 'sparseCategoricalCrossentropy': {
        const t = oneHotTargets(yTrue, yPred, 'loss');
        const p = clipProbabilities(yPred);
        return tf.neg(tf.sum(tf.mul(t, tf.log(p)), -1));
      }
      case 'binaryCrossentropy': {
        const t = targetsLike(yTrue, yPred);
        const p = clipProbabilities(yPred);
        const v = tf.neg(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p)))));
        return flatMean(v);
      }
      case 'meanSquaredError':
        return flatMean(tf.squaredDifference(targetsLike(yTrue, yPred), yPred));
      case 'meanAbsoluteError':
        return flatMean(tf.abs(tf.sub(targetsLike(yTrue, yPred), yPred)));
    }
  });
}

/**
 * Probabilities kept inside [EPS, 1 - EPS] for the logarithms, without hiding a broken prediction.
 * `tf.clipByValue` maps NaN to a bound on wasm (cpu keeps it) and ±Infinity to a bound everywhere, so a
 * model with NaN weights showed a finite loss of -ln(EPS) = 16.12 on wasm. Adding `0 × yPred` keeps a
 * non-finite prediction NaN through IEEE arithmetic, which every backend follows; it costs 3 kernels
 * of a digits MLP's 143 per training step.
 */
function clipProbabilities(yPred: tf.Tensor): tf.Tensor {
  return tf.add(tf.clipByValue(yPred, EPS, 1 - EPS), nonFiniteToNaN(yPred));
}

/** 0 where `x` is finite, NaN where it is NaN or ±Infinity (`0 × ±Infinity` is NaN). */
function nonFiniteToNaN(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, 0);
}

/** Per-sample metric values `[n]` (accuracy: 1 for a correct sample, 0 otherwise). */
export function perSampleMetric(metric: PerSampleMetric, loss: Loss, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    switch (metric) {
      case 'accuracy': {
        const classes = yPred.shape[yPred.rank - 1] ?? 1;
        if (loss === 'binaryCrossentropy' || classes === 1) {
          const t = targetsLike(yTrue, yPred);
          return flatMean(tf.cast(tf.equal(tf.greater(yPred, 0.5), tf.greater(t, 0.5)), 'float32'));
        }
        const truth = yTrue.rank === yPred.rank - 1 ? tf.cast(yTrue, 'int32') : tf.argMax(oneHotTargets(yTrue, yPred, 'metrics'), -1);
        return tf.cast(tf.equal(tf.argMax(yPred, -1), truth), 'float32');
      }
      case 'mse':
        return flatMean(tf.squaredDifference(targetsLike(yTrue, yPred), yPred));
      case 'mae':
        return flatMean(tf.abs(tf.sub(targetsLike(yTrue, yPred), yPred)));
    }
  });
}

/** Targets shaped as `yPred` (same size, reshaped), as float32. Throws when the sizes differ. */
export function targetsLike(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  if (tf.util.arraysEqual(yTrue.shape, yPred.shape)) return tf.cast(yTrue, 'float32');
  if (yTrue.size === yPred.size) return tf.reshape(tf.cast(yTrue, 'float32'), yPred.shape);
  throw shapeError('loss', yTrue, yPred);
}

/** Mean over every axis but the first: `[n, ...] → [n]`. */
function flatMean(v: tf.Tensor): tf.Tensor {
  if (v.rank <= 1) return v;
  return tf.mean(tf.reshape(v, [v.shape[0] ?? -1, -1]), 1);
}

export function validateLoss(where: string, loss: unknown): Loss {
  if (typeof loss === 'function') return loss as LossFunction;
  if (typeof loss === 'string' && (lossNames as readonly string[]).includes(loss)) return loss as LossName;
  throw configError(where, 'loss', `must be a function or one of ${lossNames.join(', ')}`, loss);
}

