import t from 'tap';
import { medianPruner } from '../../../lib/search/pruners/median-pruner.js';
import { prunerContract, record } from './pruner-contract.js';

prunerContract(t, () => medianPruner());

const done = (n: number, curve: number[]) => record(n, 'completed', curve);

t.test('median: worse than the median of completed trials at the same step', async (t) => {
  const p = medianPruner({ nStartupTrials: 1 });
  const h = [done(0, [5, 4]), done(1, [3, 2]), done(2, [1, 0])];
  const me = (curve: number[]) => record(3, 'running', curve);
  t.equal(p.shouldPrune(me([3.1]), h, 'minimize'), true, 'median at step 0 is 3');
  t.equal(p.shouldPrune(me([3]), h, 'minimize'), false, 'equal to the median is kept');
  t.equal(p.shouldPrune(me([2.9]), h, 'maximize'), true, 'maximize: below the median');
  t.equal(p.shouldPrune(me([3, 2.5]), h, 'minimize'), true, 'median at step 1 is 2');
  t.equal(p.shouldPrune(me([1.5, 2.5]), h, 'minimize'), false, 'judged by its best value so far (Optuna)');
  t.equal(p.shouldPrune(me([9, 9, 9]), h, 'minimize'), false, 'a step no completed trial reached is not judged');
  t.equal(p.shouldPrune(me([9]), [...h, record(4, 'pruned', [0]), record(5, 'running', [0])], 'minimize'), true, 'only completed trials count');
});

t.test('median: startup trials, warm-up, interval and minimum trials', async (t) => {
  const h = [record(0, 'completed', [1, 1, 1, 1, 1, 1]), record(1, 'completed', [1, 1, 1, 1, 1, 1])];
  const bad = (steps: number) => record(2, 'running', Array(steps).fill(9));
  t.equal(medianPruner({ nStartupTrials: 3 }).shouldPrune(bad(1), h, 'minimize'), false, 'fewer completed trials than nStartupTrials');
  t.equal(medianPruner({ nStartupTrials: 2 }).shouldPrune(bad(1), h, 'minimize'), true);
  const warm = medianPruner({ nStartupTrials: 0, nWarmupSteps: 2 });
  t.same([1, 2, 3].map((k) => warm.shouldPrune(bad(k), h, 'minimize')), [false, false, true], 'steps 0 and 1 are warm-up');
  const every3 = medianPruner({ nStartupTrials: 0, nWarmupSteps: 1, intervalSteps: 3 });
  t.same([1, 2, 3, 4, 5, 6].map((k) => every3.shouldPrune(bad(k), h, 'minimize')), [false, true, false, false, true, false], 'judged at steps 1 and 4');
  const sparse = record(2, 'running', [9]);
  const sparseLater = { ...sparse, intermediate: [[0, 9], [5, 9]] as const };
  t.equal(every3.shouldPrune(sparseLater, h, 'minimize'), true, 'a report skipping steps is judged in its new interval');
  t.equal(medianPruner({ nStartupTrials: 0, nMinTrials: 3 }).shouldPrune(bad(1), h, 'minimize'), false, 'fewer than nMinTrials values at the step');
});

t.test('median: config errors name the field', async (t) => {
  t.throws(() => medianPruner({ nStartupTrials: -1 }), /medianPruner\(\): option 'nStartupTrials'/);
  t.throws(() => medianPruner({ nWarmupSteps: 0.5 }), /option 'nWarmupSteps'/);
  t.throws(() => medianPruner({ intervalSteps: 0 }), /option 'intervalSteps'/);
  t.throws(() => medianPruner({ nMinTrials: 0 }), /option 'nMinTrials'/);
  t.throws(() => medianPruner({ percentile: 30 } as never), /option 'percentile' is not a known option/);
});
