/**
 * The digits data set from its CSV text: what `digits()` makes of the bundled file, apart from reading
 * it, so that a page can fetch `data/digits.csv.gz` and get the same data set (no Node modules here).
 */
import { RxtrainError } from '../errors.js';
import { booleanField, knownFields, requireObject } from '../validate.js';
import { parseCsv } from './csv.js';
import type { ArrayDataset } from './types.js';
import type { DigitsOptions } from './bundled.js';

/**
 * Parse the digits CSV (64 pixel counts 0..16, then the label 0..9, no header) as `digits()` does.
 *
 * @example
 * ```ts
 * import { parseDigits } from 'rxtrain';
 * const text = await new Response((await fetch('digits.csv.gz')).body!.pipeThrough(new DecompressionStream('gzip'))).text();
 * const ds = parseDigits(text); // 1797 samples, xShape [64]
 * ```
 * @param text The CSV text (decompressed).
 * @param options `image: true` for 8×8×1 images.
 * @param name The file, for error messages.
 */
export function parseDigits(text: string, options: DigitsOptions = {}, name = '<digits csv>'): ArrayDataset {
  const where = 'parseDigits()';
  const o = requireObject(where, options, 'options');
  knownFields(where, o, ['image']);
  const image = o.image === undefined ? false : booleanField(where, 'image', o.image);
  const ds = parseCsv(text, { label: -1, header: false }, name);
  checkSize(ds, name, 1797, 64);
  const x = new Float32Array(ds.x.length);
  for (let i = 0; i < x.length; i++) x[i] = ds.x[i]! / 16;
  const classNames = Array.from({ length: 10 }, (_, k) => String(k));
  if (ds.classNames?.join() !== classNames.join()) {
    throw new RxtrainError('DATA_FORMAT', `${name}: expected the labels 0..9, found ${ds.classNames?.join(', ')}`, { file: name });
  }
  const featureNames = Array.from({ length: 64 }, (_, k) => `pixel_${Math.floor(k / 8)}_${k % 8}`);
  return { x, xShape: image ? [8, 8, 1] : [64], y: ds.y, yShape: [], length: ds.length, classNames, featureNames, name: 'digits' };
}

/** A bundled file's size, checked: `rows` samples of `features` values. */
export function checkSize(ds: ArrayDataset, path: string, rows: number, features: number): void {
  if (ds.length !== rows || ds.xShape[0] !== features) {
    throw new RxtrainError('DATA_FORMAT', `${path}: expected ${rows} rows of ${features} features, found ${ds.length} rows of ${ds.xShape[0]}`, {
      file: path,
      expected: [rows, features],
      actual: [ds.length, ds.xShape[0]],
    });
  }
}
