/**
 * `fromArrays()` and `fromTensors()`: in-memory data (nested JS arrays, typed arrays or tensors) as an
 * {@link ArrayDataset}, with the shapes checked once here so that everything downstream can trust them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RxtrainError, configError } from '../errors.js';
import { knownFields, oneOf, requireObject } from '../validate.js';
import type { ArrayDataset } from './types.js';

/** Nested arrays of numbers: `number[]`, `number[][]`, `number[][][]`, ... */
export type NestedNumbers = number | readonly NestedNumbers[];

export interface FromArraysOptions {
  /**
   * Shape of one sample's features. Required to cut a flat `number[]` / `Float32Array` into samples of
   * more than one value; otherwise taken from the nesting of `xs` (a flat array without it: one value a sample, `xShape` [1]).
   */
  readonly xShape?: readonly number[];
  /**
   * How to read `ys`: `'index'` (integer class ids, an Int32Array), `'regression'` (float targets).
   * Default: class ids when `ys` is an Int32Array or a flat array of integers ≥ 0, float targets otherwise.
   * Nested `ys` (`number[][]`, e.g. one-hot rows) are always float rows of shape `[k]`.
   */
  readonly labels?: 'index' | 'regression';
  readonly classNames?: readonly string[];
  readonly featureNames?: readonly string[];
  /** Shown in error messages and carried as the data set's `name`. */
  readonly name?: string;
}

const where = 'fromArrays()';

/**
 * Samples from arrays: rows of features (`xs`) and their targets (`ys`).
 *
 * @example
 * ```ts
 * import { fromArrays } from 'rxtrain';
 * const xor = fromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]);
 * console.log(xor.length, xor.xShape, xor.y); // 4 [ 2 ] Int32Array(4) [ 0, 1, 1, 0 ]
 * ```
 * @param xs Rows (`number[][]`, or deeper for images), or flat values (`number[]` / `Float32Array`) with `xShape`.
 * @param ys One target a sample: class ids, float targets, or rows (`number[][]`, e.g. one-hot).
 * @throws RxtrainError `SHAPE_MISMATCH` naming the expected and actual shapes (and the row of a ragged row).
 */
export function fromArrays(
  xs: NestedNumbers[] | Float32Array,
  ys: NestedNumbers[] | Int32Array | Float32Array,
  options: FromArraysOptions = {},
): ArrayDataset {
  const o = requireObject(where, options, 'options');
  knownFields(where, o, ['xShape', 'labels', 'classNames', 'featureNames', 'name']);
  const labels = o.labels === undefined ? undefined : oneOf(where, 'labels', o.labels, ['index', 'regression'] as const);
  const xShapeOpt = options.xShape === undefined ? undefined : checkShape(options.xShape);
  const name = options.name;

  const xsFlat = xs instanceof Float32Array || (Array.isArray(xs) && (xs.length === 0 || typeof xs[0] === 'number'));
  let x: Float32Array;
  let xShape: number[];
  let length: number;
  if (xsFlat) {
    const flat = xs instanceof Float32Array ? xs : Float32Array.from(xs as number[]);
    if (!(xs instanceof Float32Array)) checkFlatNumbers(xs as unknown[], 'xs', name);
    xShape = xShapeOpt ?? [1];
    const row = prod(xShape);
    if (row === 0 || flat.length % row !== 0) {
      throw shapeError(name, `xs has ${flat.length} values, which is not a whole number of samples of shape [${xShape.join(', ')}] (${row} values each)`, { expected: xShape, actual: [flat.length] });
    }
    x = xs instanceof Float32Array ? flat.slice() : flat;
    length = flat.length / row;
  } else {
    const rows = xs as NestedNumbers[];
    const sampleShape = shapeOf(rows[0]!);
    if (prod(sampleShape) === 0) {
      throw shapeError(name, `xs row 0 has no values (shape [${sampleShape.join(', ')}]); every sample needs at least one feature`, { row: 0, actual: sampleShape });
    }
    if (xShapeOpt !== undefined && prod(xShapeOpt) !== prod(sampleShape)) {
      throw shapeError(name, `xShape [${xShapeOpt.join(', ')}] has ${prod(xShapeOpt)} values but the rows of xs have shape [${sampleShape.join(', ')}]`, { expected: xShapeOpt, actual: sampleShape });
    }
    xShape = xShapeOpt ?? sampleShape;
    length = rows.length;
    const row = prod(sampleShape);
    x = new Float32Array(length * row);
    for (let i = 0; i < length; i++) {
      const offset = flattenInto(rows[i]!, sampleShape, 0, x, i * row, i, name);
      if (offset !== (i + 1) * row) throw new Error('fromArrays: internal offset error');
    }
  }

  const { y, yShape } = readTargets(ys, labels, name);
  const yLength = y.length / Math.max(1, prod(yShape));
  if (yLength !== length) {
    throw shapeError(name, `xs has ${length} samples (shape [${[length, ...xShape].join(', ')}]) but ys has ${yLength} (shape [${[yLength, ...yShape].join(', ')}])`, {
      expected: [length, ...yShape],
      actual: [yLength, ...yShape],
    });
  }
  return dataset({ x, xShape, y, yShape, length, classNames: options.classNames, featureNames: options.featureNames, name });
}

