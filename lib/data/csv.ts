/**
 * CSV files as data sets: one sample a row, one label column, every other column a numeric feature.
 * Every malformed input fails with a `DATA_FORMAT` error naming the file, the 1-based line and the
 * column (name and 0-based index), so the user can open the file at the right place.
 */
import { RxtrainError, configError, describe } from '../errors.js';
import { knownFields, nonNegativeInt, oneOf, requireObject } from '../validate.js';
import type { ArrayDataset } from './types.js';
import { csvRows, type CsvRow } from './csv-rows.js';
import { applyNormalizer, fitNormalizer, type NormalizerStats } from './normalize.js';

export interface CsvOptions {
  /** The label column: its header name, or its 0-based index (negative counts from the end: -1 is the last). */
  readonly label: string | number;
  /**
   * Whether the first row names the columns. `'auto'` (default): yes when `label` is a name, otherwise
   * when a field of the first row that should be a feature is not a number.
   */
  readonly header?: boolean | 'auto';
  /**
   * `'index'` (default): integer class ids (Int32Array) with `classNames` = the distinct label strings,
   * sorted (numerically when they are all numbers). `'onehot'`: one-hot rows `[classes]`.
   * `'regression'`: the label as a float target.
   */
  readonly labels?: 'index' | 'onehot' | 'regression';
  /**
   * `'none'` (default); `'standard'` or `'minmax'` fits on THIS file and returns the statistics as
   * `normalizer` (use it for a training file only); or statistics fitted elsewhere, applied as they are.
   */
  readonly normalize?: 'none' | 'standard' | 'minmax' | NormalizerStats;
  /** A single character. Default `,`. */
  readonly delimiter?: string;
  /** Columns (names or 0-based indices) that are neither features nor the label, e.g. an id column. */
  readonly skipColumns?: ReadonlyArray<string | number>;
  /** Physical lines to skip before the header / first row (a preamble). Default 0. */
  readonly skipLines?: number;
}

/** A CSV data set; `normalizer` holds the statistics when `normalize` fitted them. */
export interface CsvDataset extends ArrayDataset {
  readonly normalizer?: NormalizerStats;
}

const where = 'loadCsv()';
const KNOWN = ['label', 'header', 'labels', 'normalize', 'delimiter', 'skipColumns', 'skipLines'] as const;

/** Parse CSV text as `loadCsv` (lib/data/load-csv.ts) does; `name` stands for the file in error messages. */
export function parseCsv(text: string, options: CsvOptions, name = '<csv text>'): CsvDataset {
  const o = validate(options);
  const rows = csvRows(text, o.delimiter, name, o.skipLines);
  if (rows.length === 0) throw new RxtrainError('DATA_FORMAT', `${name}: no rows (the file is empty)`, { file: name });

  const first = rows[0]!;
  const hasHeader = o.header === 'auto' ? detectHeader(first, o.label, o.skipColumns) : o.header;
  if (typeof o.label === 'string' && !hasHeader) {
    throw configError(where, 'label', `is a column name (${JSON.stringify(o.label)}), which needs a header row; give a 0-based column index when the file has no header`);
  }
  const names = hasHeader ? first.fields.map((f) => f.trim()) : undefined;
  const data = hasHeader ? rows.slice(1) : rows;
  const width = first.fields.length;
  const cols = { name, names, width };
  const labelCol = resolveColumn(o.label, cols, 'label');
  const skip = new Set(o.skipColumns.map((c) => resolveColumn(c, cols, 'skipColumns')));
  if (skip.has(labelCol)) throw configError(where, 'skipColumns', `includes the label column (${columnLabel(labelCol, names)})`);
  const featureCols: number[] = [];
  for (let j = 0; j < width; j++) if (j !== labelCol && !skip.has(j)) featureCols.push(j);
  if (featureCols.length === 0) throw new RxtrainError('DATA_FORMAT', `${name}: no feature columns left (the file has ${width} column${width === 1 ? '' : 's'}: the label and ${skip.size} skipped)`, { file: name });
  if (data.length === 0) throw new RxtrainError('DATA_FORMAT', `${name}: no data rows after the header (line ${first.line})`, { file: name });

  const f = featureCols.length;
  const x = new Float32Array(data.length * f);
  const labelText: string[] = new Array(data.length);
  data.forEach((row, i) => {
    checkWidth(row, width, cols, hasHeader ? first.line : undefined);
    for (let k = 0; k < f; k++) {
      const j = featureCols[k]!;
      x[i * f + k] = toNumber(row, j, cols, 'feature');
    }
    const raw = row.fields[labelCol]!.trim();
    if (raw === '') throw cellError(row, labelCol, cols, 'the label is empty');
    labelText[i] = raw;
  });

  const targets = makeTargets(data, labelText, labelCol, o.labels, cols);
  let ds: CsvDataset = {
    x,
    xShape: [f],
    ...targets,
    length: data.length,
    ...(names ? { featureNames: featureCols.map((j) => names[j]!) } : {}),
    name,
  };
  if (o.normalize !== 'none') {
    const stats = typeof o.normalize === 'string' ? fitNormalizer(ds, o.normalize) : o.normalize;
    ds = { ...applyNormalizer(ds, stats), normalizer: stats };
  }
  return ds;
}

