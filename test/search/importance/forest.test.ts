import t from 'tap';
import { createRandom } from '../../../lib/random.js';
import { fitForest, fitTree, meanDecreaseImpurity, predict, type RegressionTree } from '../../../lib/search/importance/forest.js';

const rows = (n: number, d: number, seed: number) => {
  const r = createRandom(seed);
  return Array.from({ length: n }, () => Float64Array.from({ length: d }, () => r.float()));
};

t.test('a fully grown tree reproduces its (distinct) training samples', async (t) => {
  const x = rows(50, 3, 1);
  const y = Float64Array.from(x, (p) => Math.sin(6 * p[0]!) + p[1]! * p[2]!);
  const tree = fitTree(x, y, new Float64Array(50).fill(1), 64, createRandom(2));
  t.ok(x.every((p, i) => Math.abs(predict(tree, p) - y[i]!) < 1e-12), 'every sample predicted exactly');
  t.equal(tree.feature.filter((f) => f < 0).length, 50, 'one leaf per sample');
  t.equal(tree.weight[0], 50);
});

t.test('splits: halfway between distinct values, on the feature that reduces the squared error most', async (t) => {
  const x = [[0, 5], [1, 5], [2, 6], [3, 6]].map((p) => Float64Array.from(p));
  const y = Float64Array.from([0, 0, 10, 10]);
  const tree = fitTree(x, y, new Float64Array(4).fill(1), 64, createRandom(0));
  t.equal(tree.nodeCount, 3, 'one split leaves two pure leaves');
  t.ok(tree.threshold[0] === 1.5 || tree.threshold[0] === 5.5, `threshold ${tree.threshold[0]} (feature ${tree.feature[0]}): both features separate the targets; the random order picks`);
  t.same([tree.value[tree.left[0]!], tree.value[tree.right[0]!]], [0, 10]);
  t.equal(tree.impurity[0], 25);
  const shallow = fitTree(rows(40, 2, 3), Float64Array.from({ length: 40 }, (_, i) => i), new Float64Array(40).fill(1), 2, createRandom(0));
  const depth = (tree: RegressionTree, i = 0): number => (tree.feature[i]! < 0 ? 0 : 1 + Math.max(depth(tree, tree.left[i]!), depth(tree, tree.right[i]!)));
  t.equal(depth(shallow), 2, 'maxDepth');
});

t.test('bootstrap weights: a sample drawn k times counts k times; undrawn samples are left out', async (t) => {
  const x = [[0], [1], [2]].map((p) => Float64Array.from(p));
  const y = Float64Array.from([0, 3, 100]);
  const tree = fitTree(x, y, Float64Array.from([2, 1, 0]), 64, createRandom(0));
  t.equal(tree.weight[0], 3);
  t.equal(tree.value[0], 1, '(0 + 0 + 3) / 3');
  t.equal(tree.threshold[0], 0.5, 'the sample at 2 is not in this tree');
});

t.test('a forest is reproducible from its seed, and its trees differ', async (t) => {
  const x = rows(60, 3, 4);
  const y = Float64Array.from(x, (p) => 5 * p[0]! + p[1]!);
  const a = fitForest(x, y, { nTrees: 8, maxDepth: 64 }, createRandom(1));
  const b = fitForest(x, y, { nTrees: 8, maxDepth: 64 }, createRandom(1));
  t.same(a.map((tr) => [...tr.threshold]), b.map((tr) => [...tr.threshold]));
  t.notSame([...a[0]!.threshold], [...a[1]!.threshold], 'each tree its own bootstrap sample');
});

t.test('mean decrease in impurity: shares summing to 1, the dominant feature first', async (t) => {
  const x = rows(200, 3, 5);
  const y = Float64Array.from(x, (p) => 10 * p[0]! + p[1]!);
  const mdi = meanDecreaseImpurity(fitForest(x, y, { nTrees: 16, maxDepth: 64 }, createRandom(3)), 3);
  t.ok(Math.abs(mdi.reduce((s, v) => s + v, 0) - 1) < 1e-12);
  t.ok(mdi[0]! > 0.9 && mdi[1]! > mdi[2]!, `[${[...mdi].map((v) => v.toFixed(3))}]`);
  // A single-node tree (constant targets) contributes nothing.
  const flat = fitTree(x, new Float64Array(200).fill(1), new Float64Array(200).fill(1), 64, createRandom(0));
  t.equal(flat.nodeCount, 1);
  t.same([...meanDecreaseImpurity([flat], 3)], [0, 0, 0]);
});
