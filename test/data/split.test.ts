import t from 'tap';
import { digits, iris } from '../../lib/data/bundled.js';
import { fromArrays } from '../../lib/data/from-arrays.js';
import { toOneHot } from '../../lib/data/one-hot.js';
import { split, subset, take } from '../../lib/data/split.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import { throwsWith } from './helpers.js';

/** n samples whose single feature is their own index, with labels from `label(i)`. */
function indexed(n: number, label: (i: number) => number): ArrayDataset {
  return fromArrays(Array.from({ length: n }, (_, i) => [i]), Array.from({ length: n }, (_, i) => label(i)), { name: 'indexed' });
}

const ids = (ds: ArrayDataset): number[] => Array.from(ds.x);
// tap's deep comparison is slow on arrays of ~100k values: compare them directly.
const sameValues = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
const counts = (ds: ArrayDataset, k: number): number[] => {
  const c = new Array<number>(k).fill(0);
  for (const v of ds.y) c[v]!++;
  return c;
};

t.test('fractions: sizes, every sample in exactly one part, labels follow their samples', async (t) => {
  const ds = indexed(100, (i) => i % 3);
  const s = split(ds, { validation: 0.1, test: 0.25, seed: 7 });
  t.same([s.train.length, s.validation.length, s.test.length], [65, 10, 25]);
  const all = [...ids(s.train), ...ids(s.validation), ...ids(s.test)].sort((a, b) => a - b);
  t.same(all, Array.from({ length: 100 }, (_, i) => i), 'a partition of the samples');
  for (const part of [s.train, s.validation, s.test]) {
    part.x.forEach((x, i) => t.equal(part.y[i], x % 3, `label of sample ${x}`));
  }
  t.same([s.train.name, s.validation.name, s.test.name], ['indexed/train', 'indexed/validation', 'indexed/test']);
  const digitsSplit = split(digits(), { validation: 0.1, test: 0.2, seed: 42 });
  t.same([digitsSplit.train.length, digitsSplit.validation.length, digitsSplit.test.length], [1258, 180, 359]);
});

t.test('counts, and parts left out', async (t) => {
  const ds = indexed(50, (i) => i % 2);
  const s = split(ds, { validation: 5, test: 10, seed: 1 });
  t.same([s.train.length, s.validation.length, s.test.length], [35, 5, 10]);
  const onlyTest = split(ds, { test: 0.2 });
  t.same([onlyTest.train.length, onlyTest.validation.length, onlyTest.test.length], [40, 0, 10]);
  t.same(onlyTest.validation.xShape, [1], 'an empty part keeps the shapes');
});

t.test('seeded: the same seed gives the same splits, another seed others', async (t) => {
  const ds = digits();
  const a = split(ds, { validation: 0.15, test: 0.15, seed: 3 });
  const b = split(ds, { validation: 0.15, test: 0.15, seed: 3 });
  const c = split(ds, { validation: 0.15, test: 0.15, seed: 4 });
  t.ok(sameValues(a.test.x, b.test.x), 'same test features');
  t.ok(sameValues(a.train.y, b.train.y), 'same train labels');
  t.notOk(sameValues(a.test.x, c.test.x), 'another seed, another test set');
  const p = split(ds, { validation: 0.15, test: 0.15, seed: 3, stratify: false });
  const q = split(ds, { validation: 0.15, test: 0.15, seed: 3, stratify: false });
  t.ok(sameValues(p.validation.x, q.validation.x), 'unstratified splits are seeded too');
});