type Resolved = {
  label: string | number;
  header: boolean | 'auto';
  labels: 'index' | 'onehot' | 'regression';
  normalize: 'none' | 'standard' | 'minmax' | NormalizerStats;
  delimiter: string;
  skipColumns: ReadonlyArray<string | number>;
  skipLines: number;
};

/** Check the options, as `loadCsv` does before it reads the file. */
export function checkCsvOptions(options: CsvOptions): void {
  validate(options);
}

function validate(options: CsvOptions): Resolved {
  const c = requireObject(where, options, 'options');
  knownFields(where, c, KNOWN);
  const label = c.label;
  if (!(typeof label === 'string' && label !== '') && !(typeof label === 'number' && Number.isInteger(label))) {
    throw configError(where, 'label', 'must be a column name or a 0-based column index', label);
  }
  const header = c.header === undefined ? 'auto' : c.header;
  if (header !== true && header !== false && header !== 'auto') throw configError(where, 'header', "must be true, false or 'auto'", header);
  const labels = c.labels === undefined ? 'index' : oneOf(where, 'labels', c.labels, ['index', 'onehot', 'regression'] as const);
  const normalize = c.normalize === undefined ? 'none' : c.normalize;
  if (typeof normalize === 'string') oneOf(where, 'normalize', normalize, ['none', 'standard', 'minmax'] as const);
  else if (normalize === null || typeof normalize !== 'object' || !('kind' in normalize)) {
    throw configError(where, 'normalize', "must be 'none', 'standard', 'minmax' or statistics from fitNormalizer()", normalize);
  }
  const delimiter = c.delimiter === undefined ? ',' : c.delimiter;
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw configError(where, 'delimiter', 'must be a single character other than a quote or a line break', delimiter);
  }
  const skipColumns = c.skipColumns === undefined ? [] : c.skipColumns;
  if (!Array.isArray(skipColumns) || skipColumns.some((s) => !(typeof s === 'string' || (typeof s === 'number' && Number.isInteger(s))))) {
    throw configError(where, 'skipColumns', 'must be an array of column names or 0-based indices', skipColumns);
  }
  const skipLines = c.skipLines === undefined ? 0 : nonNegativeInt(where, 'skipLines', c.skipLines);
  return { label, header, labels, normalize: normalize as Resolved['normalize'], delimiter, skipColumns, skipLines };
}

interface Columns {
  readonly name: string;
  readonly names: readonly string[] | undefined;
  readonly width: number;
}

/** With `header: 'auto'`: the first row is a header when one of its would-be feature fields is not a number. */
function detectHeader(first: CsvRow, label: string | number, skipColumns: ReadonlyArray<string | number>): boolean {
  if (typeof label === 'string' || skipColumns.some((s) => typeof s === 'string')) return true;
  const width = first.fields.length;
  const labelIdx = label < 0 ? width + label : label;
  const skip = new Set(skipColumns.map((s) => ((s as number) < 0 ? width + (s as number) : (s as number))));
  return first.fields.some((f, j) => j !== labelIdx && !skip.has(j) && !isNumber(f.trim()));
}

