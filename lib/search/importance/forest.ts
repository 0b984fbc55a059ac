/**
 * A random forest of regression trees, as scikit-learn's `RandomForestRegressor` that Optuna's
 * importance evaluators fit: each tree on a bootstrap sample (drawn with replacement, as counts),
 * CART with squared error, every feature considered at every split (in a random order, which only
 * breaks ties), thresholds halfway between consecutive distinct values, grown until leaves are pure,
 * hold one distinct sample, or reach `maxDepth`.
 *
 * Trees are flat arrays (scikit-learn's `tree_` layout), which the fANOVA decomposition walks.
 */
import type { Random } from '../../random.js';

/** One fitted tree. Node 0 is the root; a leaf has `feature[i] = -1`. */
export interface RegressionTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** The weighted mean of the node's targets. */
  readonly value: Float64Array;
  /** The node's weight (bootstrap counts of its samples). */
  readonly weight: Float64Array;
  /** The weighted variance of the node's targets. */
  readonly impurity: Float64Array;
  readonly nodeCount: number;
}

export interface ForestOptions {
  readonly nTrees: number;
  readonly maxDepth: number;
}

/** Differences below this are one value (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;

/** Fit `nTrees` trees on rows `x` (n × d) and targets `y`; tree k draws from `random.fork(k)`. */
export function fitForest(x: readonly Float64Array[], y: Float64Array, options: ForestOptions, random: Random): RegressionTree[] {
  const n = y.length;
  return Array.from({ length: options.nTrees }, (_, k) => {
    const r = random.fork(k);
    const counts = new Float64Array(n);
    for (let i = 0; i < n; i++) counts[r.int(n)]! += 1;
    return fitTree(x, y, counts, options.maxDepth, r);
  });
}

/** Fit one tree on the samples with a positive weight. */
export function fitTree(x: readonly Float64Array[], y: Float64Array, w: Float64Array, maxDepth: number, random: Random): RegressionTree {
  const d = x[0]?.length ?? 0;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const weight: number[] = [];
  const impurity: number[] = [];

  const stats = (rows: readonly number[]): [number, number, number] => {
    let sw = 0, swy = 0, swyy = 0;
    for (const i of rows) {
      sw += w[i]!;
      swy += w[i]! * y[i]!;
      swyy += w[i]! * y[i]! * y[i]!;
    }
    const mean = swy / sw;
    return [sw, mean, Math.max(0, swyy / sw - mean * mean)];
  };

  const build = (rows: number[], depth: number): number => {
    const id = feature.length;
    const [sw, mean, imp] = stats(rows);
    feature.push(-1);
    threshold.push(NaN);
    left.push(-1);
    right.push(-1);
    value.push(mean);
    weight.push(sw);
    impurity.push(imp);
    if (depth >= maxDepth || rows.length < 2 || imp <= Number.EPSILON) return id;
    const split = bestSplit(rows, d);
    if (!split) return id;
    feature[id] = split.feature;
    threshold[id] = split.threshold;
    const l: number[] = [];
    const r: number[] = [];
    for (const i of rows) (x[i]![split.feature]! <= split.threshold ? l : r).push(i);
    left[id] = build(l, depth + 1);
    right[id] = build(r, depth + 1);
    return id;
  };

  // The split maximising the impurity decrease, through its proxy Σ_left²/w_left + Σ_right²/w_right
  // (scikit-learn's MSE criterion); features in a random order, the first best kept.
  const bestSplit = (rows: number[], dims: number): { feature: number; threshold: number } | undefined => {
    let best: { feature: number; threshold: number } | undefined;
    let bestProxy = -Infinity;
    let total = 0, totalW = 0;
    for (const i of rows) {
      total += w[i]! * y[i]!;
      totalW += w[i]!;
    }
    const order = Array.from({ length: dims }, (_, j) => j);
    for (let j = dims - 1; j > 0; j--) {
      const k = random.int(j + 1);
      [order[j], order[k]] = [order[k]!, order[j]!];
    }
    for (const f of order) {
      const sorted = [...rows].sort((a, b) => x[a]![f]! - x[b]![f]!);
      if (x[sorted[sorted.length - 1]!]![f]! <= x[sorted[0]!]![f]! + FEATURE_THRESHOLD) continue;
      let sumL = 0, wL = 0;
      for (let p = 1; p < sorted.length; p++) {
        const i = sorted[p - 1]!;
        sumL += w[i]! * y[i]!;
        wL += w[i]!;
        const a = x[i]![f]!;
        const b = x[sorted[p]!]![f]!;
        if (b <= a + FEATURE_THRESHOLD) continue;
        const wR = totalW - wL;
        const proxy = (sumL * sumL) / wL + ((total - sumL) * (total - sumL)) / wR;
        if (proxy > bestProxy) {
          bestProxy = proxy;
          let t = a / 2 + b / 2;
          if (t === b || !Number.isFinite(t)) t = a;
          best = { feature: f, threshold: t };
        }
      }
    }
    return best;
  };

  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (w[i]! > 0) rows.push(i);
  build(rows, 0);
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    weight: Float64Array.from(weight),
    impurity: Float64Array.from(impurity),
    nodeCount: feature.length,
  };
}

/** The tree's prediction for one row. */
export function predict(tree: RegressionTree, row: Float64Array): number {
  let node = 0;
  while (tree.feature[node]! >= 0) node = row[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  return tree.value[node]!;
}

/**
 * Mean decrease in impurity per feature (scikit-learn's `feature_importances_` of a forest): each
 * tree's weighted impurity decreases summed by feature and normalised to 1, averaged over the trees
 * that split at all, normalised again.
 */
export function meanDecreaseImpurity(trees: readonly RegressionTree[], features: number): Float64Array {
  const total = new Float64Array(features);
  let counted = 0;
  for (const tree of trees) {
    if (tree.nodeCount <= 1) continue;
    const mine = new Float64Array(features);
    for (let i = 0; i < tree.nodeCount; i++) {
      const f = tree.feature[i]!;
      if (f < 0) continue;
      const l = tree.left[i]!;
      const r = tree.right[i]!;
      mine[f]! += tree.weight[i]! * tree.impurity[i]! - tree.weight[l]! * tree.impurity[l]! - tree.weight[r]! * tree.impurity[r]!;
    }
    const sum = mine.reduce((a, b) => a + b, 0);
    if (sum > 0) for (let f = 0; f < features; f++) total[f]! += mine[f]! / sum;
    counted++;
  }
  const sum = total.reduce((a, b) => a + b, 0);
  if (counted > 0 && sum > 0) for (let f = 0; f < features; f++) total[f] = total[f]! / sum;
  return total;
}
