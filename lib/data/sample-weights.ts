/**
 * Per-sample weights of an in-memory data set (`ArrayDataset.weights`): checked once where the data
 * is cut into batches, so that a weight that would make the loss NaN or negative is refused naming its
 * row instead of training on it.
 */
import { configError } from '../errors.js';
import type { ArrayDataset } from './types.js';

/**
 * Throw unless `ds.weights` (when present) is a Float32Array with one finite weight ≥ 0 per sample.
 *
 * @throws RxtrainError `INVALID_CONFIG` naming the data set and the first bad row.
 */
export function checkSampleWeights(where: string, ds: ArrayDataset): void {
  const w = ds.weights;
  if (w === undefined) return;
  const name = ds.name ? `'${ds.name}'` : 'the data set';
  if (!(w instanceof Float32Array)) throw configError(where, 'weights', `of ${name} must be a Float32Array of one weight a sample`, w);
  if (w.length !== ds.length) throw configError(where, 'weights', `has ${w.length} values but ${name} has ${ds.length} samples: give one weight a sample`);
  for (let i = 0; i < w.length; i++) {
    const v = w[i]!;
    if (!(Number.isFinite(v) && v >= 0)) throw configError(where, `weights[${i}]`, `is the weight of row ${i} of ${name}: it must be a finite number ≥ 0`, v);
  }
}
