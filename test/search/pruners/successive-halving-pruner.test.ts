import t from 'tap';
import { successiveHalvingPruner } from '../../../lib/search/pruners/successive-halving-pruner.js';
import { prunerContract, prunedAt, record } from './pruner-contract.js';

prunerContract(t, () => successiveHalvingPruner({ minResource: 1, reductionFactor: 3 }));

t.test('ASHA: rungs at minResource·η^(s+k), the best 1/η promoted', async (t) => {
  // η = 2, rungs at steps 1, 2, 4, 8.
  const p = successiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
  const me = (curve: number[]) => record(9, 'running', curve);
  t.equal(p.shouldPrune(me([5]), [], 'minimize'), false, 'step 0 is before the first rung');
  t.equal(p.shouldPrune(me([5, 5]), [], 'minimize'), false, 'alone at rung 0: promoted');
  const h = [record(0, 'completed', [9, 3, 3, 3, 3]), record(1, 'pruned', [9, 4])];
  // competing at rung 0 (step 1): [3, 4, v]; 3 // 2 - 1 = 0: only the best goes on.
  t.equal(p.shouldPrune(me([0, 2.9]), h, 'minimize'), false);
  t.equal(p.shouldPrune(me([0, 3]), h, 'minimize'), false, 'a tie with the best goes on');
  t.equal(p.shouldPrune(me([0, 3.5]), h, 'minimize'), true);
  t.equal(p.shouldPrune(me([0, 3.5]), h, 'maximize'), true, 'maximize: 3.5 < 4');
  t.equal(p.shouldPrune(me([0, 4.5]), h, 'maximize'), false);
  const four = [...h, record(2, 'running', [9, 5, 5]), record(3, 'failed', [9, 6])];
  // competing at rung 0: [3, 4, 5, 6, v] → 5 // 2 - 1 = 1: the best two go on.
  t.equal(p.shouldPrune(me([0, 3.5]), four, 'minimize'), false, 'second best of five goes on');
  t.equal(p.shouldPrune(me([0, 4.5]), four, 'minimize'), true);
});

t.test('ASHA: a rung is judged once, at the first report that reaches it', async (t) => {
  const p = successiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
  const h = [record(0, 'completed', [0, 0, 0, 0, 0, 0, 0, 0, 0])];
  // Trial 1 reached rung 0 at step 1 (value 1 > 0, would be pruned there) — asked again at step 3,
  // it is past rung 0 and before rung 2 (step 4): nothing to judge.
  t.equal(p.shouldPrune(record(1, 'running', [0, 1]), h, 'minimize'), true);
  t.equal(p.shouldPrune(record(1, 'running', [0, 0, 1, 1]), h, 'minimize'), false, 'step 3: no rung');
  const skipping = { ...record(1, 'running', []), intermediate: [[0, 0], [5, 1]] as const };
  t.equal(p.shouldPrune(skipping, h, 'minimize'), true, 'a report jumping past several rungs is judged at each of them');
  t.equal(prunedAt(p, 1, [0, 0, 0, 0, 1, 1], h, 'minimize'), 4, 'pruned at rung 2 (step 4)');
});

t.test('ASHA: minEarlyStoppingRate moves the first rung', async (t) => {
  const p = successiveHalvingPruner({ minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1 });
  const h = [record(0, 'completed', Array(20).fill(0))];
  t.equal(prunedAt(p, 1, Array(20).fill(1), h, 'minimize'), 6, 'first rung at 2·3¹ = 6');
});

t.test("ASHA: minResource 'auto' waits for a completed trial", async (t) => {
  const p = successiveHalvingPruner({ reductionFactor: 2 });
  const running = [record(0, 'running', Array(300).fill(0))];
  t.equal(prunedAt(p, 1, Array(10).fill(1), running, 'minimize'), undefined, 'no completed trial: no pruning');
  const completed = [record(0, 'completed', Array(300).fill(0))];
  t.equal(prunedAt(p, 1, Array(10).fill(1), completed, 'minimize'), 2, 'minResource = ⌊299 / 100⌋ = 2');
});

t.test('ASHA: config errors name the field', async (t) => {
  t.throws(() => successiveHalvingPruner({ minResource: 0 }), /successiveHalvingPruner\(\): option 'minResource'/);
  t.throws(() => successiveHalvingPruner({ reductionFactor: 1 }), /option 'reductionFactor' must be an integer ≥ 2/);
  t.throws(() => successiveHalvingPruner({ minEarlyStoppingRate: -1 }), /option 'minEarlyStoppingRate'/);
  t.throws(() => successiveHalvingPruner({ bootstrapCount: 1 } as never), /option 'bootstrapCount' is not a known option/);
});
