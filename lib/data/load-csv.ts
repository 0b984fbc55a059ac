/**
 * Reading a CSV file from disk (Node): the file half of lib/data/csv.ts, apart so that parsing CSV text
 * stays free of Node modules (the browser build has `parseCsv`, not `loadCsv`).
 */
import { configError } from '../errors.js';
import { checkCsvOptions, parseCsv, type CsvDataset, type CsvOptions } from './csv.js';
import { readTextFile } from './read-file.js';

/**
 * Load a CSV file (plain or gzip-compressed) as a data set.
 *
 * @example
 * ```ts
 * import { loadCsv } from 'rxtrain';
 * const ds = loadCsv('measurements.csv', { label: 'species', normalize: 'standard' });
 * console.log(ds.length, ds.xShape, ds.classNames, ds.normalizer);
 * ```
 * @throws RxtrainError `DATA_MISSING` (no such file), `DATA_FORMAT` (malformed content, naming file,
 *   line and column), `INVALID_CONFIG` (bad options).
 */
export function loadCsv(path: string, options: CsvOptions): CsvDataset {
  if (typeof path !== 'string' || path === '') throw configError('loadCsv()', 'path', 'must be a file path', path);
  checkCsvOptions(options);
  return parseCsv(readTextFile(path), options, path);
}
