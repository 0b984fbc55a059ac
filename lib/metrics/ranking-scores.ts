/**
 * ROC AUC and average precision of scores against binary labels, exactly (every distinct score is a
 * threshold; tied scores move the curve diagonally), as scikit-learn's `roc_auc_score` and
 * `average_precision_score` compute them. Undefined (only one class among the labels): NaN.
 */

/** Sample indices by score, highest first. */
function byScore(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[b]! - scores[a]!);
}

/**
 * Walk the thresholds from the highest score down, calling `at(tp, fp)` with the counts of positives and
 * negatives scored at or above each distinct score.
 */
function walk(scores: ArrayLike<number>, positive: (i: number) => boolean, at: (tp: number, fp: number) => void): void {
  const order = byScore(scores);
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r]!;
    if (positive(i)) tp++;
    else fp++;
    const next = order[r + 1];
    if (next === undefined || scores[next] !== scores[i]) at(tp, fp);
  }
}

/** Area under the ROC curve (trapezoids between thresholds). */
export function rocAuc(scores: ArrayLike<number>, positive: (i: number) => boolean): number {
  let area = 0;
  let lastTp = 0;
  let lastFp = 0;
  walk(scores, positive, (tp, fp) => {
    area += ((fp - lastFp) * (tp + lastTp)) / 2;
    lastTp = tp;
    lastFp = fp;
  });
  return lastTp === 0 || lastFp === 0 ? NaN : area / (lastTp * lastFp);
}

/** Average precision: the sum over thresholds of (recall gained) × (precision there). */
export function averagePrecision(scores: ArrayLike<number>, positive: (i: number) => boolean): number {
  let sum = 0;
  let lastTp = 0;
  walk(scores, positive, (tp, fp) => {
    sum += (tp - lastTp) * (tp / (tp + fp));
    lastTp = tp;
  });
  return lastTp === 0 ? NaN : sum / lastTp;
}

/**
 * A ranking metric over per-sample rows `[score_0 … score_{c-1}, truth]` (`width` = c + 1): binary
 * (c = 1: the score of class 1, truth 0/1) or one-vs-rest macro average over the c classes.
 */
export function rankingMetric(metric: (scores: ArrayLike<number>, positive: (i: number) => boolean) => number, rows: Float32Array, width: number): number {
  const n = rows.length / width;
  const classes = width - 1;
  const truth = (i: number): number => rows[i * width + classes]!;
  const column = (k: number): Float32Array => {
    const s = new Float32Array(n);
    for (let i = 0; i < n; i++) s[i] = rows[i * width + k]!;
    return s;
  };
  if (classes === 1) return metric(column(0), (i) => truth(i) > 0.5);
  let sum = 0;
  for (let k = 0; k < classes; k++) sum += metric(column(k), (i) => truth(i) === k);
  return sum / classes;
}
