/** The folds of crossValidate: a seeded partition, even sizes, stratified by class when asked. */
import t from 'tap';
import { kFoldIndices, parseKFold } from '../../lib/cross-validation/k-folds.js';
import { breastCancer, diabetes, iris } from '../../lib/data/bundled.js';
import { fromArrays } from '../../lib/data/from-arrays.js';
import type { ArrayDataset } from '../../lib/data/types.js';

const folds = (ds: ArrayDataset, config: object): number[][] => kFoldIndices(ds, parseKFold('t', config, ds)).map((f) => Array.from(f));
const spread = (xs: number[]): number => Math.max(...xs) - Math.min(...xs);

t.test('a partition into folds of even sizes, from a seeded shuffle', async (t) => {
  const ds = diabetes(); // 442 samples: folds of 89 and 88
  const f = folds(ds, { folds: 5, seed: 3 });
  t.same(f.map((x) => x.length).sort(), [88, 88, 88, 89, 89]);
  t.same(f.flat().sort((a, b) => a - b), Array.from({ length: 442 }, (_, i) => i), 'every sample in exactly one fold');
  t.same(folds(ds, { folds: 5, seed: 3 }), f, 'the same seed, the same folds');
  t.notSame(folds(ds, { folds: 5, seed: 4 }), f, 'another seed, other folds');
  t.notSame(f[0], Array.from({ length: 89 }, (_, i) => i), 'shuffled, not cut in file order');
  t.same(folds(fromArrays([[1], [2], [3]], [0.5, 1.5, 2.5]), { folds: 3 }).map((x) => x.length), [1, 1, 1], 'folds = samples: leave one out');
});

t.test('stratified: each class is dealt evenly; the default for class labels', async (t) => {
  const ds = breastCancer(); // 212 malignant, 357 benign
  const perClass = (f: number[][]): number[][] => f.map((x) => [x.filter((i) => ds.y[i] === 0).length, x.filter((i) => ds.y[i] === 1).length]);
  const s = folds(ds, { folds: 5, seed: 1 });
  t.ok(spread(perClass(s).map((c) => c[0]!)) <= 1 && spread(perClass(s).map((c) => c[1]!)) <= 1, `class counts per fold: ${JSON.stringify(perClass(s))}`);
  t.ok(spread(s.map((x) => x.length)) <= 1, 'and even fold sizes');
  t.same(s, folds(ds, { folds: 5, seed: 1, stratified: true }), 'stratified by default for class labels');
  const plain = folds(ds, { folds: 5, seed: 1, stratified: false });
  t.ok(spread(perClass(plain).map((c) => c[0]!)) > 1, `stratified: false does not balance the classes (${JSON.stringify(perClass(plain))})`);
  t.same(parseKFold('t', { folds: 5 }, diabetes()).stratified, false, 'not stratified for regression targets');
});

t.test('bad configs are refused, naming the field', async (t) => {
  const ds = iris();
  t.throws(() => parseKFold('crossValidate()', { folds: 1 }, ds), { code: 'INVALID_CONFIG', message: /^crossValidate\(\): option 'folds' must be at least 2/ });
  t.throws(() => parseKFold('crossValidate()', { folds: 151 }, ds), { code: 'INVALID_CONFIG', message: /option 'folds' is more than the 150 samples of 'iris'/ });
  t.throws(() => parseKFold('crossValidate()', { folds: 2.5 }, ds), { code: 'INVALID_CONFIG', message: /option 'folds'/ });
  t.throws(() => parseKFold('crossValidate()', { folds: 5, stratified: true }, diabetes()), { code: 'INVALID_CONFIG', message: /option 'stratified' needs class labels, but 'diabetes' has float targets of shape \[1\]/ });
  t.throws(() => parseKFold('crossValidate()', { folds: 5, shuffle: true }, ds), { code: 'INVALID_CONFIG', message: /'shuffle'/ });
});
