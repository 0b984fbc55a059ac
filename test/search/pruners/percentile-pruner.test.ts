import t from 'tap';
import { percentilePruner } from '../../../lib/search/pruners/percentile-pruner.js';
import { percentile } from '../../../lib/search/pruners/common.js';
import { prunerContract, record } from './pruner-contract.js';

prunerContract(t, () => percentilePruner({ percentile: 25 }));

t.test('percentile: linear interpolation, as NumPy', async (t) => {
  t.equal(percentile([5, 1, 3, 2, 4], 25), 2);
  t.equal(percentile([1, 2, 3, 4], 50), 2.5);
  t.equal(percentile([1, 2, 3, 4], 10), 1.3);
  t.equal(percentile([7], 90), 7);
  t.ok(Number.isNaN(percentile([], 50)));
  t.equal(percentile([NaN, 1, 3], 50), 2, 'non-finite values are ignored');
});

t.test('percentile: keeps the best quarter (minimize) or mirrors it (maximize)', async (t) => {
  const h = [1, 2, 3, 4, 5].map((v, i) => record(i, 'completed', [v]));
  const p = percentilePruner({ percentile: 25, nStartupTrials: 0 });
  const me = (v: number) => record(5, 'running', [v]);
  t.equal(p.shouldPrune(me(2), h, 'minimize'), false, '25th percentile is 2');
  t.equal(p.shouldPrune(me(2.5), h, 'minimize'), true);
  t.equal(p.shouldPrune(me(4), h, 'maximize'), false, 'maximize: the 75th percentile, 4');
  t.equal(p.shouldPrune(me(3.5), h, 'maximize'), true);
  t.equal(percentilePruner({ percentile: 100, nStartupTrials: 0 }).shouldPrune(me(5), h, 'minimize'), false, 'percentile 100 prunes only the worst');
  t.equal(percentilePruner({ percentile: 0, nStartupTrials: 0 }).shouldPrune(me(1.01), h, 'minimize'), true, 'percentile 0 keeps only a new best');
});

t.test('percentile: config errors name the field', async (t) => {
  t.throws(() => percentilePruner({} as never), /percentilePruner\(\): option 'percentile' is required/);
  t.throws(() => percentilePruner({ percentile: 101 }), /option 'percentile' must be in \[0, 100\]/);
  t.throws(() => percentilePruner({ percentile: 50, nStartupTrials: 1.5 }), /option 'nStartupTrials'/);
  t.throws(() => percentilePruner(null as never), /option 'config' must be an object/);
});
