import t from 'tap';
import { createRandom } from '../../../lib/random.js';
import { hypervolume } from '../../../lib/search/math/hypervolume.js';
import { crowdingDistance, dominates, nonDominatedSort, paretoIndices, toLosses, violation } from '../../../lib/search/math/pareto.js';

/** Exact hypervolume by inclusion-exclusion over every subset: the volume of the union of boxes. */
function inclusionExclusion(points: number[][], reference: number[]): number {
  const n = points.length;
  let total = 0;
  for (let mask = 1; mask < 1 << n; mask++) {
    let size = 0;
    const corner = reference.map(() => -Infinity);
    for (let i = 0; i < n; i++) {
      if (!(mask & (1 << i))) continue;
      size++;
      points[i]!.forEach((v, k) => (corner[k] = Math.max(corner[k]!, v)));
    }
    const box = corner.reduce((acc, c, k) => acc * Math.max(0, reference[k]! - c), 1);
    total += size % 2 === 1 ? box : -box;
  }
  return total;
}

t.test('dominance, fronts and crowding distance', async (t) => {
  t.ok(dominates([1, 2], [1, 3]));
  t.notOk(dominates([1, 2], [1, 2]), 'equal points do not dominate each other');
  t.notOk(dominates([1, 3], [2, 2]));
  t.same(toLosses([0.9, 100], ['maximize', 'minimize']), [-0.9, 100]);
  t.equal(violation([-1, 0.5, 2]), 2.5);
  t.equal(violation([-1, 0]), 0);
  const pts = [[1, 5], [2, 2], [5, 1], [3, 3], [4, 4], [2, 6]];
  t.same(nonDominatedSort(pts), [[0, 1, 2], [3, 5], [4]]);
  t.same(paretoIndices(pts), [0, 1, 2]);
  t.same(nonDominatedSort(pts, undefined, 2), [[0, 1, 2]], 'stops once limit points are sorted');
  // Point 4 is the only feasible one: it comes first; then infeasible ones by violation.
  t.same(nonDominatedSort(pts, [1, 3, 2, 1, 0, 5]), [[4], [0, 3], [2], [1], [5]]);
  const d = crowdingDistance([[0, 4], [1, 2], [2, 1.5], [4, 0]], [0, 1, 2, 3]);
  t.equal(d[0], Infinity);
  t.equal(d[3], Infinity);
  t.ok(Math.abs(d[1]! - (2 / 4 + 2.5 / 4)) < 1e-12);
  t.ok(Math.abs(d[2]! - (3 / 4 + 2 / 4)) < 1e-12);
});

t.test('hypervolume: known values', async (t) => {
  t.equal(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]), 6);
  t.equal(hypervolume([[1, 3], [2, 2], [3, 1], [3, 3]], [4, 4]), 6, 'a dominated point adds nothing');
  t.equal(hypervolume([[5, 1]], [4, 4]), 0, 'a point beyond the reference adds nothing');
  t.equal(hypervolume([], [1, 1]), 0);
  t.equal(hypervolume([[0, 0, 0]], [1, 2, 3]), 6);
  // Boxes of volume 4 and 2 that share a unit cube.
  t.equal(hypervolume([[0, 0, 1], [1, 1, 0]], [2, 2, 2]), 4 + 2 - 1);
  t.equal(hypervolume([[0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 0, 1], [1, 1, 1, 0]], [2, 2, 2, 2]), 4 * 2 - 6 + 4 - 1, 'four boxes of 2, every intersection the unit cube');
  t.throws(() => hypervolume([[1, 2, 3]], [4, 4]), RangeError);
});

t.test('hypervolume equals inclusion-exclusion on random fronts of 2 to 5 objectives', async (t) => {
  const random = createRandom(7);
  for (let d = 2; d <= 5; d++) {
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + random.int(9);
      const points = Array.from({ length: n }, () => Array.from({ length: d }, () => Math.round(random.float() * 20) / 10));
      const reference = Array.from({ length: d }, () => 2.2);
      const exact = inclusionExclusion(points, reference);
      const hv = hypervolume(points, reference);
      if (Math.abs(hv - exact) > 1e-9 * Math.max(1, exact)) t.fail(`d=${d} ${JSON.stringify(points)}: ${hv} vs ${exact}`);
    }
  }
  t.pass('all agree');
});

t.test('hypervolume agrees with a Monte Carlo estimate on a 3-objective front', async (t) => {
  const random = createRandom(3);
  // Points on the DTLZ2 sphere's positive octant.
  const points = Array.from({ length: 40 }, () => {
    const v = [random.float(), random.float(), random.float()].map((x) => x + 1e-6);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
  const reference = [1.1, 1.1, 1.1];
  const hv = hypervolume(points, reference);
  const samples = 200_000;
  let hits = 0;
  for (let i = 0; i < samples; i++) {
    const x = [random.float() * 1.1, random.float() * 1.1, random.float() * 1.1];
    if (points.some((p) => p.every((v, k) => v <= x[k]!))) hits++;
  }
  const estimate = (hits / samples) * 1.1 ** 3;
  // The standard error of the estimate is about 0.0015.
  t.ok(Math.abs(hv - estimate) < 0.01, `exact ${hv} vs Monte Carlo ${estimate}`);
});
