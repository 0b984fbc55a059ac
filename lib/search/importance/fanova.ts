/**
 * The functional ANOVA decomposition of a regression tree (Hutter, Hoos & Leyton-Brown, "An Efficient
 * Approach for Assessing Hyperparameter Importance", ICML 2014), as Optuna's `FanovaImportanceEvaluator`
 * computes it: a tree is a piecewise-constant function over the box of the search space; the variance
 * of its marginal over a group of features (its average over all the other features, as a function
 * of the group), divided by the variance of the whole function, is the share of the variation the
 * group explains on its own.
 *
 * Both variances are taken with respect to the uniform measure on the box (volumes, not the trials'
 * density), so a region the trials rarely visited counts as much as one they crowded.
 */
import type { RegressionTree } from './forest.js';

/** A search box: `[low, high]` per feature. */
export type Box = ReadonlyArray<readonly [number, number]>;

const volume = (box: Box, features?: ReadonlySet<number>): number => {
  let v = 1;
  box.forEach(([lo, hi], f) => {
    if (!features || features.has(f)) v *= hi - lo;
  });
  return v;
};

const narrowed = (box: Box, feature: number, side: 0 | 1, t: number): Box =>
  box.map((b, f) => (f !== feature ? b : side === 0 ? ([b[0], t] as const) : ([t, b[1]] as const)));

/** A tree prepared for marginal variances over a box. */
export interface FanovaTree {
  /** The variance of the tree's prediction over the box (0: the tree is constant). */
  readonly variance: number;
  /** The variance of the marginal of the tree over the given features (e.g. a parameter's one-hot columns). */
  marginalVariance(features: readonly number[]): number;
}

export function fanovaTree(tree: RegressionTree, box: Box): FanovaTree {
  const n = tree.nodeCount;
  const d = box.length;
  const isLeaf = (i: number) => tree.feature[i]! < 0;

  // Each node's mean prediction and volume over its own sub-box (leaves: their value over their box).
  const mean = new Float64Array(n);
  const vol = new Float64Array(n);
  const boxes: Array<Box | undefined> = new Array(n);
  boxes[0] = box;
  for (let i = 0; i < n; i++) {
    const b = boxes[i]!;
    if (isLeaf(i)) {
      mean[i] = tree.value[i]!;
      vol[i] = volume(b);
    } else {
      boxes[tree.left[i]!] = narrowed(b, tree.feature[i]!, 0, tree.threshold[i]!);
      boxes[tree.right[i]!] = narrowed(b, tree.feature[i]!, 1, tree.threshold[i]!);
    }
  }
  // Children come after their parent, so a reverse sweep sees children first.
  for (let i = n - 1; i >= 0; i--) {
    if (isLeaf(i)) continue;
    const l = tree.left[i]!;
    const r = tree.right[i]!;
    vol[i] = vol[l]! + vol[r]!;
    mean[i] = vol[i]! > 0 ? (mean[l]! * vol[l]! + mean[r]! * vol[r]!) / vol[i]! : (mean[l]! + mean[r]!) / 2;
  }

  // Which features each subtree splits on.
  const splitsOn: Array<Set<number>> = Array.from({ length: n }, () => new Set<number>());
  for (let i = n - 1; i >= 0; i--) {
    if (isLeaf(i)) continue;
    splitsOn[i]!.add(tree.feature[i]!);
    for (const c of [tree.left[i]!, tree.right[i]!]) for (const f of splitsOn[c]!) splitsOn[i]!.add(f);
  }

  // The cells of each feature: the box cut at every threshold the tree uses on it.
  const cells: Array<{ mid: number[]; size: number[] }> = Array.from({ length: d }, (_, f) => {
    const cuts = new Set<number>();
    for (let i = 0; i < n; i++) if (tree.feature[i] === f) cuts.add(tree.threshold[i]!);
    const edges = [box[f]![0], ...[...cuts].sort((a, b) => a - b), box[f]![1]];
    return { mid: edges.slice(1).map((e, k) => (e + edges[k]!) / 2), size: edges.slice(1).map((e, k) => e - edges[k]!) };
  });

  const weightedVariance = (values: readonly number[], weights: readonly number[]): number => {
    let sw = 0, swv = 0;
    values.forEach((v, k) => {
      sw += weights[k]!;
      swv += weights[k]! * v;
    });
    const m = swv / sw;
    let s = 0;
    values.forEach((v, k) => (s += weights[k]! * (v - m) ** 2));
    return s / sw;
  };

  let leafMeans: number[] = [];
  let leafVols: number[] = [];
  for (let i = 0; i < n; i++) if (isLeaf(i)) {
    leafMeans.push(mean[i]!);
    leafVols.push(vol[i]!);
  }
  const variance = weightedVariance(leafMeans, leafVols);
  leafMeans = leafVols = [];

  /**
   * The tree's average over the features not in `at`, with the features of `at` fixed to its values:
   * walk down, following the fixed features' splits, taking both children of a split on another feature
   * only when the subtree below still splits on a fixed one; a node whose subtree does not is replaced
   * by its mean, weighted by the volume of its box along the other features.
   */
  const marginalAt = (at: ReadonlyMap<number, number>): [number, number] => {
    const fixed = new Set(at.keys());
    let sw = 0, swv = 0;
    const stack: Array<[number, Box]> = [[0, box]];
    while (stack.length > 0) {
      const [i, b] = stack.pop()!;
      const f = tree.feature[i]!;
      if (f >= 0) {
        const v = at.get(f);
        if (v !== undefined) {
          const goLeft = v <= tree.threshold[i]!;
          stack.push([goLeft ? tree.left[i]! : tree.right[i]!, narrowed(b, f, goLeft ? 0 : 1, tree.threshold[i]!)]);
          continue;
        }
        if ([...fixed].some((g) => splitsOn[i]!.has(g))) {
          stack.push([tree.left[i]!, b], [tree.right[i]!, b]);
          continue;
        }
      }
      const w = vol[i]! / volume(b, fixed);
      sw += w;
      swv += w * mean[i]!;
    }
    return [swv / sw, sw];
  };

  return {
    variance,
    marginalVariance(features) {
      // Every combination of the features' cells, each at its midpoint, weighted by its size.
      const values: number[] = [];
      const weights: number[] = [];
      const at = new Map<number, number>();
      const rec = (k: number, size: number): void => {
        if (k === features.length) {
          const [v, w] = marginalAt(at);
          values.push(v);
          weights.push(w * size);
          return;
        }
        const f = features[k]!;
        cells[f]!.mid.forEach((m, c) => {
          at.set(f, m);
          rec(k + 1, size * cells[f]!.size[c]!);
        });
        at.delete(f);
      };
      rec(0, 1);
      return Math.max(0, weightedVariance(values, weights));
    },
  };
}
