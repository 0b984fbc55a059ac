import t from 'tap';
import { medianPruner } from '../../../lib/search/pruners/median-pruner.js';
import { patientPruner } from '../../../lib/search/pruners/patient-pruner.js';
import type { Direction, Pruner } from '../../../lib/search/types.js';
import { STEPS, curve, prunerContract, record } from './pruner-contract.js';

// A trial that keeps improving is never judged, so the contract's worst trial improves for 10 steps,
// then gets worse.
const stalling = curve(100).map((v, i) => (i < 10 ? v : 101 + (i - 10) * 0.1));
prunerContract(t, () => patientPruner({ pruner: medianPruner(), patience: 3 }), { worst: stalling });

/** The answers at each report of `values`, as prune(trial) would ask. */
const answers = (p: Pruner, values: number[], direction: Direction): number[] =>
  values.map((_, k) => {
    const me = record(0, 'running', values.slice(0, k + 1));
    return p.shouldPrune(me, [me], direction) ? 1 : 0;
  });

// Expected sequences are Optuna 3.1's PatientPruner(None, patience, min_delta) on the same values
// (optuna.trial.create_trial with these intermediate values, prune() after each report).
t.test('patient, no wrapped pruner: the same answers as Optuna at every report', async (t) => {
  t.same(answers(patientPruner({ patience: 2 }), [5, 4, 3, 3, 3, 3, 3.1, 2], 'minimize'), [0, 0, 0, 0, 0, 0, 0, 0], 'a flat stretch equal to the best has not stalled');
  t.same(answers(patientPruner({ patience: 2, minDelta: 0.1 }), [5, 4, 3, 3.05, 3.2, 3.3, 3.4], 'minimize'), [0, 0, 0, 0, 0, 0, 1], 'worse by more than minDelta');
  t.same(answers(patientPruner({ patience: 1 }), [1, 2, 3, 2.9, 2.95, 3.5], 'maximize'), [0, 0, 0, 0, 1, 0], 'maximize');
  t.same(answers(patientPruner({ patience: 1 }), [1, NaN, 2, NaN, NaN, 1.5, 1.4], 'minimize'), [0, 0, 1, 1, 0, 1, 1], 'NaN ignored; a stretch of only NaN decides nothing');
  t.same(answers(patientPruner({ patience: 0 }), [1, 2], 'minimize'), [0, 1], 'patience 0: the last report against all before it');
});

t.test('patient: the wrapped pruner decides, and is asked only about stalled trials', async (t) => {
  const asked: number[] = [];
  const spy: Pruner = { name: 'spy', shouldPrune: (trial) => (asked.push(trial.intermediate.length), trial.intermediate.length >= 6) };
  const p = patientPruner({ pruner: spy, patience: 1 });
  t.equal(p.name, 'patient(spy)');
  t.same(answers(p, [5, 4, 4.5, 4.6, 3, 3.5, 3.6], 'minimize'), [0, 0, 0, 0, 0, 0, 1]);
  t.same(asked, [4, 7], 'asked at the 4th report (4.5, 4.6 > 4) and the 7th (3.5, 3.6 > 3), not at the 6th (3 < 4)');
  const h = [record(0, 'completed', [1, 1, 1, 1, 1, 1, 1]), record(1, 'completed', [1, 1, 1, 1, 1, 1, 1])];
  const median = patientPruner({ pruner: medianPruner({ nStartupTrials: 0 }), patience: 1 });
  const me = (values: number[]) => record(2, 'running', values);
  t.equal(median.shouldPrune(me([9, 8, 7]), h, 'minimize'), false, 'worse than the median, but improving');
  t.equal(median.shouldPrune(me([9, 8, 8.5, 8.6]), h, 'minimize'), true, 'worse than the median and stalled');
  t.equal(median.shouldPrune(me([0.5, 0.4, 0.45, 0.46]), h, 'minimize'), false, 'stalled, but better than the median');
});

t.test('patient: a full study history stays out of the stall test', async (t) => {
  const p = patientPruner({ patience: 2 });
  const others = Array.from({ length: 5 }, (_, i) => record(i + 1, 'completed', curve(0, STEPS)));
  const me = record(0, 'running', [3, 2, 2.5, 2.6, 2.7]);
  t.equal(p.shouldPrune(me, [me, ...others], 'minimize'), true);
  t.equal(p.shouldPrune(me, [me], 'minimize'), true);
});

t.test('patient: config errors name the field', async (t) => {
  t.throws(() => patientPruner({} as never), { code: 'INVALID_CONFIG', details: { field: 'patience' }, message: /patientPruner\(\): option 'patience' is required/ });
  t.throws(() => patientPruner({ patience: -1 }), { code: 'INVALID_CONFIG', details: { field: 'patience' } });
  t.throws(() => patientPruner({ patience: 1.5 }), { code: 'INVALID_CONFIG', details: { field: 'patience' } });
  t.throws(() => patientPruner({ patience: 1, minDelta: -0.1 }), { code: 'INVALID_CONFIG', details: { field: 'minDelta' }, message: /must be a finite number ≥ 0/ });
  t.throws(() => patientPruner({ patience: 1, pruner: {} as never }), { code: 'INVALID_CONFIG', details: { field: 'pruner' }, message: /must be a Pruner/ });
  t.throws(() => patientPruner({ patience: 1, wrapped: medianPruner() } as never), { code: 'INVALID_CONFIG', details: { field: 'wrapped' } });
});
