import { configError } from '../../errors.js';
import { knownFields, nonNegativeInt, requireObject } from '../../validate.js';
import type { Direction, FrozenTrial, Pruner } from '../types.js';

export interface PatientPrunerConfig {
  /**
   * The pruner asked once the trial stopped improving. Without one, a trial that stopped improving is
   * pruned: early stopping on the trial's own values.
   */
  readonly pruner?: Pruner;
  /** Reports judged together: the last `patience + 1` against all those before them (an integer ≥ 0). */
  readonly patience: number;
  /**
   * How much worse than the earlier best the last `patience + 1` reports may be before the trial counts
   * as stalled (default 0, ≥ 0). As in Optuna, this is a tolerance for getting worse, not a least
   * improvement (optuna issue 3835).
   */
  readonly minDelta?: number;
}

/**
 * Wrap a pruner with patience (Optuna's `PatientPruner`): ask it only once the trial has stopped
 * improving for `patience` steps.
 *
 * Intuition: a noisy trial that still improves now and then is worth running, however it compares
 * with other trials; the wrapped pruner judges only trials that stalled.
 *
 * The rule, Optuna's, on the trial's reports in step order: with more than `patience + 1` of them, the
 * trial has stalled when the best of the last `patience + 1` is worse than the best of the earlier ones
 * by more than `minDelta` (strictly: a flat stretch, equal to the earlier best, has not stalled). Then
 * the wrapped pruner decides, or, without one, the trial is pruned. NaN values are ignored.
 *
 * @example
 * ```ts
 * import { patientPruner, medianPruner } from 'rxtrain';
 * const pruner = patientPruner({ pruner: medianPruner(), patience: 3, minDelta: 0.001 });
 * ```
 * @returns A {@link Pruner} named `patient(<wrapped name>)`. Throws `INVALID_CONFIG` naming a bad field.
 */
export function patientPruner(config: PatientPrunerConfig): Pruner {
  const where = 'patientPruner()';
  const c = requireObject(where, config);
  knownFields(where, c, ['pruner', 'patience', 'minDelta']);
  const wrapped = c.pruner as Pruner | undefined;
  if (wrapped !== undefined && (wrapped === null || typeof wrapped !== 'object' || typeof wrapped.shouldPrune !== 'function')) {
    throw configError(where, 'pruner', 'must be a Pruner (with shouldPrune())', wrapped);
  }
  if (c.patience === undefined) throw configError(where, 'patience', 'is required');
  const patience = nonNegativeInt(where, 'patience', c.patience);
  const minDelta = c.minDelta === undefined ? 0 : c.minDelta;
  if (typeof minDelta !== 'number' || !Number.isFinite(minDelta) || minDelta < 0) throw configError(where, 'minDelta', 'must be a finite number ≥ 0', minDelta);

  return {
    name: wrapped ? `patient(${wrapped.name})` : 'patient',
    shouldPrune(trial: FrozenTrial, trials: readonly FrozenTrial[], direction: Direction): boolean {
      if (!stalled(trial, patience, minDelta, direction)) return false;
      return wrapped ? wrapped.shouldPrune(trial, trials, direction) : true;
    },
  };
}

/** Whether the best of the last `patience + 1` reports is worse than the earlier best by more than `minDelta`. */
function stalled(trial: FrozenTrial, patience: number, minDelta: number, direction: Direction): boolean {
  const values = trial.intermediate.map(([, v]) => v);
  if (values.length <= patience + 1) return false;
  const sign = direction === 'minimize' ? 1 : -1;
  // Best as the smaller of sign·value; NaN for a stretch with no number (then nothing is decided, as
  // NumPy's nanmin of all-NaN compares false).
  const best = (from: number, to: number): number => {
    let b = NaN;
    for (let i = from; i < to; i++) {
      const v = sign * values[i]!;
      if (!Number.isNaN(v) && !(v >= b)) b = v;
    }
    return b;
  };
  const split = values.length - patience - 1;
  return best(0, split) + minDelta < best(split, values.length);
}
