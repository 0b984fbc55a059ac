/**
 * Pareto dominance on loss vectors (every objective minimised: a maximised one is negated first, see
 * {@link toLosses}): non-dominated sorting (Deb et al. 2002, the fast O(M·N²) version), crowding
 * distance, and the constrained domination of NSGA-II (feasible before infeasible, infeasible by their
 * total violation), as Optuna 3.1 applies it.
 */
import type { Direction } from '../types.js';

/** Values as losses: maximised objectives negated, so that lower is better everywhere. */
export function toLosses(values: readonly number[], directions: readonly Direction[]): number[] {
  return values.map((v, i) => (directions[i] === 'maximize' ? -v : v));
}

/** Whether loss vector `a` dominates `b`: no worse in every objective and better in one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]!) return false;
    if (a[i]! < b[i]!) better = true;
  }
  return better;
}

/** How far constraint values are from feasible: the sum of their positive parts (0 when all are ≤ 0). */
export function violation(constraints: readonly number[] | undefined): number {
  if (constraints === undefined) return 0;
  let v = 0;
  for (const c of constraints) if (c > 0) v += c;
  return v;
}

/**
 * Constrained domination (Deb 2000): with violations given, a feasible point dominates an infeasible
 * one, and of two infeasible points the one that violates less dominates; two feasible points compare
 * by {@link dominates}.
 */
export function constrainedDominates(a: readonly number[], b: readonly number[], va = 0, vb = 0): boolean {
  if (va === 0 && vb === 0) return dominates(a, b);
  if (va === 0) return true;
  if (vb === 0) return false;
  return va < vb;
}

/**
 * Sort points into fronts: front 0 is the non-dominated points, front 1 those dominated only by front 0,
 * and so on. Returns indices into `points`, each front in increasing index order. `violations`, when
 * given, makes the domination constrained. `limit` stops once that many points are sorted (a selection
 * of the best `limit` needs no more).
 */
export function nonDominatedSort(points: ReadonlyArray<readonly number[]>, violations?: readonly number[], limit = Infinity): number[][] {
  const n = points.length;
  const dominatedBy = new Int32Array(n);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const vi = violations?.[i] ?? 0;
      const vj = violations?.[j] ?? 0;
      if (constrainedDominates(points[i]!, points[j]!, vi, vj)) {
        dominating[i]!.push(j);
        dominatedBy[j]!++;
      } else if (constrainedDominates(points[j]!, points[i]!, vj, vi)) {
        dominating[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  let sorted = 0;
  while (current.length > 0 && sorted < limit) {
    fronts.push(current);
    sorted += current.length;
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominating[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    next.sort((a, b) => a - b);
    current = next;
  }
  return fronts;
}

/** The indices of the non-dominated points (front 0), in increasing order. */
export function paretoIndices(points: ReadonlyArray<readonly number[]>): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    if (!points.some((q, j) => j !== i && dominates(q, points[i]!))) out.push(i);
  }
  return out;
}

/**
 * The crowding distance of each point of one front (same order as `front`): per objective, the gap
 * between its two neighbours normalised by the front's range; the extremes get Infinity. Larger is
 * lonelier, and preferred, so that a truncated front keeps its spread.
 */
export function crowdingDistance(points: ReadonlyArray<readonly number[]>, front: readonly number[]): number[] {
  const m = front.length;
  const distance = new Array<number>(m).fill(0);
  if (m <= 2) return distance.fill(Infinity);
  const objectives = points[front[0]!]!.length;
  const order = front.map((_, k) => k);
  for (let o = 0; o < objectives; o++) {
    order.sort((a, b) => points[front[a]!]![o]! - points[front[b]!]![o]! || a - b);
    const lo = points[front[order[0]!]!]![o]!;
    const hi = points[front[order[m - 1]!]!]![o]!;
    distance[order[0]!] = Infinity;
    distance[order[m - 1]!] = Infinity;
    if (hi === lo) continue;
    for (let k = 1; k < m - 1; k++) {
      const gap = points[front[order[k + 1]!]!]![o]! - points[front[order[k - 1]!]!]![o]!;
      distance[order[k]!] = distance[order[k]!]! + gap / (hi - lo);
    }
  }
  return distance;
}
