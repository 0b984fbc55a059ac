/**
 * The hypervolume of a set of points: the volume of the region they dominate, bounded by a reference
 * point (every objective minimised). Exact: a sweep for 2 objectives (O(n log n)), and for more the
 * slicing of HSO (While et al. 2006): sort by the last objective, and add up the slabs between
 * consecutive points, each the (d−1)-dimensional hypervolume of the points below it times its height.
 * Points that do not dominate the reference point add nothing.
 */

/** Hypervolume of loss vectors `points` (lower is better in every objective) against `reference`. */
export function hypervolume(points: ReadonlyArray<readonly number[]>, reference: readonly number[]): number {
  const d = reference.length;
  for (const p of points) {
    if (p.length !== d) throw new RangeError(`hypervolume: a point has ${p.length} objectives, the reference point ${d}`);
  }
  const inside = points.filter((p) => p.every((v, i) => v < reference[i]!));
  if (inside.length === 0) return 0;
  if (d === 1) return reference[0]! - Math.min(...inside.map((p) => p[0]!));
  return slice(inside, reference, d);
}

function sweep2d(points: ReadonlyArray<readonly number[]>, reference: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let volume = 0;
  let lowestY = reference[1]!;
  for (const p of sorted) {
    if (p[1]! < lowestY) {
      volume += (reference[0]! - p[0]!) * (lowestY - p[1]!);
      lowestY = p[1]!;
    }
  }
  return volume;
}

function slice(points: ReadonlyArray<readonly number[]>, reference: readonly number[], d: number): number {
  if (d === 2) return sweep2d(points, reference);
  const last = d - 1;
  const sorted = [...points].sort((a, b) => a[last]! - b[last]!);
  const below: Array<readonly number[]> = [];
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    below.push(sorted[i]!);
    const top = i + 1 < sorted.length ? sorted[i + 1]![last]! : reference[last]!;
    const height = top - sorted[i]![last]!;
    if (height > 0) volume += height * slice(nonDominated(below, last), reference, last);
  }
  return volume;
}

/** The points not dominated in their first `d` objectives (fewer points make the recursion cheaper). */
function nonDominated(points: ReadonlyArray<readonly number[]>, d: number): Array<readonly number[]> {
  return points.filter((p, i) => !points.some((q, j) => j !== i && dominatesIn(q, p, d, j < i)));
}

/** q dominates p in the first d objectives; of two equal points the earlier one (`tieWins`) is kept. */
function dominatesIn(q: readonly number[], p: readonly number[], d: number, tieWins: boolean): boolean {
  let better = false;
  for (let k = 0; k < d; k++) {
    if (q[k]! > p[k]!) return false;
    if (q[k]! < p[k]!) better = true;
  }
  return better || tieWins;
}
