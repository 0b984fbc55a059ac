/**
 * Converting between the two forms of class labels: integer class ids (Int32Array, yShape `[]`) and
 * one-hot rows (Float32Array, yShape `[classes]`).
 */
import { RxtrainError, configError } from '../errors.js';
import { positiveInt } from '../validate.js';
import type { ArrayDataset } from './types.js';

/**
 * A copy of `ds` with one-hot targets. A data set that is one-hot already is returned as it is.
 *
 * @example
 * ```ts
 * import { iris, toOneHot } from 'rxtrain';
 * const ds = toOneHot(iris());
 * console.log(ds.yShape, ds.y.slice(0, 3)); // [ 3 ] Float32Array(3) [ 1, 0, 0 ]
 * ```
 * @param classes Number of classes; default `classNames.length`, else the largest label + 1.
 * @throws RxtrainError `SHAPE_MISMATCH` when the targets are not class ids, `INVALID_CONFIG` when a
 *   label does not fit in `classes`.
 */
export function toOneHot(ds: ArrayDataset, classes?: number): ArrayDataset {
  const where = 'toOneHot()';
  const what = ds.name ? `'${ds.name}'` : 'the data set';
  if (classes !== undefined) positiveInt(where, 'classes', classes);
  if (ds.yShape.length === 1 && ds.y instanceof Float32Array && ds.classNames !== undefined) {
    if (classes !== undefined && classes !== ds.yShape[0]) {
      throw new RxtrainError('SHAPE_MISMATCH', `${where}: ${what} is one-hot with ${ds.yShape[0]} classes, not ${classes}`, { expected: [classes], actual: ds.yShape });
    }
    return ds;
  }
  if (!(ds.y instanceof Int32Array) || ds.yShape.length !== 0) {
    throw new RxtrainError('SHAPE_MISMATCH', `${where}: ${what} has ${ds.y instanceof Int32Array ? 'integer' : 'float'} targets of shape [${ds.yShape.join(', ')}]; one-hot needs integer class ids of shape []`, { expected: [], actual: ds.yShape });
  }
  let max = -1;
  for (const v of ds.y) if (v > max) max = v;
  const k = classes ?? ds.classNames?.length ?? max + 1;
  const y = new Float32Array(ds.length * k);
  ds.y.forEach((v, i) => {
    if (v < 0 || v >= k) throw configError(where, 'classes', `is ${k}, but sample ${i} has label ${v}`);
    y[i * k + v] = 1;
  });
  const classNames = ds.classNames ?? Array.from({ length: k }, (_, c) => String(c));
  return { ...ds, y, yShape: [k], classNames };
}

/**
 * The class id of every sample: the labels themselves for integer labels, the arg-max of one-hot rows
 * (only for data sets with `classNames`, so that multi-output regression is not mistaken for classes),
 * `undefined` for other targets.
 */
export function classIdsOf(ds: ArrayDataset): Int32Array | undefined {
  if (ds.y instanceof Int32Array && ds.yShape.length === 0) return ds.y;
  if (ds.yShape.length === 1 && ds.classNames !== undefined) {
    const k = ds.yShape[0]!;
    const ids = new Int32Array(ds.length);
    for (let i = 0; i < ds.length; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (ds.y[i * k + c]! > ds.y[i * k + best]!) best = c;
      ids[i] = best;
    }
    return ids;
  }
  return undefined;
}
