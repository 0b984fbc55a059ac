import t from 'tap';
import { fromArrays } from '../../lib/data/from-arrays.js';
import { applyNormalizer, fitNormalizer } from '../../lib/data/normalize.js';
import { split } from '../../lib/data/split.js';
import { iris, wine } from '../../lib/data/bundled.js';
import { throwsWith } from './helpers.js';

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-5;

t.test('standard: fitted on one set, the same transform applied to another', async (t) => {
  const train = fromArrays([[1, 5], [3, 5], [5, 5]], [0, 1, 0]);
  const stats = fitNormalizer(train, 'standard');
  t.equal(stats.kind, 'standard');
  if (stats.kind !== 'standard') return;
  t.same(stats.mean, [3, 5]);
  t.ok(close(stats.std[0]!, Math.sqrt(8 / 3)), 'population standard deviation');
  t.equal(stats.std[1], 0);
  const n = applyNormalizer(train, stats);
  t.ok(close(n.x[0]!, -2 / Math.sqrt(8 / 3)) && close(n.x[4]!, 2 / Math.sqrt(8 / 3)));
  t.same([n.x[1], n.x[3], n.x[5]], [0, 0, 0], 'constant feature: 0, not NaN');
  t.equal(n.y, train.y, 'labels untouched');
  t.equal(train.x[0], 1, 'the input is not modified');
  const other = applyNormalizer(fromArrays([[3, 7]], [1]), stats);
  t.same(Array.from(other.x), [0, 2], 'a constant column is shifted only');
  t.same(JSON.parse(JSON.stringify(stats)), stats, 'statistics survive JSON');
});

t.test('minmax', async (t) => {
  const ds = fromArrays([[0, -1], [10, 1], [5, 0]], [0, 1, 0]);
  const stats = fitNormalizer(ds, 'minmax');
  t.same(stats, { kind: 'minmax', min: [0, -1], max: [10, 1] });
  t.same(Array.from(applyNormalizer(ds, stats).x), [0, 0, 1, 1, 0.5, 0.5]);
});

t.test('real data: fitted on the training split only', async (t) => {
  const { train, test } = split(wine(), { test: 0.3, seed: 1 });
  const stats = fitNormalizer(train, 'standard');
  const trainN = applyNormalizer(train, stats);
  const testN = applyNormalizer(test, stats);
  const width = 13;
  for (let j = 0; j < width; j++) {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < trainN.length; i++) {
      sum += trainN.x[i * width + j]!;
      sq += trainN.x[i * width + j]! ** 2;
    }
    t.ok(Math.abs(sum / trainN.length) < 1e-4 && Math.abs(sq / trainN.length - 1) < 1e-3, `train column ${j}: mean 0, variance 1`);
  }
  let testSum = 0;
  for (let i = 0; i < testN.length; i++) testSum += testN.x[i * width + 12]!;
  t.not(testSum / testN.length, 0, 'the test split is not re-centred on itself');
});

t.test('errors', async (t) => {
  const ds = fromArrays([[1, 2]], [0], { name: 'two' });
  throwsWith(t, () => fitNormalizer(ds, 'zscore' as never), 'INVALID_CONFIG', ["'kind'"]);
  throwsWith(t, () => fitNormalizer(fromArrays([] as number[][], [] as number[], { xShape: [2] }), 'standard'), 'SHAPE_MISMATCH', ['no samples']);
  const three = fitNormalizer(fromArrays([[1, 2, 3]], [0]), 'minmax');
  throwsWith(t, () => applyNormalizer(ds, three), 'SHAPE_MISMATCH', ['3 features', "'two' has 2"]);
  throwsWith(t, () => applyNormalizer(ds, null as never), 'INVALID_CONFIG', ["'stats'"]);
});

t.test('a non-finite value is refused, naming its row and column (it made NaN statistics)', async (t) => {
  const data = iris();
  for (const [bad, shown] of [[NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity']] as const) {
    const x = data.x.slice();
    x[12 * 4 + 3] = bad;
    for (const kind of ['standard', 'minmax'] as const) {
      t.throws(() => fitNormalizer({ ...data, x }, kind), {
        name: 'RxtrainError',
        code: 'NON_FINITE',
        message: new RegExp(`fitNormalizer\\(\\): 'iris' has a non-finite value \\(${shown}\\) at row 12, column 3 \\('petal width \\(cm\\)'\\)`),
        details: { row: 12, column: 3 },
      });
    }
  }
  t.doesNotThrow(() => fitNormalizer(data, 'standard'));
});