/**
 * Samples from tensors `xs` `[n, ...]` and `ys` `[n, ...]`. The values are read synchronously
 * (`dataSync`) and copied; the caller's tensors are left alone (the caller disposes them).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { fromTensors } from 'rxtrain';
 * const xs = tf.tensor2d([[1, 2], [3, 4]]);
 * const ys = tf.tensor1d([0, 1], 'int32');
 * const ds = fromTensors(xs, ys);
 * tf.dispose([xs, ys]);
 * console.log(ds.xShape, ds.y); // [ 2 ] Int32Array(2) [ 0, 1 ]
 * ```
 * @throws RxtrainError `SHAPE_MISMATCH` when the first dimensions differ or a tensor is a scalar.
 */
export function fromTensors(xs: tf.Tensor, ys: tf.Tensor, options: Pick<FromArraysOptions, 'classNames' | 'featureNames' | 'name'> = {}): ArrayDataset {
  if (!(xs instanceof tf.Tensor)) throw configError('fromTensors()', 'xs', 'must be a tf.Tensor', xs);
  if (!(ys instanceof tf.Tensor)) throw configError('fromTensors()', 'ys', 'must be a tf.Tensor', ys);
  const name = options.name;
  if (xs.rank === 0 || ys.rank === 0) {
    throw shapeError(name, `fromTensors: xs and ys need a first (sample) dimension; got xs [${xs.shape.join(', ')}] and ys [${ys.shape.join(', ')}]`, { expected: ['n', '...'], actual: [xs.shape, ys.shape] });
  }
  const n = xs.shape[0]!;
  if (ys.shape[0] !== n) {
    throw shapeError(name, `fromTensors: xs has ${n} samples (shape [${xs.shape.join(', ')}]) but ys has ${ys.shape[0]} (shape [${ys.shape.join(', ')}])`, { expected: [n, ...ys.shape.slice(1)], actual: ys.shape });
  }
  // Copies: a backend may hand out its own buffer, which must not be shared with the data set.
  const x = Float32Array.from(xs.dataSync() as ArrayLike<number>);
  const yData = ys.dataSync() as ArrayLike<number>;
  const y = ys.dtype === 'int32' ? Int32Array.from(yData) : Float32Array.from(yData);
  return dataset({ x, xShape: xs.shape.slice(1), y, yShape: ys.shape.slice(1), length: n, classNames: options.classNames, featureNames: options.featureNames, name });
}

