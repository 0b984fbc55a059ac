import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FASHION_MNIST_CLASSES, fashionMnist } from '../../lib/data/fashion-mnist.js';
import { throwsWith } from './helpers.js';

const INSTALLED = '/usr/share/datasets/fashion-mnist';

t.test('the installed data set, first samples only', { skip: existsSync(join(INSTALLED, 'train-images-idx3-ubyte.gz')) ? false : `not installed (apt-get install dataset-fashion-mnist)` }, async (t) => {
  const { train, test } = fashionMnist({ limit: 50 });
  t.equal(train.length, 50);
  t.equal(test.length, 50);
  t.same(train.xShape, [28, 28, 1]);
  t.equal(train.x.length, 50 * 784);
  t.same(train.classNames, FASHION_MNIST_CLASSES);
  t.same(train.classNames?.[0], 'T-shirt/top');
  t.same(train.classNames?.[9], 'Ankle boot');
  // The published first labels of each part.
  t.same(Array.from(train.y.subarray(0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
  t.same(Array.from(test.y.subarray(0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of train.x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  t.equal(lo, 0);
  t.equal(hi, 1, 'pixels scaled to [0, 1]');
  t.equal(train.name, 'fashion-mnist/train');
  t.equal(test.name, 'fashion-mnist/test');
});

/** A Fashion-MNIST-shaped folder with `n` tiny 2×2 images per part. */
function fakeFolder(dir: string, n: number, skip: string[] = []): void {
  const file = (code: number, dims: number[], values: number[]): Buffer => {
    const b = Buffer.alloc(4 + 4 * dims.length + values.length);
    b[2] = code;
    b[3] = dims.length;
    dims.forEach((d, k) => b.writeUInt32BE(d, 4 + 4 * k));
    values.forEach((v, i) => (b[4 + 4 * dims.length + i] = v));
    return gzipSync(b);
  };
  const parts: Record<string, Buffer> = {
    'train-images-idx3-ubyte.gz': file(8, [n, 2, 2], Array.from({ length: n * 4 }, (_, i) => i % 256)),
    'train-labels-idx1-ubyte.gz': file(8, [n], Array.from({ length: n }, (_, i) => i % 10)),
    't10k-images-idx3-ubyte.gz': file(8, [n, 2, 2], new Array(n * 4).fill(255)),
    't10k-labels-idx1-ubyte.gz': file(8, [n], new Array(n).fill(9)),
  };
  for (const [name, bytes] of Object.entries(parts)) if (!skip.includes(name)) writeFileSync(join(dir, name), bytes);
}

t.test('reads the four files from a given folder, with and without limit', async (t) => {
  const dir = t.testdir({});
  fakeFolder(dir, 12);
  const all = fashionMnist({ dir });
  t.equal(all.train.length, 12);
  t.same(all.train.xShape, [2, 2, 1]);
  t.same(Array.from(all.train.y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  t.same(Array.from(all.test.x.subarray(0, 4)), [1, 1, 1, 1]);
  const few = fashionMnist({ dir, limit: 3 });
  t.equal(few.train.length, 3);
  t.equal(few.test.length, 3);
});

t.test('missing files: DATA_MISSING naming the files and the apt-get package', async (t) => {
  const dir = t.testdir({});
  fakeFolder(dir, 2, ['t10k-labels-idx1-ubyte.gz']);
  const e = throwsWith(t, () => fashionMnist({ dir }), 'DATA_MISSING', [join(dir, 't10k-labels-idx1-ubyte.gz'), 'apt-get install dataset-fashion-mnist']);
  t.notOk(e?.message.includes(join(dir, 'train-images')), 'only the missing file is named as missing');
  const empty = t.testdir({});
  throwsWith(t, () => fashionMnist({ dir: join(empty, 'nowhere') }), 'DATA_MISSING', [join(empty, 'nowhere', 'train-images-idx3-ubyte.gz'), 'apt-get install dataset-fashion-mnist']);
  throwsWith(t, () => fashionMnist({ limt: 5 } as never), 'INVALID_CONFIG', ["'limt'"]);
  throwsWith(t, () => fashionMnist({ dir: '' }), 'INVALID_CONFIG', ["'dir'"]);
});
