/**
 * Small real data sets shipped in the package's `data/` folder: copies of scikit-learn's data files
 * (from the UCI Machine Learning Repository, and the diabetes data of Efron et al. 2004;
 * BSD-3-Clause), so examples and tests run offline.
 */
import { join } from 'node:path';
import { RxtrainError } from '../errors.js';
import { booleanField, knownFields, requireObject } from '../validate.js';
import type { ArrayDataset } from './types.js';
import { bundledDataDir } from './data-dir.js';
import { parseCsv } from './csv.js';
import { checkSize, parseDigits } from './digits-csv.js';
import { readTextFile } from './read-file.js';

export interface DigitsOptions {
  /** Give each sample as an 8×8 grey image, xShape `[8, 8, 1]`, instead of 64 values. Default false. */
  readonly image?: boolean;
}

/**
 * Handwritten digits: 1,797 grey 8×8 images, 10 classes (`'0'` .. `'9'`). UCI "Optical Recognition of
 * Handwritten Digits" (its test split), as shipped by scikit-learn.
 *
 * The raw pixels are counts 0..16; they are divided by 16, so features lie in [0, 1].
 *
 * @example
 * ```ts
 * import { digits } from 'rxtrain';
 * const ds = digits();
 * console.log(ds.length, ds.xShape, ds.classNames?.length); // 1797 [ 64 ] 10
 * console.log(digits({ image: true }).xShape); // [ 8, 8, 1 ]
 * ```
 */
export function digits(options: DigitsOptions = {}): ArrayDataset {
  const where = 'digits()';
  const o = requireObject(where, options, 'options');
  knownFields(where, o, ['image']);
  const image = o.image === undefined ? false : booleanField(where, 'image', o.image);
  const path = join(bundledDataDir(), 'digits.csv.gz');
  return parseDigits(readTextFile(path), { image }, path);
}

/**
 * Wine recognition: 178 wines from three cultivars, 13 chemical measurements each; classes `class_0`,
 * `class_1`, `class_2`. Features are raw (different scales): normalise them (fitted on the training split).
 */
export function wine(): ArrayDataset {
  return sklearnCsv('wine', 'wine_data.csv', WINE_FEATURES);
}

/**
 * Breast cancer Wisconsin (diagnostic): 569 tumours, 30 features computed from cell nuclei images;
 * classes `malignant` (0) and `benign` (1). Features are raw: normalise them.
 */
export function breastCancer(): ArrayDataset {
  return sklearnCsv('breastCancer', 'breast_cancer.csv', BREAST_CANCER_FEATURES);
}

/** Fisher's iris: 150 flowers, 4 measurements in cm; classes `setosa`, `versicolor`, `virginica`. */
export function iris(): ArrayDataset {
  return sklearnCsv('iris', 'iris.csv', ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)']);
}

/**
 * Diabetes: 442 patients, 10 baseline measurements each (`age`, `sex`, `bmi`, `bp` — mean blood
 * pressure — and six blood serum measurements `s1`..`s6`), and a regression target: a measure of the
 * disease's progression one year later (25..346), as float32 `[n, 1]`. Efron, Hastie, Johnstone and
 * Tibshirani (2004), "Least Angle Regression". The features are raw (not scikit-learn's scaled
 * `load_diabetes()` values; `sex` is 1 or 2): normalise them.
 *
 * @example
 * ```ts
 * import { diabetes } from 'rxtrain';
 * const ds = diabetes();
 * console.log(ds.length, ds.xShape, ds.yShape, ds.featureNames?.[2], ds.y[0]); // 442 [ 10 ] [ 1 ] bmi 151
 * ```
 */
export function diabetes(): ArrayDataset {
  const dir = bundledDataDir();
  const dataPath = join(dir, 'diabetes_data_raw.csv.gz');
  const targetPath = join(dir, 'diabetes_target.csv.gz');
  const x = numberRows(readTextFile(dataPath), dataPath, 10);
  const y = numberRows(readTextFile(targetPath), targetPath, 1);
  if (x.rows !== 442 || y.rows !== 442) {
    throw new RxtrainError('DATA_FORMAT', `diabetes(): expected 442 rows in ${dataPath} and in ${targetPath}, found ${x.rows} and ${y.rows}`, { expected: 442, actual: [x.rows, y.rows] });
  }
  return { x: x.values, xShape: [10], y: y.values, yShape: [1], length: 442, featureNames: [...DIABETES_FEATURES], name: 'diabetes' };
}

const DIABETES_FEATURES = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];

/** Lines of `width` whitespace-separated numbers (blank lines skipped), as one flat array. */
function numberRows(text: string, path: string, width: number): { values: Float32Array; rows: number } {
  const out: number[] = [];
  let rows = 0;
  text.split(/\r?\n/).forEach((line, k) => {
    const fields = line.trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) return;
    if (fields.length !== width) {
      throw new RxtrainError('DATA_FORMAT', `${path}: line ${k + 1}: ${fields.length} values where ${width} were expected`, { file: path, line: k + 1 });
    }
    fields.forEach((f, j) => {
      const v = Number(f);
      if (!Number.isFinite(v)) throw new RxtrainError('DATA_FORMAT', `${path}: line ${k + 1}, column ${j}: ${JSON.stringify(f)} is not a number`, { file: path, line: k + 1, column: j });
      out.push(v);
    });
    rows++;
  });
  return { values: Float32Array.from(out), rows };
}

/**
 * scikit-learn's format: a first line `rows,features,className0,className1,...`, then rows of features
 * with the integer class id last.
 */
function sklearnCsv(name: string, file: string, featureNames: readonly string[]): ArrayDataset {
  const path = join(bundledDataDir(), file);
  const text = readTextFile(path);
  const head = text.slice(0, text.search(/\r?\n/)).split(',').map((s) => s.trim());
  const rows = Number(head[0]);
  const features = Number(head[1]);
  const classNames = head.slice(2);
  if (!Number.isInteger(rows) || !Number.isInteger(features) || classNames.length === 0) {
    throw new RxtrainError('DATA_FORMAT', `${path}: line 1 should be "rows,features,className,..." but is ${JSON.stringify(head.join(','))}`, { file: path, line: 1 });
  }
  const ds = parseCsv(text, { label: -1, header: false, skipLines: 1 }, path);
  checkSize(ds, path, rows, features);
  // The labels are ids 0..k-1 (sorted numerically by parseCsv); the header names them.
  const ids = ds.classNames ?? [];
  if (ids.some((id, k) => id !== String(k)) || ids.length > classNames.length) {
    throw new RxtrainError('DATA_FORMAT', `${path}: the labels should be the class ids 0..${classNames.length - 1} named on line 1, found ${ids.join(', ')}`, { file: path });
  }
  return { x: ds.x, xShape: ds.xShape, y: ds.y, yShape: [], length: ds.length, classNames, featureNames: [...featureNames], name };
}

const WINE_FEATURES = [
  'alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids',
  'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280/od315_of_diluted_wines', 'proline',
];

const BREAST_CANCER_FEATURES = ['mean', 'error', 'worst'].flatMap((group) =>
  ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave points', 'symmetry', 'fractal dimension']
    .map((f) => (group === 'mean' ? `mean ${f}` : group === 'error' ? `${f} error` : `worst ${f}`)),
);
