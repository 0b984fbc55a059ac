/**
 * The Wilcoxon signed-rank test of paired differences (`d = x − y`), as SciPy's
 * `wilcoxon(d, alternative, zero_method='zsplit')`: ranks of |d| (ties get their average rank), a zero
 * difference's rank split half to each side, and the statistic R+, the sum of the ranks of positive
 * differences (plus half those of zeros).
 *
 * The p-value is exact (the null distribution of R+ over all 2ⁿ sign patterns) for n ≤ 50 differences
 * with no zero and no tie, the case where the exact distribution of integer ranks applies; otherwise it
 * is the normal approximation with the tie correction of the variance (zeros are ranked like any other
 * difference, so the correction covers them too), without continuity correction.
 */
import { normalCdf } from './normal.js';

export type SignedRankAlternative = 'greater' | 'less' | 'two-sided';

export interface SignedRankResult {
  /** R+: the sum of the ranks of the positive differences, plus half the ranks of the zeros. */
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'normal';
}

const EXACT_MAX = 50;

/**
 * Test whether the differences are centred on zero, against `alternative`: `'greater'` (they tend to
 * be positive: x > y), `'less'`, or `'two-sided'`.
 *
 * @param diffs finite paired differences, at least one.
 */
export function signedRankTest(diffs: readonly number[], alternative: SignedRankAlternative): SignedRankResult {
  const n = diffs.length;
  if (n === 0) throw new RangeError('signedRankTest: no differences');
  for (const d of diffs) if (!Number.isFinite(d)) throw new RangeError(`signedRankTest: a difference is not finite (${d})`);
  const { ranks, tieGroups } = averageRanks(diffs.map(Math.abs));
  let rPlus = 0;
  let zeros = 0;
  diffs.forEach((d, i) => {
    if (d > 0) rPlus += ranks[i]!;
    else if (d === 0) {
      rPlus += ranks[i]! / 2;
      zeros++;
    }
  });
  if (n <= EXACT_MAX && zeros === 0 && tieGroups.length === 0) {
    return { statistic: rPlus, pValue: exactP(n, rPlus, alternative), method: 'exact' };
  }
  const mean = (n * (n + 1)) / 4;
  let variance = n * (n + 1) * (2 * n + 1);
  for (const t of tieGroups) variance -= 0.5 * t * (t * t - 1);
  const se = Math.sqrt(variance / 24);
  const z = (rPlus - mean) / se;
  const pValue = alternative === 'greater' ? normalCdf(-z) : alternative === 'less' ? normalCdf(z) : Math.min(1, 2 * normalCdf(-Math.abs(z)));
  return { statistic: rPlus, pValue, method: 'normal' };
}

/** Ranks from 1 with ties averaged (SciPy's `rankdata`), and the sizes of the tied groups (> 1). */
export function averageRanks(values: readonly number[]): { ranks: number[]; tieGroups: number[] } {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  const tieGroups: number[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i + 1;
    while (j < order.length && values[order[j]!] === values[order[i]!]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = rank;
    if (j - i > 1) tieGroups.push(j - i);
    i = j;
  }
  return { ranks, tieGroups };
}

/** Counts of each R+ = 0 … n(n+1)/2 over the 2ⁿ sign patterns (exact in doubles up to n = 50 < 53 bits). */
function signedRankCounts(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    for (let s = (r * (r + 1)) / 2; s >= r; s--) counts[s]! += counts[s - r]!;
  }
  return counts;
}

function exactP(n: number, rPlus: number, alternative: SignedRankAlternative): number {
  const counts = signedRankCounts(n);
  const total = 2 ** n;
  const r = Math.round(rPlus);
  let upper = 0;
  for (let s = r; s < counts.length; s++) upper += counts[s]!;
  let lower = 0;
  for (let s = 0; s <= r; s++) lower += counts[s]!;
  if (alternative === 'greater') return upper / total;
  if (alternative === 'less') return lower / total;
  // As SciPy: the centre of the (symmetric) distribution is 1, else twice the smaller tail.
  if (2 * r === counts.length - 1) return 1;
  return Math.min(1, (2 * Math.min(upper, lower)) / total);
}
