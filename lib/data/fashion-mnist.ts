/**
 * Fashion-MNIST (Zalando Research, MIT licence): 60,000 training and 10,000 test grey 28×28 images of
 * clothing in 10 classes, read from the four IDX files that Debian's `dataset-fashion-mnist` package
 * installs (or any folder holding them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RxtrainError } from '../errors.js';
import { knownFields, nonEmptyString, nonNegativeInt, requireObject } from '../validate.js';
import type { ArrayDataset } from './types.js';
import { loadIdxDataset } from './idx.js';

export interface FashionMnistOptions {
  /** Folder of the `*-idx?-ubyte.gz` files. Default `/usr/share/datasets/fashion-mnist`. */
  readonly dir?: string;
  /** Read at most this many samples of each part (the first ones), e.g. for a quick run. */
  readonly limit?: number;
}

export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

const FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

/**
 * The Fashion-MNIST training and test sets: xShape `[28, 28, 1]`, pixels scaled to [0, 1], integer
 * labels with {@link FASHION_MNIST_CLASSES} as class names.
 *
 * @example
 * ```ts
 * import { fashionMnist } from 'rxtrain';
 * const { train, test } = fashionMnist({ limit: 1000 });
 * console.log(train.length, test.length, train.xShape, train.classNames?.[9]); // 1000 1000 [ 28, 28, 1 ] Ankle boot
 * ```
 * @throws RxtrainError `DATA_MISSING` naming the missing file and how to install the data set.
 */
export function fashionMnist(options: FashionMnistOptions = {}): { train: ArrayDataset; test: ArrayDataset } {
  const where = 'fashionMnist()';
  const o = requireObject(where, options, 'options');
  knownFields(where, o, ['dir', 'limit']);
  const dir = o.dir === undefined ? '/usr/share/datasets/fashion-mnist' : nonEmptyString(where, 'dir', o.dir);
  const limit = o.limit === undefined ? undefined : nonNegativeInt(where, 'limit', o.limit);
  const paths = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, join(dir, f)])) as Record<keyof typeof FILES, string>;
  const missing = Object.values(paths).filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new RxtrainError(
      'DATA_MISSING',
      `Fashion-MNIST not found: missing ${missing.join(', ')}. Install it with \`apt-get install dataset-fashion-mnist\` (files under /usr/share/datasets/fashion-mnist/), or pass { dir } of a folder holding ${Object.values(FILES).join(', ')}`,
      { missing, dir },
    );
  }
  const opts = { classNames: FASHION_MNIST_CLASSES, ...(limit === undefined ? {} : { limit }) };
  const train = loadIdxDataset(paths.trainImages, paths.trainLabels, opts);
  const test = loadIdxDataset(paths.testImages, paths.testLabels, opts);
  return { train: { ...train, name: 'fashion-mnist/train' }, test: { ...test, name: 'fashion-mnist/test' } };
}
