/**
 * Trials in worker threads: an objective that runs each trial's training in the pool and keeps the
 * pruning decision in the study's thread (reporting and pruning are `prune(trial)` on the stream the
 * worker sends back; completing it cancels the worker's training).
 */
import type { Params } from '../search/types.js';
import type { Objective } from '../study/index.js';
import { configError } from '../errors.js';
import { booleanField, knownFields, nonEmptyString, requireObject } from '../validate.js';
import type { WorkerPool } from '../parallel/worker-pool.js';
import { trialFunction } from './trial-function.js';

export interface WorkerObjectiveConfig {
  /** Path or file URL of the module whose export trains one trial and returns its event Observable. */
  readonly module: string;
  /** The export to call. Default `'default'`. */
  readonly export?: string;
  /** Report each epoch to the study and stop the trial when its pruner says so. Default true. */
  readonly prune?: boolean;
}

/**
 * An objective that trains each trial in a worker thread of `pool`.
 *
 * The module's export is called in the worker with a {@link WorkerTrialInput} and must return the
 * trial's training stream (e.g. `train(...)`): an Observable of plain-data events, of which the study
 * reads the `epochEnd`s.
 *
 * @example
 * ```ts
 * import { study, space, logUniform, tpeSampler, successiveHalvingPruner, workerPool, workerObjective } from 'rxtrain';
 * const pool = workerPool({ size: 2 });
 * const s = study({ name: 'mlp', direction: 'maximize', metric: 'val_accuracy', space: space({ lr: logUniform(1e-4, 1e-1) }),
 *   sampler: tpeSampler({ seed: 1 }), pruner: successiveHalvingPruner() });
 * s.optimize(workerObjective(pool, { module: new URL('./train-trial.js', import.meta.url).href }), { trials: 40, concurrency: 2 })
 *   .subscribe({ complete: () => pool.close() });
 * ```
 */
export function workerObjective<P extends Params = Params>(pool: WorkerPool, config: WorkerObjectiveConfig): Objective<P> {
  const where = 'workerObjective()';
  if (typeof pool?.run !== 'function') throw configError(where, 'pool', 'must be a workerPool()', pool);
  const c = requireObject(where, config);
  knownFields(where, c, ['module', 'export', 'prune']);
  const module = nonEmptyString(where, 'module', c.module);
  const exportName = c.export === undefined ? 'default' : nonEmptyString(where, 'export', c.export);
  const pruning = c.prune === undefined ? true : booleanField(where, 'prune', c.prune);
  return trialFunction<P>((input) => pool.run<{ readonly type: string }>({ module, export: exportName, input }), pruning);
}
