import t from 'tap';
import { createRandom, permutation } from '../../../lib/random.js';
import { signedRankTest } from '../../../lib/search/math/wilcoxon.js';
import { wilcoxonPruner } from '../../../lib/search/pruners/wilcoxon-pruner.js';
import type { FrozenTrial } from '../../../lib/search/types.js';
import { prunerContract, record } from './pruner-contract.js';

// Steps are instance ids: the contract's curves are 64 instances, the best trial's the lowest.
prunerContract(t, () => wilcoxonPruner());

/** A trial that reported `values[id]` for each id of `ids` (an objective's instances, in its order). */
const onInstances = (number: number, state: FrozenTrial['state'], values: readonly number[], ids: readonly number[] = values.map((_, i) => i)): FrozenTrial => {
  const intermediate = ids.map((id) => [id, values[id]!] as const).sort((a, b) => a[0] - b[0]);
  const mean = intermediate.reduce((s, [, v]) => s + v, 0) / intermediate.length;
  return { number, state, params: {}, intermediate, ...(state === 'completed' ? { value: mean } : {}) };
};

t.test('wilcoxon: pairs instances by id with the best trial and prunes at p < pThreshold', async (t) => {
  const base = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 1.0];
  const best = onInstances(0, 'completed', base);
  const worse = onInstances(1, 'completed', base.map((v) => v + 5));
  const p = wilcoxonPruner({ pThreshold: 0.1 });
  // The running trial is a bit worse on every instance, its instances in a shuffled order.
  const mine = base.map((v, i) => v + 0.01 * (i + 1));
  const order = Array.from(permutation(10, createRandom(3)));
  const answers = order.map((_, k) => p.shouldPrune(onInstances(2, 'running', mine, order.slice(0, k + 1)), [best, worse], 'minimize'));
  // All differences positive, no ties: p = 2^−k (exact), below 0.1 from k = 4 instances on.
  t.same(answers, [false, false, false, true, true, true, true, true, true, true]);
  const withK = (k: number) => signedRankTest(order.slice(0, k).map((id) => mine[id]! - base[id]!), 'greater');
  t.equal(withK(3).pValue, 1 / 8);
  t.equal(withK(4).pValue, 1 / 16);
  t.equal(wilcoxonPruner({ pThreshold: 0.05 }).shouldPrune(onInstances(2, 'running', mine, order.slice(0, 4)), [best], 'minimize'), false, 'p = 1/16 is not below 0.05');
  t.equal(wilcoxonPruner({ pThreshold: 0.05 }).shouldPrune(onInstances(2, 'running', mine, order.slice(0, 5)), [best], 'minimize'), true, 'p = 1/32 is');
});

t.test('wilcoxon: maximize, and a mixed trial that is better on average is kept', async (t) => {
  const base = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 1.0];
  const best = onInstances(0, 'completed', base);
  const p = wilcoxonPruner();
  t.equal(p.shouldPrune(onInstances(1, 'running', base.map((v) => v - 0.05)), [best], 'maximize'), true, 'lower everywhere: worse when maximizing');
  t.equal(p.shouldPrune(onInstances(1, 'running', base.map((v) => v + 0.05)), [best], 'maximize'), false);
  // Worse on 9 instances by a little, far better on one: the signed-rank test says worse (p ≈ 0.01),
  // but its mean beats the best trial's, so Optuna's safety keeps it.
  const skewed = base.map((v, i) => (i === 1 ? v - 2 : v + 0.01));
  t.ok(signedRankTest(skewed.map((v, i) => v - base[i]!), 'greater').pValue < 0.1);
  t.equal(p.shouldPrune(onInstances(1, 'running', skewed), [best], 'minimize'), false, 'better mean: kept');
});

t.test('wilcoxon: ties and zeros (0/1 losses) use the normal approximation', async (t) => {
  const random = createRandom(5);
  const n = 200;
  const best = onInstances(0, 'completed', Array.from({ length: n }, () => (random.float() < 0.2 ? 1 : 0)));
  const bestValues = best.intermediate.map(([, v]) => v);
  // Errs where the best trial erred, and on 15% more.
  const worse = bestValues.map((v) => (v === 1 || random.float() < 0.15 ? 1 : 0));
  const diffs = worse.map((v, i) => v - bestValues[i]!);
  const test = signedRankTest(diffs, 'greater');
  t.equal(test.method, 'normal');
  t.ok(test.pValue < 0.01, `p ${test.pValue}`);
  t.equal(wilcoxonPruner().shouldPrune(onInstances(1, 'running', worse), [best], 'minimize'), true);
  t.equal(wilcoxonPruner().shouldPrune(onInstances(1, 'running', bestValues), [best], 'minimize'), false, 'the same errors: all differences zero');
});

t.test('wilcoxon: when it does not judge', async (t) => {
  const best = onInstances(0, 'completed', [1, 2, 3, 4, 5, 6]);
  const bad = [11, 12, 13, 14, 15, 16];
  const p = wilcoxonPruner();
  t.equal(p.shouldPrune(onInstances(1, 'running', bad), [onInstances(0, 'pruned', [1, 2, 3, 4, 5, 6])], 'minimize'), false, 'no completed trial');
  t.equal(p.shouldPrune(onInstances(1, 'running', bad), [{ ...best, intermediate: [] }], 'minimize'), false, 'the best trial reported no instance');
  t.equal(p.shouldPrune(onInstances(1, 'running', [11, 12, 13, 14, Infinity, 16]), [best], 'minimize'), false, 'a non-finite value of the trial');
  t.equal(p.shouldPrune(onInstances(1, 'running', bad), [onInstances(0, 'completed', [1, 2, NaN, 4, 5, 6])], 'minimize'), false, 'a non-finite value of the best trial');
  t.equal(p.shouldPrune(onInstances(1, 'running', [0, 0, 0, 0, 0, 0, 9, 9, 9], [6, 7, 8]), [best], 'minimize'), false, 'no instance in common');
  t.equal(wilcoxonPruner({ nStartupSteps: 8 }).shouldPrune(onInstances(1, 'running', bad), [best], 'minimize'), false, 'fewer shared instances than nStartupSteps');
  t.equal(wilcoxonPruner({ nStartupSteps: 0 }).shouldPrune(onInstances(1, 'running', bad, [0]), [best], 'minimize'), false, 'never fewer than 2');
  t.equal(wilcoxonPruner({ pThreshold: 0 }).shouldPrune(onInstances(1, 'running', bad), [best], 'minimize'), false, 'pThreshold 0 never prunes');
  const better = onInstances(2, 'completed', [0, 0, 0, 0, 0, 0]);
  const flat = onInstances(1, 'running', [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  t.equal(p.shouldPrune(flat, [best, better], 'minimize'), true, 'judged against the best trial (2), not trial 0, which it beats');
  t.equal(p.shouldPrune(flat, [best], 'minimize'), false);
});

t.test('wilcoxon: config errors name the field', async (t) => {
  t.throws(() => wilcoxonPruner({ pThreshold: 1.5 }), { code: 'INVALID_CONFIG', details: { field: 'pThreshold' }, message: /wilcoxonPruner\(\): option 'pThreshold' must be in \[0, 1\]/ });
  t.throws(() => wilcoxonPruner({ nStartupSteps: -1 }), { code: 'INVALID_CONFIG', details: { field: 'nStartupSteps' } });
  t.throws(() => wilcoxonPruner({ pThresold: 0.1 } as never), { code: 'INVALID_CONFIG', details: { field: 'pThresold' } });
});
