/**
 * A trial handed to a function of plain data, the form of a trial that can run elsewhere: in a worker
 * thread (`workerObjective`) or in this process of a worker (`rxtrain worker --concurrency 1`). The one
 * place where such a trial's events are reported to its study and pruned there (`prune(trial)`), so
 * that a trial prunes alike wherever its function runs.
 */
import { isObservable } from 'rxjs';
import type { Params } from '../search/types.js';
import { trialPruning, type Objective, type ObjectiveResult } from '../study/index.js';

/** What a trial function receives for a trial. */
export interface WorkerTrialInput<P extends Params = Params> {
  readonly params: P;
  readonly number: number;
  /** The trial's seed (for weight initialisation and shuffling). */
  readonly seed: number;
  readonly study: string;
}

/**
 * An objective that calls `run` with each trial's {@link WorkerTrialInput}. A stream it returns is
 * reported to the study epoch by epoch and completed when the pruner says so (unless `prune` is false);
 * a value or a Promise is the trial's result as it is.
 */
export function trialFunction<P extends Params>(run: (input: WorkerTrialInput<P>) => ObjectiveResult, prune = true): Objective<P> {
  return (trial) => {
    const result = run({ params: trial.params, number: trial.number, seed: trial.seed, study: trial.study });
    return prune && isObservable(result) ? result.pipe(trialPruning(trial)) : result;
  };
}