function resolveColumn(col: string | number, c: Columns, field: string): number {
  const available = c.names ? c.names.map((n, j) => `${JSON.stringify(n)} (${j})`).join(', ') : `indices 0..${c.width - 1}, no header`;
  if (typeof col === 'string') {
    const j = c.names?.indexOf(col) ?? -1;
    if (j < 0) {
      throw new RxtrainError('DATA_FORMAT', `${c.name}: ${field} column ${JSON.stringify(col)} not found; the columns are ${available}`, { file: c.name, column: col, available: c.names });
    }
    return j;
  }
  const j = col < 0 ? c.width + col : col;
  if (j < 0 || j >= c.width) {
    throw new RxtrainError('DATA_FORMAT', `${c.name}: ${field} column index ${col} is out of range; the file has ${c.width} columns: ${available}`, { file: c.name, columnIndex: col, available: c.names });
  }
  return j;
}

function checkWidth(row: CsvRow, width: number, c: Columns, headerLine: number | undefined): void {
  const got = row.fields.length;
  if (got === width) return;
  const source = headerLine === undefined ? `the first row` : `the header (line ${headerLine})`;
  const at = got < width ? `${columnLabel(got, c.names)} is missing` : `an extra field at column index ${width}`;
  throw new RxtrainError('DATA_FORMAT', `${c.name}: line ${row.line}: ${got} fields where ${source} has ${width}: ${at}`, {
    file: c.name,
    line: row.line,
    columnIndex: Math.min(got, width),
    column: c.names?.[got],
    expected: width,
    actual: got,
  });
}

function toNumber(row: CsvRow, j: number, c: Columns, what: string): number {
  const s = row.fields[j]!.trim();
  if (s === '') throw cellError(row, j, c, `the ${what} value is empty (missing values are not supported: fill or drop them first)`);
  const v = Number(s);
  if (!isNumber(s)) throw cellError(row, j, c, `the ${what} value ${describe(s)} is not a number`);
  return v;
}

function isNumber(s: string): boolean {
  return s !== '' && Number.isFinite(Number(s));
}

function cellError(row: CsvRow, j: number, c: Columns, why: string): RxtrainError {
  return new RxtrainError('DATA_FORMAT', `${c.name}: line ${row.line}, ${columnLabel(j, c.names)}: ${why}`, {
    file: c.name,
    line: row.line,
    columnIndex: j,
    column: c.names?.[j],
    value: row.fields[j],
  });
}

function columnLabel(j: number, names: readonly string[] | undefined): string {
  return names && names[j] !== undefined ? `column ${JSON.stringify(names[j])} (index ${j})` : `column index ${j}`;
}

function makeTargets(data: readonly CsvRow[], text: readonly string[], labelCol: number, kind: Resolved['labels'], c: Columns): Pick<ArrayDataset, 'y' | 'yShape' | 'classNames'> {
  if (kind === 'regression') {
    const y = new Float32Array(text.length);
    data.forEach((row, i) => (y[i] = toNumber(row, labelCol, c, 'label')));
    return { y, yShape: [] };
  }
  const classNames = sortLabels([...new Set(text)]);
  const ids = new Map(classNames.map((n, k) => [n, k]));
  if (kind === 'index') return { y: Int32Array.from(text, (t) => ids.get(t)!), yShape: [], classNames };
  const k = classNames.length;
  const y = new Float32Array(text.length * k);
  text.forEach((t, i) => (y[i * k + ids.get(t)!] = 1));
  return { y, yShape: [k], classNames };
}

/** Numerically when every label is a number (so "10" comes after "9"), otherwise by code points. */
export function sortLabels(labels: string[]): string[] {
  const numeric = labels.every(isNumber);
  return labels.sort((a, b) => (numeric && Number(a) !== Number(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}
