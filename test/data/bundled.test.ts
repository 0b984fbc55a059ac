import t from 'tap';
import { breastCancer, diabetes, digits, iris, wine } from '../../lib/data/bundled.js';
import type { ArrayDataset } from '../../lib/data/types.js';

function classCounts(ds: ArrayDataset): number[] {
  const counts = new Array<number>(ds.classNames!.length).fill(0);
  for (const v of ds.y) counts[v]!++;
  return counts;
}

function range(ds: ArrayDataset): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ds.x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

t.test('digits: 1,797 samples of 64 pixels in [0, 1], 10 classes', async (t) => {
  const ds = digits();
  t.equal(ds.length, 1797);
  t.same(ds.xShape, [64]);
  t.equal(ds.x.length, 1797 * 64);
  t.ok(ds.y instanceof Int32Array);
  t.same(ds.yShape, []);
  t.same(ds.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  t.same(classCounts(ds), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180], 'the UCI test split class counts');
  t.same(range(ds), [0, 1], 'raw 0..16 divided by 16');
  // The first row of the file: 0,0,5,13,9,1,0,0,... label 0
  t.same(Array.from(ds.x.subarray(0, 6)), [0, 0, 5 / 16, 13 / 16, 9 / 16, 1 / 16]);
  t.equal(ds.y[0], 0);
  t.equal(ds.y[1], 1);
  t.equal(ds.featureNames?.length, 64);
  t.equal(ds.featureNames?.[9], 'pixel_1_1');
  t.equal(ds.name, 'digits');
  const img = digits({ image: true });
  t.same(img.xShape, [8, 8, 1]);
  t.same(Array.from(img.x.subarray(0, 64)), Array.from(ds.x.subarray(0, 64)), 'same values, image shape');
  t.throws(() => digits({ images: true } as never), { code: 'INVALID_CONFIG', message: /'images'/ });
});

t.test('wine: 178 × 13, 3 classes named from the file header', async (t) => {
  const ds = wine();
  t.equal(ds.length, 178);
  t.same(ds.xShape, [13]);
  t.same(ds.classNames, ['class_0', 'class_1', 'class_2']);
  t.same(classCounts(ds), [59, 71, 48]);
  t.equal(ds.featureNames?.length, 13);
  t.equal(ds.featureNames?.[12], 'proline');
  t.ok(Math.abs(ds.x[0]! - 14.23) < 1e-5, 'first value: alcohol 14.23');
  t.equal(ds.x[12], 1065, 'first proline value');
});

t.test('breast cancer: 569 × 30, malignant / benign', async (t) => {
  const ds = breastCancer();
  t.equal(ds.length, 569);
  t.same(ds.xShape, [30]);
  t.same(ds.classNames, ['malignant', 'benign']);
  t.same(classCounts(ds), [212, 357]);
  t.equal(ds.featureNames?.length, 30);
  t.same([ds.featureNames?.[0], ds.featureNames?.[10], ds.featureNames?.[29]], ['mean radius', 'radius error', 'worst fractal dimension']);
});

t.test('iris: 150 × 4, 3 balanced classes', async (t) => {
  const ds = iris();
  t.equal(ds.length, 150);
  t.same(ds.xShape, [4]);
  t.same(ds.classNames, ['setosa', 'versicolor', 'virginica']);
  t.same(classCounts(ds), [50, 50, 50]);
  t.same(Array.from(ds.x.subarray(0, 4)), Array.from(Float32Array.from([5.1, 3.5, 1.4, 0.2])));
});

t.test('each call returns its own arrays', async (t) => {
  const a = iris();
  const b = iris();
  (a.x as Float32Array)[0] = 99;
  t.not(b.x[0], 99);
});

t.test('diabetes: 442 × 10 raw features, a float32 regression target [n, 1], as scikit-learn loads it', async (t) => {
  const ds = diabetes();
  t.equal(ds.length, 442);
  t.same(ds.xShape, [10]);
  t.same(ds.yShape, [1]);
  t.ok(ds.y instanceof Float32Array, 'float targets');
  t.equal(ds.y.length, 442);
  t.same(ds.featureNames, ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
  t.equal(ds.classNames, undefined, 'no classes: a regression set');
  t.equal(ds.name, 'diabetes');
  // scikit-learn: load_diabetes(scaled=False).data[0], .target[0], target range
  t.same(Array.from(ds.x.subarray(0, 10)), [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87].map(Math.fround));
  t.equal(ds.y[0], 151);
  t.same([Math.min(...ds.y), Math.max(...ds.y)], [25, 346]);
  const sexes = new Set(Array.from({ length: 442 }, (_, i) => ds.x[i * 10 + 1]));
  t.same([...sexes].sort(), [1, 2], 'sex is 1 or 2 (raw, not scaled)');
});
