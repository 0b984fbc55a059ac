import t from 'tap';
import { firstPrimes, haltonSequence, radicalInverse } from '../../../lib/search/math/halton.js';
import { againstRandom } from './discrepancy.js';

const close = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-12);

t.test('primes and the radical inverse', async (t) => {
  t.same(firstPrimes(12), [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]);
  t.equal(firstPrimes(1000)[999], 7919);
  t.equal(radicalInverse(6, 2), 0.375, '6 = 110₂ → 0.011₂');
  t.equal(radicalInverse(7, 3), 5 / 9, '7 = 21₃ → 0.12₃ = 1/3 + 2/9');
});

t.test('unscrambled: the first points (bases 2, 3, 5)', async (t) => {
  const h = haltonSequence();
  const expected = [
    [0, 0, 0],
    [1 / 2, 1 / 3, 1 / 5],
    [1 / 4, 2 / 3, 2 / 5],
    [3 / 4, 1 / 9, 3 / 5],
    [1 / 8, 4 / 9, 4 / 5],
    [5 / 8, 7 / 9, 1 / 25],
  ];
  expected.forEach((p, i) => t.ok(close(h(i, 3), p), `point ${i}: ${h(i, 3).join(', ')}`));
});

t.test('scrambled: each coordinate still puts one point in each of b^m cells; seeds differ', async (t) => {
  const h = haltonSequence(11);
  const bases = firstPrimes(5);
  bases.forEach((b, j) => {
    const m = Math.floor(Math.log(300) / Math.log(b));
    const n = b ** m;
    const cells = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) cells[Math.floor(h(i, 5)[j]! * n)]!++;
    t.ok(cells.every((c) => c === 1), `base ${b}: ${n} points, one per cell`);
  });
  t.ok(Array.from({ length: 200 }, (_, i) => h(i, 12)).flat().every((x) => x >= 0 && x < 1), 'in [0, 1)');
  t.notSame(haltonSequence(1)(3, 4), haltonSequence(2)(3, 4));
  t.same(haltonSequence(1)(3, 4), haltonSequence(1)(3, 4), 'a seed repeats, whatever was asked before');
});

/** Pearson correlation of two coordinates over points. */
function correlation(pts: number[][], j: number, k: number): number {
  const n = pts.length;
  const mj = pts.reduce((s, p) => s + p[j]!, 0) / n;
  const mk = pts.reduce((s, p) => s + p[k]!, 0) / n;
  let sjk = 0, sjj = 0, skk = 0;
  for (const p of pts) {
    sjk += (p[j]! - mj) * (p[k]! - mk);
    sjj += (p[j]! - mj) ** 2;
    skk += (p[k]! - mk) ** 2;
  }
  return sjk / Math.sqrt(sjj * skk);
}

t.test('scrambling breaks the plain sequence\'s correlated high dimensions', async (t) => {
  // Bases 29 and 31 (dimensions 10 and 11): the first 28 plain points are (i/29, i/31), on a line.
  const plain = Array.from({ length: 28 }, (_, i) => haltonSequence()(i, 11));
  t.ok(correlation(plain, 9, 10) > 0.99, `plain: correlation ${correlation(plain, 9, 10).toFixed(3)}`);
  for (const seed of [1, 2, 3]) {
    const scrambled = Array.from({ length: 28 }, (_, i) => haltonSequence(seed)(i, 11));
    t.ok(Math.abs(correlation(scrambled, 9, 10)) < 0.6, `seed ${seed}: correlation ${correlation(scrambled, 9, 10).toFixed(3)}`);
  }
});

t.test('low discrepancy: scrambled Halton beats random points on the same budget', async (t) => {
  const pts = (n: number, dims: number, seed: number) => {
    const h = haltonSequence(seed);
    return Array.from({ length: n }, (_, i) => h(i, dims));
  };
  const { star2d, l2In5d } = againstRandom(pts);
  t.ok(star2d[0] < star2d[1], `2D star discrepancy, 256 points: Halton ≤ ${star2d[0].toFixed(4)}, random ≥ ${star2d[1].toFixed(4)}`);
  t.ok(l2In5d[0] < l2In5d[1], `5D L2 star discrepancy: Halton ≤ ${l2In5d[0].toExponential(2)}, random ≥ ${l2In5d[1].toExponential(2)}`);
});

