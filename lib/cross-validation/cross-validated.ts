/**
 * `crossValidated()`: a study objective whose trial value is a cross-validated score, with the running
 * mean reported after each fold so that the study's pruner can stop a hopeless trial before its last
 * fold.
 */
import { filter, map, type Observable } from 'rxjs';
import { RxtrainError } from '../errors.js';
import type { ArrayDataset } from '../data/types.js';
import type { EvaluationSource } from '../evaluate.js';
import { trialPruning, type PrunedEvent, type Trial } from '../study/index.js';
import type { Params } from '../search/types.js';
import { crossValidate, meanAndStd, type FoldMetrics, type FoldOutcome } from './cross-validate.js';
import type { KFoldConfig } from './k-folds.js';

/** Trains one fold of a trial: `trainSet` and `validationSet` as `crossValidate` gives them, `fold` from 1. */
export type TrialFoldTraining<P extends Params> = (trial: Trial<P>, trainSet: ArrayDataset, validationSet: ArrayDataset, fold: number) => FoldOutcome;

/** After fold `epoch`: the mean over the folds so far of each metric. */
export interface FoldMeanEvent {
  readonly type: 'epochEnd';
  /** The number of folds done. */
  readonly epoch: number;
  readonly metrics: FoldMetrics;
}

/**
 * A study objective that cross-validates each trial: `study.optimize(crossValidated(data, { folds: 5 },
 * (trial, trainSet, validationSet, fold) => train(...)))`.
 *
 * Intuition: each fold is an "epoch" of the trial. After fold i the trial reports the mean of the
 * study's metric over folds 1..i (an `epochEnd` event with those means, at step i), so pruners compare
 * trials fold by fold and stop one whose running mean is hopeless (the trial is then `pruned`, and the
 * folds left are not trained). The trial's value is the mean over all the folds. The folds are the same
 * for every trial (one seed), so trials are compared on equal terms. When the last fold is done, the
 * trial's attributes get `crossValidation: { folds, mean, std }`.
 *
 * @example
 * ```ts
 * import { crossValidated, study, space, logUniform, randomSampler, medianPruner, iris, mlp, train } from 'rxtrain';
 * const s = study({ name: 'cv', direction: 'maximize', metric: 'val_accuracy', space: space({ lr: logUniform(1e-3, 1e-1) }), sampler: randomSampler({ seed: 1 }), pruner: medianPruner() });
 * s.optimize(crossValidated(iris(), { folds: 5, seed: 1 }, (trial, trainSet, validation) =>
 *   train(mlp({ inputShape: [4], units: [8], classes: 3, seed: trial.seed }), trainSet, { epochs: 20, optimizer: { name: 'adam', lr: trial.params.lr }, validation })), { trials: 10 });
 * ```
 * @param data An in-memory data set (or `{xs, ys}`).
 * @param config `folds`, `stratified`, `seed`, as `crossValidate`.
 * @param buildAndTrain Trains one fold of a trial (a fresh model each time).
 * @returns An objective for `study.optimize()` (the study needs a `metric`).
 */
export function crossValidated<P extends Params = Params>(data: EvaluationSource, config: KFoldConfig, buildAndTrain: TrialFoldTraining<P>): (trial: Trial<P>) => Observable<FoldMeanEvent | PrunedEvent> {
  // Validate now, not at the first trial.
  if (typeof buildAndTrain !== 'function') throw new RxtrainError('INVALID_CONFIG', 'crossValidated(): buildAndTrain must be a function (trial, trainSet, validationSet, fold) => a training stream or metrics', { field: 'buildAndTrain' });
  crossValidate(data, config, () => ({}));
  return (trial) => {
    const done: FoldMetrics[] = [];
    return crossValidate(data, config, (trainSet, validationSet, fold) => buildAndTrain(trial, trainSet, validationSet, fold)).pipe(
      map((e): FoldMeanEvent | undefined => {
        if (e.type === 'summary') {
          trial.setAttrs({ crossValidation: { folds: e.folds, mean: e.mean, std: e.std } });
          return undefined;
        }
        done.push(e.metrics);
        return { type: 'epochEnd', epoch: e.fold, metrics: meanAndStd(done).mean };
      }),
      filter((e): e is FoldMeanEvent => e !== undefined),
      trialPruning<FoldMeanEvent>(trial),
    );
  };
}
