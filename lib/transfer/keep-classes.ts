/**
 * `keepClasses`: the samples of some classes only, relabelled 0..k-1: how one labelled set becomes a
 * source task and a target task (Fashion-MNIST classes 0-4 to pre-train, 5-9 to fine-tune on).
 */
import { RxtrainError, configError } from '../errors.js';
import { subset } from '../data/split.js';
import type { ArrayDataset } from '../data/types.js';

/**
 * The samples of `ds` whose class is one of `classes`, in their order, with class `classes[k]`
 * relabelled `k` (and class names to match).
 *
 * @example
 * ```ts
 * import { fashionMnist, keepClasses } from 'rxtrain';
 * const { train } = fashionMnist();
 * const shoesAndBags = keepClasses(train, [5, 6, 7, 8, 9]); // Sandal → 0, ..., Ankle boot → 4
 * ```
 * @throws RxtrainError `INVALID_CONFIG` for a class that is not an integer id or is listed twice;
 *   `SHAPE_MISMATCH` when `ds` does not have integer class labels.
 */
export function keepClasses(ds: ArrayDataset, classes: readonly number[]): ArrayDataset {
  const where = 'keepClasses()';
  if (!(ds.y instanceof Int32Array) || ds.yShape.length !== 0) {
    throw new RxtrainError('SHAPE_MISMATCH', `${where}: ${ds.name ? `'${ds.name}'` : 'the data set'} needs integer class labels (yShape []), not targets of shape [${ds.yShape.join(', ')}]`);
  }
  if (!Array.isArray(classes) || classes.length === 0) throw configError(where, 'classes', 'must be a non-empty array of class ids', classes);
  const relabel = new Map<number, number>();
  classes.forEach((c, k) => {
    if (!Number.isInteger(c) || c < 0) throw configError(where, `classes[${k}]`, 'must be an integer class id ≥ 0', c);
    if (relabel.has(c)) throw configError(where, `classes[${k}]`, 'is listed twice', c);
    relabel.set(c, k);
  });
  const indices: number[] = [];
  ds.y.forEach((c, i) => {
    if (relabel.has(c)) indices.push(i);
  });
  const out = subset(ds, indices);
  const y = out.y as Int32Array;
  for (let i = 0; i < y.length; i++) y[i] = relabel.get(y[i]!)!;
  const classNames = classes.map((c) => ds.classNames?.[c] ?? String(c));
  return { ...out, classNames, ...(ds.name ? { name: `${ds.name}[${classes.join(',')}]` } : {}) };
}
