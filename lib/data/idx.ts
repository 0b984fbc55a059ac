/**
 * IDX files, the format of MNIST and Fashion-MNIST: a 4-byte magic number (0x00 0x00, a type code,
 * the number of dimensions), one big-endian uint32 a dimension, then the values, big-endian, row-major.
 * Errors name the file and what is wrong with its header.
 */
import { RxtrainError, configError } from '../errors.js';
import { knownFields, nonNegativeInt, positiveNumber, requireObject, booleanField } from '../validate.js';
import type { ArrayDataset } from './types.js';
import { readDataFile } from './read-file.js';
import { prod } from './from-arrays.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** The content of an IDX file: values in the platform's byte order, row-major. */
export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  readonly data: IdxData;
}

const TYPES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

/**
 * Read an IDX file (plain or gzip-compressed).
 *
 * @example
 * ```ts
 * import { loadIdx } from 'rxtrain';
 * const images = loadIdx('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz');
 * console.log(images.dtype, images.shape); // uint8 [ 10000, 28, 28 ]
 * ```
 * @throws RxtrainError `DATA_MISSING` (no such file) or `DATA_FORMAT` (bad magic, unknown type code,
 *   a size that does not match the dimensions).
 */
export function loadIdx(path: string): IdxArray {
  if (typeof path !== 'string' || path === '') throw configError('loadIdx()', 'path', 'must be a file path', path);
  return parseIdx(readDataFile(path), path);
}

/** Parse the bytes of an IDX file; `name` stands for the file in error messages. */
export function parseIdx(bytes: Uint8Array, name = '<idx bytes>'): IdxArray {
  const fail = (why: string, details: Record<string, unknown> = {}): RxtrainError =>
    new RxtrainError('DATA_FORMAT', `${name}: not a valid IDX file: ${why}`, { file: name, ...details });
  if (bytes.length < 4) throw fail(`${bytes.length} bytes, too short for the 4-byte magic number`, { actual: bytes.length });
  const [b0, b1, code, ndims] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (b0 !== 0 || b1 !== 0) {
    throw fail(`bad magic: the first two bytes are ${hex(b0)} ${hex(b1)}, expected 0x00 0x00`, { magic: [b0, b1] });
  }
  const type = TYPES[code];
  if (!type) {
    throw fail(`unknown type code ${hex(code)} in byte 3 (known: 0x08 ubyte, 0x09 sbyte, 0x0B short, 0x0C int, 0x0D float, 0x0E double)`, { typeCode: code });
  }
  if (ndims === 0) throw fail('the header declares 0 dimensions', { ndims });
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw fail(`the header declares ${ndims} dimensions (${headerBytes} header bytes), but the file has only ${bytes.length} bytes`, { expected: headerBytes, actual: bytes.length });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndims; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = prod(shape);
  const expected = headerBytes + count * type.size;
  if (bytes.length !== expected) {
    throw fail(
      `dimensions [${shape.join(', ')}] of ${type.dtype} need ${expected} bytes (${headerBytes} header + ${count * type.size} data), but the file has ${bytes.length} (${bytes.length < expected ? 'truncated' : 'trailing bytes'})`,
      { shape, expected, actual: bytes.length },
    );
  }
  return { dtype: type.dtype, shape, data: readValues(view, headerBytes, count, type.dtype) };
}

function readValues(view: DataView, at: number, count: number, dtype: IdxDtype): IdxData {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
  }
}

export interface IdxDatasetOptions {
  /** Multiplies every feature value. Default 1/255 (bytes → [0, 1]). */
  readonly scale?: number;
  /**
   * For 3-D image files `[n, rows, cols]`: add the channel axis last (`[rows, cols, 1]`, default) or
   * first (`[1, rows, cols]`). Files with other ranks keep their per-sample shape.
   */
  readonly channelsLast?: boolean;
  /** Read at most this many samples (the first ones). */
  readonly limit?: number;
  /** Class names, index = label value. Default: the label values as strings, `'0'` .. `String(max)`. */
  readonly classNames?: readonly string[];
}

