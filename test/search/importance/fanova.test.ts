import t from 'tap';
import { createRandom } from '../../../lib/random.js';
import { fanovaTree } from '../../../lib/search/importance/fanova.js';
import { fitTree, type RegressionTree } from '../../../lib/search/importance/forest.js';

/** A tree from nodes in preorder: [feature, threshold] for a split, a number for a leaf. */
function tree(nodes: Array<[number, number] | number>): RegressionTree {
  const n = nodes.length;
  const out = { feature: new Int32Array(n), threshold: new Float64Array(n), left: new Int32Array(n).fill(-1), right: new Int32Array(n).fill(-1), value: new Float64Array(n), weight: new Float64Array(n), impurity: new Float64Array(n), nodeCount: n };
  let next = 0;
  const build = (): number => {
    const id = next++;
    const node = nodes[id]!;
    if (typeof node === 'number') {
      out.feature[id] = -1;
      out.value[id] = node;
      return id;
    }
    out.feature[id] = node[0];
    out.threshold[id] = node[1];
    out.left[id] = build();
    out.right[id] = build();
    return id;
  };
  build();
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

t.test('an additive tree: f = 2·[x0 > 0.5] + [x1 > 0.5] on [0, 1]²', async (t) => {
  const f = fanovaTree(tree([[0, 0.5], [1, 0.5], 0, 1, [1, 0.5], 2, 3]), [[0, 1], [0, 1]]);
  t.ok(close(f.variance, 1.25), `total variance ${f.variance} = 4·¼ + ¼`);
  t.ok(close(f.marginalVariance([0]), 1), 'x0 explains 1');
  t.ok(close(f.marginalVariance([1]), 0.25), 'x1 explains 0.25');
  t.ok(close(f.marginalVariance([0, 1]), 1.25), 'both explain all');
});

t.test('volumes, not sample counts: cells weigh by their size in the box', async (t) => {
  // f = [x0 > 1] on x0 ∈ [0, 4]: 1 on three quarters of the box; x1 ∈ [0, 10] is never split on.
  const f = fanovaTree(tree([[0, 1], 0, 1]), [[0, 4], [0, 10]]);
  t.ok(close(f.variance, 0.75 * 0.25), 'Bernoulli(¾)');
  t.ok(close(f.marginalVariance([0]), 0.1875));
  t.equal(f.marginalVariance([1]), 0, 'an unused feature explains nothing');
});

t.test('a pure interaction: f = x0 XOR x1 explains nothing alone', async (t) => {
  const f = fanovaTree(tree([[0, 0.5], [1, 0.5], 0, 1, [1, 0.5], 1, 0]), [[0, 1], [0, 1]]);
  t.ok(close(f.variance, 0.25));
  t.ok(close(f.marginalVariance([0]), 0) && close(f.marginalVariance([1]), 0));
  t.ok(close(f.marginalVariance([0, 1]), 0.25), 'together they explain all');
});

t.test('the marginal integrates the other features out, split thresholds on them included', async (t) => {
  // x0 < 0.5: f = x1 < 0.25 ? 0 : 4 (mean 3); x0 ≥ 0.5: f = 1. Marginal of x0: 3 or 1, each on half.
  const f = fanovaTree(tree([[0, 0.5], [1, 0.25], 0, 4, 1]), [[0, 1], [0, 1]]);
  t.ok(close(f.marginalVariance([0]), 1), 'marginal of x0: (3, 1) on halves → variance 1');
  // Marginal of x1: x1 < 0.25 → (0 + 1)/2; else (4 + 1)/2 → 0.5 w.p. ¼, 2.5 w.p. ¾ → variance 4·3/16.
  t.ok(close(f.marginalVariance([1]), 0.75));
  const mean = 0.5 * 3 + 0.5 * 1;
  const second = 0.5 * (0.25 * 0 + 0.75 * 16) + 0.5 * 1;
  t.ok(close(f.variance, second - mean ** 2));
});

t.test('a fitted tree on an additive function: the shares match the analytic ones', async (t) => {
  const r = createRandom(7);
  const x = Array.from({ length: 400 }, () => Float64Array.from([r.float(), r.float()]));
  const y = Float64Array.from(x, (p) => 3 * p[0]! + p[1]!);
  const f = fanovaTree(fitTree(x, y, new Float64Array(400).fill(1), 64, createRandom(0)), [[0, 1], [0, 1]]);
  // Var(3·U) = 9/12, Var(U) = 1/12: shares 0.9 and 0.1.
  const s0 = f.marginalVariance([0]) / f.variance;
  const s1 = f.marginalVariance([1]) / f.variance;
  t.ok(Math.abs(s0 - 0.9) < 0.03 && Math.abs(s1 - 0.1) < 0.03, `shares ${s0.toFixed(3)}, ${s1.toFixed(3)}`);
});
