import t from 'tap';
import { thresholdPruner } from '../../../lib/search/pruners/threshold-pruner.js';
import { prunerContract, record } from './pruner-contract.js';

// The contract's trials run from about ±11 (step 0) down to ±1.16; the worst one from ±110 to ±100.
prunerContract(t, () => thresholdPruner({ lower: -50, upper: 50 }), { absolute: true });

const me = (curve: number[]) => record(0, 'running', curve);

t.test('threshold: prunes outside [lower, upper], on the latest value only', async (t) => {
  const p = thresholdPruner({ lower: 0, upper: 1 });
  t.equal(p.shouldPrune(me([0.5]), [], 'minimize'), false);
  t.equal(p.shouldPrune(me([1.01]), [], 'minimize'), true, 'above upper');
  t.equal(p.shouldPrune(me([-0.01]), [], 'maximize'), true, 'below lower, whatever the direction');
  t.equal(p.shouldPrune(me([0]), [], 'minimize'), false, 'a bound itself is inside');
  t.equal(p.shouldPrune(me([1]), [], 'minimize'), false);
  t.equal(p.shouldPrune(me([5, 0.5]), [], 'minimize'), false, 'an earlier excursion does not count');
  t.equal(p.shouldPrune(me([0.5, Number.NaN]), [], 'minimize'), true, 'NaN prunes');
  t.equal(p.shouldPrune(me([]), [], 'minimize'), false, 'nothing reported');
  t.equal(thresholdPruner({ upper: 1 }).shouldPrune(me([-1e300]), [], 'minimize'), false, 'no lower bound');
  t.equal(thresholdPruner({ lower: 1 }).shouldPrune(me([1e300]), [], 'minimize'), false, 'no upper bound');
  t.equal(thresholdPruner({ lower: 1 }).shouldPrune(me([Number.NaN]), [], 'minimize'), true, 'NaN prunes with one bound too');
  t.equal(thresholdPruner({ upper: 1 }).shouldPrune(me([Infinity]), [], 'minimize'), true, '+Infinity is above any finite upper');
});

t.test('threshold: warm-up and interval (as Optuna: each interval judged at its first report)', async (t) => {
  const bad = (steps: number) => me(Array(steps).fill(9));
  const warm = thresholdPruner({ upper: 1, nWarmupSteps: 2 });
  t.same([1, 2, 3].map((k) => warm.shouldPrune(bad(k), [], 'minimize')), [false, false, true], 'steps 0 and 1 are warm-up');
  const every3 = thresholdPruner({ upper: 1, nWarmupSteps: 1, intervalSteps: 3 });
  t.same([1, 2, 3, 4, 5, 6, 7, 8].map((k) => every3.shouldPrune(bad(k), [], 'minimize')), [false, true, false, false, true, false, false, true], 'judged at steps 1, 4, 7');
  const sparse = { ...record(0, 'running', []), intermediate: [[1, 0.5], [6, 9]] as const };
  t.equal(every3.shouldPrune(sparse, [], 'minimize'), true, 'a report skipping steps is judged in its new interval');
});

t.test('threshold: config errors name the field', async (t) => {
  t.throws(() => thresholdPruner({}), { code: 'INVALID_CONFIG', details: { field: 'lower' }, message: /thresholdPruner\(\): option 'lower' or 'upper' is required/ });
  t.throws(() => thresholdPruner({ lower: 2, upper: 1 }), { code: 'INVALID_CONFIG', message: /option 'lower' must be ≤ upper \(1\) \(got 2\)/ });
  t.throws(() => thresholdPruner({ upper: Number.NaN }), { code: 'INVALID_CONFIG', details: { field: 'upper' } });
  t.throws(() => thresholdPruner({ upper: '1' as never }), { code: 'INVALID_CONFIG', details: { field: 'upper' } });
  t.throws(() => thresholdPruner({ upper: 1, nWarmupSteps: -1 }), { code: 'INVALID_CONFIG', details: { field: 'nWarmupSteps' } });
  t.throws(() => thresholdPruner({ upper: 1, intervalSteps: 0 }), { code: 'INVALID_CONFIG', details: { field: 'intervalSteps' } });
  t.throws(() => thresholdPruner({ upper: 1, uper: 2 } as never), { code: 'INVALID_CONFIG', details: { field: 'uper' } });
  t.throws(() => thresholdPruner(undefined as never), { code: 'INVALID_CONFIG', details: { field: 'config' } });
});
