import type * as tf from '@tensorflow/tfjs-core';
import { configError } from '../../lib/errors.js';

/** Validate an `optimizer` field: a tfjs optimizer with a numeric learning rate. Internal. */
export function optimizerField(where: string, value: unknown, field = 'optimizer'): tf.Optimizer {
  if (value === null || typeof value !== 'object' || typeof (value as { learningRate?: unknown }).learningRate !== 'number') {
    throw configError(where, field, 'must be a tfjs optimizer with a numeric learningRate', value);
  }
  return value as tf.Optimizer;
}
