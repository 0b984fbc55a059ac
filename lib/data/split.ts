/**
 * Seeded train / validation / test splits, stratified by class for classification data, plus the
 * row-selection helpers they are built from (`subset`, `take`).
 */
import { configError } from '../errors.js';
import { createRandom, permutation, type Random } from '../random.js';
import { booleanField, finiteNumber, knownFields, nonNegativeInt, requireObject } from '../validate.js';
import type { ArrayDataset, DataSplits } from './types.js';
import { prod } from './from-arrays.js';
import { classIdsOf } from './one-hot.js';

export interface SplitConfig {
  /** Validation part: a fraction in [0, 1) of the samples, or a whole count ≥ 1. Default 0. */
  readonly validation?: number;
  /** Test part: a fraction in [0, 1) of the samples, or a whole count ≥ 1. Default 0. */
  readonly test?: number;
  /** Seed of the random assignment. Default 0. The same seed gives the same splits. */
  readonly seed?: number;
  /**
   * Keep each class's share the same in every part. Default: true for class labels (integer ids, or
   * one-hot rows with `classNames`), false for regression targets.
   */
  readonly stratify?: boolean;
}

const where = 'split()';

/**
 * Split a data set into train, validation and test parts. Every sample lands in exactly one part; each
 * part lists its samples in a seeded random order.
 *
 * @example
 * ```ts
 * import { digits, split } from 'rxtrain';
 * const { train, validation, test } = split(digits(), { validation: 0.1, test: 0.2, seed: 42 });
 * console.log(train.length, validation.length, test.length); // 1258 180 359
 * ```
 * @throws RxtrainError `INVALID_CONFIG` naming the field: a negative or non-whole size, fractions that
 *   sum to 1 or more, counts that leave no training samples, `stratify` on regression targets.
 */
export function split(ds: ArrayDataset, config: SplitConfig): DataSplits {
  const c = requireObject(where, config);
  knownFields(where, c, ['validation', 'test', 'seed', 'stratify']);
  const n = ds.length;
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  const vSize = size('validation', c.validation);
  const tSize = size('test', c.test);
  const fractions = (vSize.fraction ? vSize.value : 0) + (tSize.fraction ? tSize.value : 0);
  if (fractions >= 1) {
    throw configError(where, 'test', `and 'validation' are fractions that sum to ${fractions} (validation ${vSize.value} + test ${tSize.value}); they must sum to less than 1 to leave training samples`);
  }
  const V = vSize.fraction ? Math.round(vSize.value * n) : vSize.value;
  const T = tSize.fraction ? Math.round(tSize.value * n) : tSize.value;
  if (V + T >= n) {
    throw configError(where, V > 0 && T > 0 ? 'test' : V > 0 ? 'validation' : 'test', `leaves no training samples: validation ${V} + test ${T} ≥ ${n} samples in ${ds.name ? `'${ds.name}'` : 'the data set'}`);
  }
  const ids = classIdsOf(ds);
  const stratify = c.stratify === undefined ? ids !== undefined : booleanField(where, 'stratify', c.stratify);
  if (stratify && ids === undefined) {
    throw configError(where, 'stratify', `needs class labels, but ${ds.name ? `'${ds.name}'` : 'the data set'} has float targets of shape [${ds.yShape.join(', ')}]`, true);
  }
  const random = createRandom(seed);
  const parts = stratify ? stratified(ids!, V, T, random) : plain(n, V, T, random);
  const label = (part: string): string => (ds.name ? `${ds.name}/${part}` : part);
  return {
    train: subset(ds, parts.train, label('train')),
    validation: subset(ds, parts.validation, label('validation')),
    test: subset(ds, parts.test, label('test')),
  };
}

function size(field: string, value: unknown): { value: number; fraction: boolean } {
  if (value === undefined) return { value: 0, fraction: false };
  const v = finiteNumber(where, field, value);
  if (v < 0) throw configError(where, field, 'must be ≥ 0 (a fraction in [0, 1) or a whole count)', value);
  if (v < 1) return { value: v, fraction: v > 0 };
  if (!Number.isInteger(v)) throw configError(where, field, 'must be a fraction in [0, 1) or a whole count ≥ 1', value);
  return { value: v, fraction: false };
}

type Parts = { train: Int32Array; validation: Int32Array; test: Int32Array };

