/**
 * Class ids from targets and predictions, on the device: what the confusion-matrix and ranking metrics
 * count, and what class weights look up. A single (sigmoid) output scores two classes and calls a score
 * above 0.5 class 1 (a score of exactly 0.5 is class 0, as Keras's and scikit-learn's thresholds).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Number of classes a prediction scores: a single (sigmoid) output is two classes. */
export function classesOf(yPred: tf.Tensor): number {
  const last = yPred.rank < 2 ? 1 : yPred.shape[yPred.rank - 1]!;
  return last === 1 ? 2 : last;
}

export const singleOutput = (yPred: tf.Tensor): boolean => yPred.rank < 2 || yPred.shape[yPred.rank - 1] === 1;

/** True and predicted class ids `[n]` (int32). A single output is class 1 above 0.5. */
export function classIds(yTrue: tf.Tensor, yPred: tf.Tensor): { truth: tf.Tensor1D; predicted: tf.Tensor1D } {
  if (singleOutput(yPred)) {
    const n = yPred.shape[0]!;
    return {
      truth: tf.cast(tf.greater(tf.reshape(yTrue, [n]), 0.5), 'int32') as tf.Tensor1D,
      predicted: tf.cast(tf.greater(tf.reshape(yPred, [n]), 0.5), 'int32') as tf.Tensor1D,
    };
  }
  const truth = yTrue.rank === yPred.rank - 1 ? tf.cast(yTrue, 'int32') : tf.cast(tf.argMax(yTrue, -1), 'int32');
  return { truth: truth as tf.Tensor1D, predicted: tf.cast(tf.argMax(yPred, -1), 'int32') as tf.Tensor1D };
}
