/**
 * A trained model's measured inference time per sample: a ready objective for a study that trades
 * accuracy against speed (with `'params'`, the parameter count, for size).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Clock } from './clock.js';
import { configError } from './errors.js';
import type { ArrayDataset } from './data/types.js';
import { knownFields, nonNegativeInt, positiveInt, requireObject } from './validate.js';

export interface InferenceTimeConfig {
  /** Where time comes from: `systemClock`, or `performance` for sub-millisecond resolution. Required. */
  readonly clock: Clock;
  /** Samples per forward pass. Default 32. */
  readonly batchSize?: number;
  /** Timed passes over the samples; the median is returned. Default 5. */
  readonly repeats?: number;
  /** Untimed passes first (kernels compiled, caches warm). Default 1. */
  readonly warmup?: number;
  /** How many of the data's samples to time (from the start). Default all of them, at most 512. */
  readonly samples?: number;
}

/**
 * The median, over `repeats` timed passes, of the milliseconds per sample that `model.predict` takes on
 * the first `samples` samples of `data`, in batches of `batchSize`. Each batch's output is read back, so
 * that the time includes the device finishing its work. Synchronous: it blocks the thread while it
 * measures. Tensors it makes are freed.
 *
 * @example
 * ```ts
 * import { inferenceTime, digits, mlp } from 'rxtrain';
 * const model = mlp({ inputShape: [64], units: [32], classes: 10 });
 * const msPerSample = inferenceTime(model, digits(), { clock: performance, repeats: 3 });
 * ```
 * @returns milliseconds per sample. Throws `INVALID_CONFIG` naming a bad option.
 */
export function inferenceTime(model: tfl.LayersModel, data: Pick<ArrayDataset, 'x' | 'xShape'>, config: InferenceTimeConfig): number {
  const where = 'inferenceTime()';
  const c = requireObject(where, config);
  knownFields(where, c, ['clock', 'batchSize', 'repeats', 'warmup', 'samples']);
  const clock = c.clock as Clock;
  if (clock === null || typeof clock !== 'object' || typeof clock.now !== 'function') throw configError(where, 'clock', 'must be a Clock (with now())', clock);
  const batchSize = c.batchSize === undefined ? 32 : positiveInt(where, 'batchSize', c.batchSize);
  const repeats = c.repeats === undefined ? 5 : positiveInt(where, 'repeats', c.repeats);
  const warmup = c.warmup === undefined ? 1 : nonNegativeInt(where, 'warmup', c.warmup);
  if (data === null || typeof data !== 'object' || !(data.x instanceof Float32Array) || !Array.isArray(data.xShape)) {
    throw configError(where, 'data', 'must be a data set with x (Float32Array) and xShape', data);
  }
  const width = data.xShape.reduce((a, b) => a * b, 1);
  const available = Math.floor(data.x.length / Math.max(1, width));
  const samples = c.samples === undefined ? Math.min(available, 512) : positiveInt(where, 'samples', c.samples);
  if (samples === 0 || samples > available) throw configError(where, 'samples', `must be between 1 and the data's ${available} samples`, samples);

  const batches: tf.Tensor[] = [];
  for (let start = 0; start < samples; start += batchSize) {
    const n = Math.min(batchSize, samples - start);
    batches.push(tf.tensor(data.x.subarray(start * width, (start + n) * width), [n, ...data.xShape]));
  }
  const pass = (): void => {
    for (const batch of batches) {
      const out = model.predict(batch);
      for (const t of Array.isArray(out) ? out : [out]) {
        t.dataSync();
        t.dispose();
      }
    }
  };
  try {
    for (let i = 0; i < warmup; i++) pass();
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = clock.now();
      pass();
      times.push((clock.now() - t0) / samples);
    }
    times.sort((a, b) => a - b);
    const mid = Math.floor(times.length / 2);
    return times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  } finally {
    for (const b of batches) b.dispose();
  }
}