/**
 * An image/label pair of IDX files (e.g. MNIST's `train-images-idx3-ubyte.gz` and
 * `train-labels-idx1-ubyte.gz`) as a data set with integer labels.
 *
 * @example
 * ```ts
 * import { loadIdxDataset } from 'rxtrain';
 * const dir = '/usr/share/datasets/fashion-mnist';
 * const test = loadIdxDataset(`${dir}/t10k-images-idx3-ubyte.gz`, `${dir}/t10k-labels-idx1-ubyte.gz`, { limit: 1000 });
 * console.log(test.length, test.xShape); // 1000 [ 28, 28, 1 ]
 * ```
 * @throws RxtrainError `DATA_FORMAT` when the two files hold different numbers of samples (naming both
 *   files and both counts) or the labels are not a 1-D integer file.
 */
export function loadIdxDataset(imagesPath: string, labelsPath: string, options: IdxDatasetOptions = {}): ArrayDataset {
  const where = 'loadIdxDataset()';
  const o = requireObject(where, options, 'options');
  knownFields(where, o, ['scale', 'channelsLast', 'limit', 'classNames']);
  const scale = o.scale === undefined ? 1 / 255 : positiveNumber(where, 'scale', o.scale);
  const channelsLast = o.channelsLast === undefined ? true : booleanField(where, 'channelsLast', o.channelsLast);
  const limit = o.limit === undefined ? Infinity : nonNegativeInt(where, 'limit', o.limit);
  if (o.classNames !== undefined && (!Array.isArray(o.classNames) || o.classNames.some((c) => typeof c !== 'string'))) {
    throw configError(where, 'classNames', 'must be an array of strings', o.classNames);
  }

  const images = loadIdx(imagesPath);
  const labels = loadIdx(labelsPath);
  if (labels.shape.length !== 1 || !['uint8', 'int8', 'int16', 'int32'].includes(labels.dtype)) {
    throw new RxtrainError('DATA_FORMAT', `${labelsPath}: a label file must be 1-D integers, but it holds ${labels.dtype} values of shape [${labels.shape.join(', ')}]`, { file: labelsPath });
  }
  const nImages = images.shape[0]!;
  const nLabels = labels.shape[0]!;
  if (nImages !== nLabels) {
    throw new RxtrainError('DATA_FORMAT', `the image file ${imagesPath} holds ${nImages} samples but the label file ${labelsPath} holds ${nLabels}`, {
      files: [imagesPath, labelsPath],
      expected: nImages,
      actual: nLabels,
    });
  }
  const n = Math.min(nImages, limit);
  const sample = images.shape.slice(1);
  const width = prod(sample);
  const x = new Float32Array(n * width);
  for (let i = 0; i < n * width; i++) x[i] = images.data[i]! * scale;
  const y = new Int32Array(n);
  let max = -1;
  for (let i = 0; i < n; i++) {
    const v = labels.data[i]!;
    if (v < 0) throw new RxtrainError('DATA_FORMAT', `${labelsPath}: label ${i} is ${v}; class labels must be ≥ 0`, { file: labelsPath, row: i });
    y[i] = v;
    if (v > max) max = v;
  }
  const classNames = (o.classNames as string[] | undefined) ?? Array.from({ length: Math.max(0, max + 1) }, (_, k) => String(k));
  if (max >= classNames.length) {
    throw configError(where, 'classNames', `has ${classNames.length} names but ${labelsPath} has label ${max}`);
  }
  const xShape = sample.length === 2 ? (channelsLast ? [...sample, 1] : [1, ...sample]) : sample;
  return { x, xShape, y, yShape: [], length: n, classNames: [...classNames], name: imagesPath };
}

function hex(b: number): string {
  return '0x' + b.toString(16).toUpperCase().padStart(2, '0');
}
