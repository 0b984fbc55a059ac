/**
 * Feature normalisation as two steps, fit then apply, so that the statistics come from the training
 * split only and the very same transform is applied to validation and test data (fitting on all the
 * data would leak the test set into training).
 */
import { RxtrainError, configError } from '../errors.js';
import { oneOf } from '../validate.js';
import type { ArrayDataset } from './types.js';
import { prod } from './from-arrays.js';

/** Kinds of normalisation: `standard` → zero mean, unit variance; `minmax` → [0, 1]. */
export type NormalizeKind = 'standard' | 'minmax';

/**
 * Per-feature statistics of a fitted normaliser (one entry per feature value, i.e. `prod(xShape)`).
 * Plain arrays, so they can be saved as JSON beside a model.
 */
export type NormalizerStats =
  | { readonly kind: 'standard'; readonly mean: readonly number[]; readonly std: readonly number[] }
  | { readonly kind: 'minmax'; readonly min: readonly number[]; readonly max: readonly number[] };

/**
 * Fit a normaliser's statistics on `ds` (the training split).
 *
 * `standard` uses the population standard deviation (like scikit-learn's `StandardScaler`). A constant
 * feature (std 0, or max = min) is only shifted, not scaled, so it becomes 0 rather than NaN. A NaN or
 * infinite value is refused (it would make its feature's statistics NaN, and every value of that
 * feature after `applyNormalizer`): drop or impute it first.
 *
 * @example
 * ```ts
 * import { wine, split, fitNormalizer, applyNormalizer } from 'rxtrain';
 * const { train, validation, test } = split(wine(), { validation: 0.15, test: 0.15, seed: 1 });
 * const stats = fitNormalizer(train, 'standard');
 * const [trainN, validationN, testN] = [train, validation, test].map((d) => applyNormalizer(d, stats));
 * ```
 * @throws RxtrainError `NON_FINITE` naming the row and column (and the feature's name) of the first
 *   NaN or infinite value.
 */
export function fitNormalizer(ds: ArrayDataset, kind: NormalizeKind): NormalizerStats {
  oneOf('fitNormalizer()', 'kind', kind, ['standard', 'minmax'] as const);
  if (ds.length === 0) {
    throw new RxtrainError('SHAPE_MISMATCH', `fitNormalizer(): the data set${ds.name ? ` '${ds.name}'` : ''} has no samples to fit on`);
  }
  const width = prod(ds.xShape);
  const n = ds.length;
  const x = ds.x;
  refuseNonFinite(ds, width);
  if (kind === 'minmax') {
    const min = new Array<number>(width).fill(Infinity);
    const max = new Array<number>(width).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < width; j++) {
        const v = x[i * width + j]!;
        if (v < min[j]!) min[j] = v;
        if (v > max[j]!) max[j] = v;
      }
    }
    return { kind, min, max };
  }
  const mean = new Array<number>(width).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j]! += x[i * width + j]!;
  for (let j = 0; j < width; j++) mean[j] = mean[j]! / n;
  const variance = new Array<number>(width).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < width; j++) {
      const d = x[i * width + j]! - mean[j]!;
      variance[j]! += d * d;
    }
  }
  return { kind, mean, std: variance.map((v) => Math.sqrt(v / n)) };
}

function refuseNonFinite(ds: ArrayDataset, width: number): void {
  const x = ds.x;
  for (let k = 0; k < x.length; k++) {
    if (Number.isFinite(x[k]!)) continue;
    const row = Math.floor(k / width);
    const column = k % width;
    const feature = ds.featureNames?.[column];
    throw new RxtrainError(
      'NON_FINITE',
      `fitNormalizer(): ${ds.name ? `'${ds.name}'` : 'the data set'} has a non-finite value (${x[k]}) at row ${row}, column ${column}${feature === undefined ? '' : ` ('${feature}')`}: its statistics would be NaN; drop or impute such values before fitting`,
      { row, column, value: x[k], ...(feature === undefined ? {} : { feature }) },
    );
  }
}

/**
 * A copy of `ds` with `stats` applied to its features (labels and names unchanged).
 *
 * @throws RxtrainError `SHAPE_MISMATCH` when `stats` were fitted on a different number of features.
 */
export function applyNormalizer(ds: ArrayDataset, stats: NormalizerStats): ArrayDataset {
  const where = 'applyNormalizer()';
  if (stats === null || typeof stats !== 'object') throw configError(where, 'stats', 'must be the result of fitNormalizer()', stats);
  const kind = oneOf(where, 'stats.kind', stats.kind, ['standard', 'minmax'] as const);
  const width = prod(ds.xShape);
  const [shift, scale] = kind === 'standard' ? standardParts(stats) : minmaxParts(stats);
  if (!Array.isArray(shift) || !Array.isArray(scale) || shift.length !== width || scale.length !== width) {
    throw new RxtrainError('SHAPE_MISMATCH', `${where}: the statistics were fitted on ${Array.isArray(shift) ? shift.length : '?'} features, but ${ds.name ? `'${ds.name}'` : 'the data set'} has ${width} (xShape [${ds.xShape.join(', ')}])`, {
      expected: [width],
      actual: [Array.isArray(shift) ? shift.length : undefined],
    });
  }
  const divisor = scale.map((s) => (s > 0 && Number.isFinite(s) ? s : 1));
  const x = new Float32Array(ds.x.length);
  for (let i = 0; i < ds.length; i++) {
    for (let j = 0; j < width; j++) {
      const k = i * width + j;
      x[k] = (ds.x[k]! - shift[j]!) / divisor[j]!;
    }
  }
  return { ...ds, x };
}

function standardParts(stats: NormalizerStats): [readonly number[], readonly number[]] {
  const s = stats as { mean?: readonly number[]; std?: readonly number[] };
  return [s.mean ?? [], s.std ?? []];
}

function minmaxParts(stats: NormalizerStats): [readonly number[], readonly number[]] {
  const s = stats as { min?: readonly number[]; max?: readonly number[] };
  const min = s.min ?? [];
  const max = s.max ?? [];
  return [min, Array.isArray(max) ? max.map((m, j) => m - (min[j] ?? 0)) : []];
}
