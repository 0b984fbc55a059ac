/**
 * The folds of k-fold cross-validation: every sample in exactly one validation fold, drawn from a
 * seeded shuffle, and optionally stratified (each fold keeps the class shares of the whole).
 */
import { configError } from '../errors.js';
import { createRandom, permutation } from '../random.js';
import { booleanField, finiteNumber, knownFields, positiveInt, requireObject } from '../validate.js';
import { classIdsOf } from '../data/one-hot.js';
import type { ArrayDataset } from '../data/types.js';

export interface KFoldConfig {
  /** Number of folds, 2 ≤ folds ≤ samples. */
  readonly folds: number;
  /**
   * Keep each class's share the same in every fold. Default: true for class labels (integer ids, or
   * one-hot rows with `classNames`), false for regression targets, as `split()`'s `stratify`.
   */
  readonly stratified?: boolean;
  /** Seed of the shuffle. Default 0: the same seed gives the same folds. */
  readonly seed?: number;
}

export interface ResolvedKFold {
  readonly folds: number;
  readonly stratified: boolean;
  readonly seed: number;
}

/** Validate a fold config against the data set it will cut. */
export function parseKFold(where: string, config: unknown, ds: ArrayDataset): ResolvedKFold {
  const c = requireObject(where, config);
  knownFields(where, c, ['folds', 'stratified', 'seed']);
  const folds = positiveInt(where, 'folds', c.folds);
  const what = ds.name ? `'${ds.name}'` : 'the data set';
  if (folds < 2) throw configError(where, 'folds', 'must be at least 2 (each fold is validated on once, trained on by the others)', folds);
  if (folds > ds.length) throw configError(where, 'folds', `is more than the ${ds.length} samples of ${what}`, folds);
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  const ids = classIdsOf(ds);
  const stratified = c.stratified === undefined ? ids !== undefined : booleanField(where, 'stratified', c.stratified);
  if (stratified && ids === undefined) throw configError(where, 'stratified', `needs class labels, but ${what} has float targets of shape [${ds.yShape.join(', ')}]`, true);
  return { folds, stratified, seed };
}

/**
 * The sample indices of each validation fold (fold k's training samples are all the others). Sizes
 * differ by at most one; stratified, each class's count differs by at most one between folds.
 */
export function kFoldIndices(ds: ArrayDataset, k: ResolvedKFold): Int32Array[] {
  const random = createRandom(k.seed);
  // One order of all samples; dealt round-robin into the folds. Stratified: class by class (each class
  // shuffled on its own), so every class is dealt evenly too.
  let order: number[];
  if (k.stratified) {
    const ids = classIdsOf(ds)!;
    const byClass = new Map<number, number[]>();
    ids.forEach((c, i) => {
      const members = byClass.get(c);
      if (members) members.push(i);
      else byClass.set(c, [i]);
    });
    order = [...byClass.keys()].sort((a, b) => a - b).flatMap((c) => {
      const members = byClass.get(c)!;
      return Array.from(permutation(members.length, random.fork(`class ${c}`)), (j) => members[j]!);
    });
  } else {
    order = Array.from(permutation(ds.length, random));
  }
  const folds: number[][] = Array.from({ length: k.folds }, () => []);
  order.forEach((sample, j) => folds[j % k.folds]!.push(sample));
  return folds.map((f) => Int32Array.from(f).sort());
}