t.test('stratified by default for class labels: every part keeps the class shares', async (t) => {
  const s = split(iris(), { validation: 0.2, test: 0.2, seed: 11 });
  t.same(counts(s.train, 3), [30, 30, 30]);
  t.same(counts(s.validation, 3), [10, 10, 10]);
  t.same(counts(s.test, 3), [10, 10, 10]);
  // Unbalanced classes (90 / 10): each part within one sample of its share.
  const skewed = indexed(200, (i) => (i % 10 === 0 ? 1 : 0));
  const k = split(skewed, { validation: 0.25, test: 0.25, seed: 5 });
  for (const part of [k.validation, k.test]) {
    const [c0, c1] = counts(part, 2);
    t.ok(Math.abs(c1! - 5) <= 1 && Math.abs(c0! - 45) <= 1, `shares kept: ${c0}/${c1}`);
  }
  const hot = split(toOneHot(iris()), { validation: 0.2, test: 0.2, seed: 2 });
  const perClass = [0, 0, 0];
  for (let i = 0; i < hot.test.length; i++) for (let c = 0; c < 3; c++) perClass[c]! += hot.test.y[i * 3 + c]!;
  t.same(perClass, [10, 10, 10], 'one-hot labels are stratified too');
  t.same(hot.test.yShape, [3]);
});

t.test('regression targets: not stratified; stratify: true is an error', async (t) => {
  const reg = fromArrays([[1], [2], [3], [4], [5]], [0.5, 1.5, 2.5, 3.5, 4.5], { name: 'reg' });
  const s = split(reg, { test: 2, seed: 0 });
  t.equal(s.test.length, 2);
  t.ok(s.test.y instanceof Float32Array);
  throwsWith(t, () => split(reg, { test: 2, stratify: true }), 'INVALID_CONFIG', ["'stratify'", 'class labels', "'reg'"]);
});

t.test('invalid sizes name the field', async (t) => {
  const ds = indexed(10, (i) => i % 2);
  throwsWith(t, () => split(ds, { validation: 0.5, test: 0.5 }), 'INVALID_CONFIG', ["'test'", 'validation', 'sum to 1']);
  throwsWith(t, () => split(ds, { validation: 0.7, test: 0.4 }), 'INVALID_CONFIG', ['sum to 1.1']);
  throwsWith(t, () => split(ds, { validation: -0.1 }), 'INVALID_CONFIG', ["'validation'", '≥ 0']);
  throwsWith(t, () => split(ds, { test: 2.5 }), 'INVALID_CONFIG', ["'test'", 'whole count']);
  throwsWith(t, () => split(ds, { test: Number.NaN }), 'INVALID_CONFIG', ["'test'"]);
  throwsWith(t, () => split(ds, { validation: 4, test: 6 }), 'INVALID_CONFIG', ['no training samples', '10 samples']);
  throwsWith(t, () => split(ds, { validation: 10 }), 'INVALID_CONFIG', ["'validation'", 'no training samples']);
  throwsWith(t, () => split(ds, { valid: 0.2 } as never), 'INVALID_CONFIG', ["'valid'"]);
  throwsWith(t, () => split(ds, { test: 0.2, seed: Infinity }), 'INVALID_CONFIG', ["'seed'"]);
});

t.test('subset and take', async (t) => {
  const ds = indexed(6, (i) => i % 2);
  const sub = subset(ds, [4, 0, 4]);
  t.same(ids(sub), [4, 0, 4], 'in the given order, repeats allowed');
  t.same(Array.from(sub.y), [0, 0, 0]);
  t.equal(sub.length, 3);
  t.equal(sub.name, 'indexed');
  t.ok(sub.y instanceof Int32Array);
  throwsWith(t, () => subset(ds, [0, 6]), 'INVALID_CONFIG', ["'indices[1]'", '0..5', 'got 6']);
  throwsWith(t, () => subset(ds, [1.5]), 'INVALID_CONFIG', ["'indices[0]'"]);
  t.same(ids(take(ds, 2)), [0, 1]);
  t.equal(take(ds, 100).length, 6);
  t.equal(take(ds, 0).length, 0);
  throwsWith(t, () => take(ds, -1), 'INVALID_CONFIG', ["'n'"]);
  const hot = toOneHot(ds);
  t.same(Array.from(subset(hot, [1]).y), [0, 1], 'one-hot rows are copied whole');
});
