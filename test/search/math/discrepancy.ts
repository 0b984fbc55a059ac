/** Discrepancies of point sets in [0, 1)^d, to check that a sequence is low-discrepancy (test helper). */
import { createRandom } from '../../../lib/random.js';

/** `n` pseudo-random points in [0, 1)^dims. */
export function randomPoints(n: number, dims: number, seed: number): number[][] {
  const r = createRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: dims }, () => r.float()));
}

/**
 * A sequence's discrepancies against random points', on 256 points: the 2D star discrepancy over seeds
 * 1-5 and the 5D L2 star discrepancy over seeds 1-3. For a low-discrepancy sequence the worst of its
 * values is below the best of the random ones'.
 */
export function againstRandom(pointsOf: (n: number, dims: number, seed: number) => number[][]): { star2d: [number, number]; l2In5d: [number, number] } {
  const worstBest = (f: (pts: number[][]) => number, dims: number, seeds: number[]): [number, number] => [
    Math.max(...seeds.map((s) => f(pointsOf(256, dims, s)))),
    Math.min(...seeds.map((s) => f(randomPoints(256, dims, s)))),
  ];
  return { star2d: worstBest(starDiscrepancy2d, 2, [1, 2, 3, 4, 5]), l2In5d: worstBest(l2StarDiscrepancy, 5, [1, 2, 3]) };
}

/** The exact star discrepancy of points in [0, 1)²: sup over boxes [0, a) × [0, b) of |share − area|. */
export function starDiscrepancy2d(points: ReadonlyArray<readonly number[]>): number {
  const n = points.length;
  const xs = [...points.map((p) => p[0]!), 1];
  const ys = [...points.map((p) => p[1]!), 1];
  let worst = 0;
  for (const a of xs) {
    for (const b of ys) {
      let open = 0;
      let closed = 0;
      for (const p of points) {
        if (p[0]! < a && p[1]! < b) open++;
        if (p[0]! <= a && p[1]! <= b) closed++;
      }
      worst = Math.max(worst, a * b - open / n, closed / n - a * b);
    }
  }
  return worst;
}

/** The L2 star discrepancy (Warnock's formula), any dimension. */
export function l2StarDiscrepancy(points: ReadonlyArray<readonly number[]>): number {
  const n = points.length;
  const d = points[0]!.length;
  let single = 0;
  for (const p of points) single += p.reduce((s, x) => s * (1 - x * x), 1);
  let pairs = 0;
  for (const p of points) for (const q of points) pairs += p.reduce((s, x, k) => s * (1 - Math.max(x, q[k]!)), 1);
  return Math.sqrt(3 ** -d - (2 ** (1 - d) / n) * single + pairs / (n * n));
}