function plain(n: number, V: number, T: number, random: Random): Parts {
  const order = permutation(n, random);
  return { test: order.slice(0, T), validation: order.slice(T, T + V), train: order.slice(T + V) };
}

function stratified(ids: Int32Array, V: number, T: number, random: Random): Parts {
  const byClass = new Map<number, number[]>();
  ids.forEach((c, i) => {
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const members = classes.map((c) => {
    const list = byClass.get(c)!;
    const order = permutation(list.length, random.fork(`class ${c}`));
    return Array.from(order, (k) => list[k]!);
  });
  const sizes = members.map((m) => m.length);
  const testCounts = allocate(T, sizes, sizes);
  const validationCounts = allocate(V, sizes, sizes.map((s, k) => s - testCounts[k]!));
  const test: number[] = [];
  const validation: number[] = [];
  const train: number[] = [];
  members.forEach((m, k) => {
    const t = testCounts[k]!;
    const v = validationCounts[k]!;
    test.push(...m.slice(0, t));
    validation.push(...m.slice(t, t + v));
    train.push(...m.slice(t + v));
  });
  // Grouped by class so far; give each part a seeded random order.
  const shuffle = (xs: number[], label: string): Int32Array => {
    const order = permutation(xs.length, random.fork(label));
    return Int32Array.from(order, (k) => xs[k]!);
  };
  return { train: shuffle(train, 'train'), validation: shuffle(validation, 'validation'), test: shuffle(test, 'test') };
}

/**
 * Share `total` among classes in proportion to `sizes` (largest-remainder rounding, so the counts sum
 * to `total` exactly), never giving a class more than its `capacity`.
 */
function allocate(total: number, sizes: readonly number[], capacity: readonly number[]): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  const ideal = sizes.map((s) => (total * s) / n);
  const counts = ideal.map((v, k) => Math.min(Math.floor(v), capacity[k]!));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = ideal.map((v, k) => k).sort((a, b) => ideal[b]! - Math.floor(ideal[b]!) - (ideal[a]! - Math.floor(ideal[a]!)) || a - b);
  while (left > 0) {
    let gave = false;
    for (const k of byRemainder) {
      if (left === 0) break;
      if (counts[k]! < capacity[k]!) {
        counts[k]!++;
        left--;
        gave = true;
      }
    }
    if (!gave) break; // cannot happen when total ≤ sum(capacity), which split() checks
  }
  return counts;
}

/**
 * The samples of `ds` at `indices`, in that order (copied, with their weights when `ds` has
 * `weights`; an index may repeat, e.g. for bootstrap samples).
 *
 * @throws RxtrainError `INVALID_CONFIG` naming the first index that is not a sample of `ds`.
 */
export function subset(ds: ArrayDataset, indices: ArrayLike<number>, name?: string): ArrayDataset {
  const xRow = prod(ds.xShape);
  const yRow = prod(ds.yShape);
  const count = indices.length;
  const x = new Float32Array(count * xRow);
  const y = ds.y instanceof Int32Array ? new Int32Array(count * yRow) : new Float32Array(count * yRow);
  const weights = ds.weights === undefined ? undefined : new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const s = indices[i]!;
    if (!Number.isInteger(s) || s < 0 || s >= ds.length) {
      throw configError('subset()', `indices[${i}]`, `is not a sample index of ${ds.name ? `'${ds.name}'` : 'the data set'} (0..${ds.length - 1})`, s);
    }
    x.set(ds.x.subarray(s * xRow, (s + 1) * xRow), i * xRow);
    if (y instanceof Int32Array) y.set((ds.y as Int32Array).subarray(s * yRow, (s + 1) * yRow), i * yRow);
    else y.set(ds.y.subarray(s * yRow, (s + 1) * yRow), i * yRow);
    if (weights) weights[i] = ds.weights![s]!;
  }
  const out: ArrayDataset = { ...ds, x, y, length: count, ...(weights ? { weights } : {}) };
  return name === undefined ? out : { ...out, name };
}

/** The first `n` samples of `ds` (all of them when it has fewer). */
export function take(ds: ArrayDataset, n: number): ArrayDataset {
  nonNegativeInt('take()', 'n', n);
  const count = Math.min(n, ds.length);
  return subset(ds, Int32Array.from({ length: count }, (_, i) => i));
}