function readTargets(ys: NestedNumbers[] | Int32Array | Float32Array, labels: 'index' | 'regression' | undefined, name: string | undefined): { y: Int32Array | Float32Array; yShape: number[] } {
  if (ys instanceof Int32Array) return labels === 'regression' ? { y: Float32Array.from(ys), yShape: [] } : { y: ys.slice(), yShape: [] };
  if (ys instanceof Float32Array) return labels === 'index' ? { y: toClassIds(Array.from(ys), name), yShape: [] } : { y: ys.slice(), yShape: [] };
  if (!Array.isArray(ys)) throw configError(where, 'ys', 'must be an array, an Int32Array or a Float32Array', ys);
  if (ys.length === 0 || typeof ys[0] === 'number') {
    checkFlatNumbers(ys, 'ys', name);
    const values = ys as number[];
    const ids = labels === 'index' || (labels === undefined && values.every((v) => Number.isInteger(v) && v >= 0));
    return ids ? { y: toClassIds(values, name), yShape: [] } : { y: Float32Array.from(values), yShape: [] };
  }
  const rowShape = shapeOf(ys[0]!);
  const row = prod(rowShape);
  const y = new Float32Array(ys.length * row);
  for (let i = 0; i < ys.length; i++) flattenInto(ys[i]!, rowShape, 0, y, i * row, i, name, 'ys');
  return { y, yShape: rowShape };
}

function toClassIds(values: number[], name: string | undefined): Int32Array {
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0) throw new RxtrainError('SHAPE_MISMATCH', `${prefix(name)}ys[${i}] is ${v}, not a class id (an integer ≥ 0)`, { row: i, value: v });
  });
  return Int32Array.from(values);
}

/** The shape of a nested array, from its first elements. */
function shapeOf(v: NestedNumbers): number[] {
  const shape: number[] = [];
  let cur: NestedNumbers = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedNumbers;
    if (cur === undefined) break;
  }
  return shape;
}

/** Copy `v` (expected shape `shape`) into `out` from `offset`; a ragged or non-numeric part throws. Returns the next offset. */
function flattenInto(v: NestedNumbers, shape: readonly number[], depth: number, out: Float32Array | Int32Array, offset: number, row: number, name: string | undefined, what = 'xs'): number {
  if (depth === shape.length) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RxtrainError('SHAPE_MISMATCH', `${prefix(name)}${what} row ${row}: found ${describeValue(v)} where a finite number was expected (rows have shape [${shape.join(', ')}])`, { row, expected: shape });
    }
    out[offset] = v;
    return offset + 1;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) {
    const actual = Array.isArray(v) ? shapeOf(v) : [];
    throw shapeError(name, `${what} row ${row} is ragged: expected shape [${shape.join(', ')}] (from row 0), got [${[...shape.slice(0, depth), ...actual].join(', ')}]`, { row, expected: shape, actual: [...shape.slice(0, depth), ...actual] });
  }
  for (const item of v) offset = flattenInto(item, shape, depth + 1, out, offset, row, name, what);
  return offset;
}

function checkFlatNumbers(values: readonly unknown[], what: string, name: string | undefined): void {
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RxtrainError('SHAPE_MISMATCH', `${prefix(name)}${what}[${i}] is ${describeValue(v)}; expected a finite number (every element of a flat ${what} is one number)`, { row: i });
    }
  });
}

function checkShape(shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)) {
    throw configError(where, 'xShape', 'must be an array of positive integers', shape);
  }
  return [...(shape as number[])];
}

function dataset(d: { x: Float32Array; xShape: number[]; y: Float32Array | Int32Array; yShape: number[]; length: number; classNames?: readonly string[] | undefined; featureNames?: readonly string[] | undefined; name?: string | undefined }): ArrayDataset {
  return {
    x: d.x,
    xShape: d.xShape,
    y: d.y,
    yShape: d.yShape,
    length: d.length,
    ...(d.classNames ? { classNames: [...d.classNames] } : {}),
    ...(d.featureNames ? { featureNames: [...d.featureNames] } : {}),
    ...(d.name !== undefined ? { name: d.name } : {}),
  };
}

function shapeError(name: string | undefined, message: string, details: Record<string, unknown>): RxtrainError {
  return new RxtrainError('SHAPE_MISMATCH', prefix(name) + message, details);
}

function prefix(name: string | undefined): string {
  return name ? `${name}: ` : '';
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Product of a shape's dimensions (1 for a scalar shape). */
export function prod(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
