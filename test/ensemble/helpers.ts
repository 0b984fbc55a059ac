// Shared by the ensemble tests: the bundled classification sets and one fixed, normalised split.
import { digits, wine, breastCancer } from '../../lib/data/bundled.js';
import { split } from '../../lib/data/split.js';
import { fitNormalizer, applyNormalizer } from '../../lib/data/normalize.js';
import type { ArrayDataset } from '../../lib/data/types.js';

/** 70/30 split (seed 7), standardised with statistics of the training part only. */
export function fixedSplit(ds: ArrayDataset): { train: ArrayDataset; test: ArrayDataset } {
  const { train, test } = split(ds, { test: 0.3, seed: 7 });
  const stats = fitNormalizer(train, 'standard');
  return { train: applyNormalizer(train, stats), test: applyNormalizer(test, stats) };
}

/** [name, loader, number of classes]. */
export const sets: [string, () => ArrayDataset, number][] = [['digits', digits, 10], ['wine', wine, 3], ['breastCancer', breastCancer, 2]];
