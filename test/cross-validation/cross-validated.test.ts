/**
 * crossValidated (issue 20): a study objective whose trial value is the mean over the folds, whose
 * intermediate values are the running means (one per fold), and which a pruner can stop between folds.
 */
import t from 'tap';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { crossValidated } from '../../lib/cross-validation/cross-validated.js';
import { iris } from '../../lib/data/bundled.js';
import { applyNormalizer, fitNormalizer } from '../../lib/data/normalize.js';
import { mlp } from '../../lib/models/mlp.js';
import { randomSampler } from '../../lib/search/index.js';
import { space, logUniform } from '../../lib/search/index.js';
import type { FrozenTrial, Pruner } from '../../lib/search/types.js';
import { study } from '../../lib/study/study.js';
import { train } from '../../lib/train.js';
import { finalize } from 'rxjs';
import { stepSampler, xSpace } from '../study/helpers.js';

const data = iris();

t.test('a study of iris MLPs, each trial scored by 3-fold cross-validation', async (t) => {
  await useBackend('cpu', { env: {} });
  const s = study({ name: 'cv', direction: 'maximize', metric: 'val_accuracy', space: space({ lr: logUniform(1e-3, 1e-1) }), sampler: randomSampler({ seed: 2 }) });
  const foldsRun: number[][] = [];
  const events = await lastValueFrom(s.optimize(crossValidated(data, { folds: 3, seed: 1 }, (trial, trainSet, validation, fold) => {
    (foldsRun[trial.number] ??= []).push(fold);
    const stats = fitNormalizer(trainSet, 'standard');
    const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: trial.seed });
    return train(model, applyNormalizer(trainSet, stats), { epochs: 10, optimizer: { name: 'adam', lr: trial.params.lr }, validation: applyNormalizer(validation, stats) }).pipe(finalize(() => model.dispose()));
  }), { trials: 3 }).pipe(toArray()));
  t.same(foldsRun, [[1, 2, 3], [1, 2, 3], [1, 2, 3]], 'every fold of every trial');
  const trials = s.trials();
  t.ok(trials.every((tr) => tr.state === 'completed'), 'three completed trials');
  for (const tr of trials) {
    const cv = tr.attrs?.crossValidation as { folds: number; mean: Record<string, number>; std: Record<string, number> };
    t.equal(cv.folds, 3);
    t.equal(tr.value, cv.mean.val_accuracy, `trial ${tr.number}: value ${tr.value} = the mean val_accuracy over the folds`);
    t.ok(cv.std.val_accuracy! >= 0 && Number.isFinite(cv.std.val_loss), 'standard deviations in the attributes');
    t.same(tr.intermediate.map(([step]) => step), [1, 2, 3], 'an intermediate value per fold');
    t.equal(tr.intermediate[2]![1], tr.value, 'the last running mean is the value');
  }
  const perFold = events.filter((e) => e.type === 'epochEnd' && e.trial === 0).map((e) => (e as { value: number }).value);
  t.equal(perFold.length, 3, 'the study forwards one epochEnd per fold');
  t.equal(s.best()?.value, Math.max(...trials.map((tr) => tr.value!)));
});

t.test('the running mean is reported after each fold, and a pruner stops a trial between folds', async (t) => {
  // Fold f of the trial with parameter x scores x + f: running means x + 1, x + 1.5, x + 2, x + 2.5.
  const calls: Array<[number, number]> = [];
  const belowZeroAtFold2: Pruner = {
    name: 'below-zero-at-2',
    shouldPrune: (trial: FrozenTrial) => trial.intermediate.length === 2 && trial.intermediate[1]![1] < 0,
  };
  const s = study({ name: 'p', direction: 'maximize', metric: 'score', space: xSpace, sampler: stepSampler(), pruner: belowZeroAtFold2 });
  await lastValueFrom(s.optimize(crossValidated(data, { folds: 4 }, (trial, _train, _validation, fold) => {
    calls.push([trial.number, fold]);
    return { score: (trial.params.x as number) + fold };
  }), { trials: 2 }).pipe(toArray()));
  // stepSampler: trial 0 has x = -5, trial 1 x = -4
  const [first, second] = s.trials();
  t.same(first!.intermediate, [[1, -4], [2, -3.5]], 'trial 0: running means after folds 1 and 2');
  t.equal(first!.state, 'pruned', 'pruned on its running mean');
  t.same(calls.filter(([n]) => n === 0).map(([, f]) => f), [1, 2], 'folds 3 and 4 of a pruned trial are not trained');
  t.same(second!.intermediate.map(([, v]) => v), [-3, -2.5].concat([]), 'trial 1 too (pruned at fold 2)');
  t.equal(second!.state, 'pruned');
});

t.test('a study whose trials all survive: the value is the mean over all folds', async (t) => {
  const s = study({ name: 'q', direction: 'maximize', metric: 'score', space: xSpace, sampler: stepSampler() });
  await lastValueFrom(s.optimize(crossValidated(data, { folds: 4 }, (trial, _train, _validation, fold) => ({ score: (trial.params.x as number) + fold, other: fold })), { trials: 1 }));
  const [tr] = s.trials();
  t.same(tr!.intermediate, [[1, -4], [2, -3.5], [3, -3], [4, -2.5]]);
  t.equal(tr!.value, -2.5);
  t.same(tr!.attrs?.crossValidation, { folds: 4, mean: { score: -2.5, other: 2.5 }, std: { score: Math.sqrt(1.25), other: Math.sqrt(1.25) } });
});

t.test('bad arguments fail when crossValidated() is called', async (t) => {
  t.throws(() => crossValidated(data, { folds: 1 }, () => ({})), { code: 'INVALID_CONFIG', message: /^crossValidate\(\): option 'folds' must be at least 2/ });
  t.throws(() => crossValidated(data, { folds: 3 }, undefined as never), { code: 'INVALID_CONFIG', message: /^crossValidated\(\): buildAndTrain must be a function/ });
});
