/** Discrepancies of point sets in [0, 1)^d, to check that a sequence is low-discrepancy (test helper). */

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
