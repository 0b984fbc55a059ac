import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { SOBOL_MAX_DIMENSIONS, owenScramble, sobolInteger, sobolPoint } from '../../../lib/search/math/sobol.js';
import { againstRandom } from './discrepancy.js';

const points = (n: number, dims: number, seed?: number) => Array.from({ length: n }, (_, i) => sobolPoint(i, dims, seed));

t.test('unscrambled: the first points of the sequence (as Joe & Kuo\'s generator and SciPy give them)', async (t) => {
  t.same(points(8, 5), [
    [0, 0, 0, 0, 0],
    [0.5, 0.5, 0.5, 0.5, 0.5],
    [0.75, 0.25, 0.25, 0.25, 0.75],
    [0.25, 0.75, 0.75, 0.75, 0.25],
    [0.375, 0.375, 0.625, 0.875, 0.375],
    [0.875, 0.875, 0.125, 0.375, 0.875],
    [0.625, 0.125, 0.875, 0.625, 0.625],
    [0.125, 0.625, 0.375, 0.125, 0.125],
  ]);
  t.equal(SOBOL_MAX_DIMENSIONS, 1000);
  t.same(Array.from({ length: 16 }, (_, i) => sobolInteger(i, 999) / 2 ** 32), [0, 0.5, 0.75, 0.25, 0.125, 0.625, 0.875, 0.375, 0.9375, 0.4375, 0.1875, 0.6875, 0.8125, 0.3125, 0.0625, 0.5625], 'dimension 1000');
  t.same(Array.from({ length: 16 }, (_, i) => sobolInteger(i, 500) / 2 ** 32), [0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625, 0.6875, 0.1875, 0.9375, 0.4375, 0.8125, 0.3125, 0.5625, 0.0625], 'dimension 501');
  t.throws(() => sobolInteger(0, 1000), RangeError);
  t.throws(() => sobolInteger(-1, 0), RangeError);
});

const PYTHON = '/usr/bin/python3';
const hasScipy = spawnSync(PYTHON, ['-c', 'from scipy.stats import qmc'], { encoding: 'utf8' }).status === 0;

t.test('unscrambled: all 1000 dimensions equal SciPy\'s Sobol for the first 1024 points', { skip: hasScipy ? false : `${PYTHON} cannot import scipy.stats.qmc (apt-get install python3-scipy to run this check)` }, async (t) => {
  // SciPy's points are exact binary fractions: compare their 32-bit integers.
  const script = 'import sys, warnings\nwarnings.simplefilter("ignore")\nfrom scipy.stats import qmc\nimport numpy as np\np = qmc.Sobol(d=1000, scramble=False).random(1024)\nsys.stdout.write(" ".join(str(int(v)) for v in (p * 2**32).astype(np.uint64).ravel()))';
  const theirs = execFileSync(PYTHON, ['-c', script], { encoding: 'utf8', maxBuffer: 64 << 20 }).split(' ').map(Number);
  let bad = 0;
  for (let i = 0; i < 1024; i++) for (let j = 0; j < 1000; j++) if (sobolInteger(i, j) !== theirs[i * 1000 + j]) bad++;
  t.equal(bad, 0, '1,024,000 coordinates');
});

/** How many points of each elementary box [k/2^a, (k+1)/2^a) × [l/2^b, (l+1)/2^b), a + b = m; all 1 for a net. */
function boxCounts(pts: number[][], j: number, k: number, a: number, b: number): number[] {
  const counts = new Array<number>(2 ** (a + b)).fill(0);
  for (const p of pts) counts[Math.floor(p[j]! * 2 ** a) * 2 ** b + Math.floor(p[k]! * 2 ** b)]!++;
  return counts;
}

t.test('Owen-scrambled: still a net (one point per elementary box), and every seed gives another net', async (t) => {
  for (const seed of [1, 2, 3]) {
    const pts = points(128, 10, seed);
    for (let j = 0; j < 10; j++) t.ok(boxCounts(pts, j, j, 7, 0).every((c) => c === 1), `seed ${seed}, dimension ${j}: one point in each 1/128`);
    for (let a = 0; a <= 7; a++) t.ok(boxCounts(pts, 0, 1, a, 7 - a).every((c) => c === 1), `seed ${seed}, dimensions 1-2: boxes 2^-${a} × 2^-${7 - a}`);
    t.ok(pts.flat().every((x) => x >= 0 && x < 1), 'in [0, 1)');
  }
  t.notSame(points(4, 3, 1), points(4, 3, 2), 'seeds differ');
  t.same(points(4, 3, 1), points(4, 3, 1), 'a seed repeats');
  t.notOk(points(64, 2, 1).some((p) => p[0] === 0 && p[1] === 0), 'the origin is gone');
});

t.test('Owen-scrambled: each point is uniform over seeds', async (t) => {
  for (const index of [0, 5, 100]) {
    const xs = Array.from({ length: 4000 }, (_, s) => sobolPoint(index, 2, s)[1]!);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const belowQuarter = xs.filter((x) => x < 0.25).length / xs.length;
    t.ok(Math.abs(mean - 0.5) < 0.02, `index ${index}: mean ${mean.toFixed(3)}`);
    t.ok(Math.abs(belowQuarter - 0.25) < 0.03, `index ${index}: ${belowQuarter.toFixed(3)} below 0.25`);
  }
  // A flip depends on the bits above it: two points equal in their top bits get the same top bits.
  const key = 12345;
  t.equal(owenScramble(0x80000000, key) >>> 31, owenScramble(0xc0000000, key) >>> 31);
});

t.test('low discrepancy: scrambled Sobol beats random points on the same budget', async (t) => {
  const { star2d, l2In5d } = againstRandom(points);
  t.ok(star2d[0] < star2d[1], `2D star discrepancy, 256 points: Sobol ≤ ${star2d[0].toFixed(4)}, random ≥ ${star2d[1].toFixed(4)}`);
  t.ok(l2In5d[0] < l2In5d[1], `5D L2 star discrepancy: Sobol ≤ ${l2In5d[0].toExponential(2)}, random ≥ ${l2In5d[1].toExponential(2)}`);
});

