import { configError } from '../../errors.js';
import { knownFields, nonNegativeInt, positiveInt, requireObject } from '../../validate.js';
import type { Pruner } from '../types.js';
import { isFirstInInterval, lastReport } from './common.js';

export interface ThresholdPrunerConfig {
  /** Prune a trial whose latest intermediate value is below this. At least one of `lower`, `upper`. */
  readonly lower?: number;
  /** Prune a trial whose latest intermediate value is above this. */
  readonly upper?: number;
  /** Prune no trial before this step (default 0). */
  readonly nWarmupSteps?: number;
  /** Judge a trial once per this many steps after the warm-up (default 1). */
  readonly intervalSteps?: number;
}

/**
 * Prune a trial whose latest intermediate value leaves `[lower, upper]`, or is NaN (Optuna's
 * `ThresholdPruner`).
 *
 * Intuition: some values mean a run is broken whatever the other trials did: a loss that exploded, an
 * accuracy still at chance after the warm-up. The rule is absolute: it never looks at other trials,
 * so it prunes a trial alone in its study too, and ignores the study's direction.
 *
 * @example
 * ```ts
 * import { thresholdPruner } from 'rxtrain';
 * const pruner = thresholdPruner({ upper: 10, nWarmupSteps: 1 });
 * ```
 * @returns A {@link Pruner}. Throws `INVALID_CONFIG` naming a bad field (neither bound, a bound that is
 *   not a number, `lower > upper`).
 */
export function thresholdPruner(config: ThresholdPrunerConfig): Pruner {
  const where = 'thresholdPruner()';
  const c = requireObject(where, config);
  knownFields(where, c, ['lower', 'upper', 'nWarmupSteps', 'intervalSteps']);
  if (c.lower === undefined && c.upper === undefined) throw configError(where, 'lower', "or 'upper' is required (a pruner without bounds would never prune)");
  const bound = (field: 'lower' | 'upper', fallback: number): number => {
    const v = c[field];
    if (v === undefined) return fallback;
    // ±Infinity is a bound that never prunes on its side, as Optuna's default.
    if (typeof v !== 'number' || Number.isNaN(v)) throw configError(where, field, 'must be a number', v);
    return v;
  };
  const lower = bound('lower', -Infinity);
  const upper = bound('upper', Infinity);
  if (lower > upper) throw configError(where, 'lower', `must be ≤ upper (${upper})`, lower);
  const nWarmupSteps = c.nWarmupSteps === undefined ? 0 : nonNegativeInt(where, 'nWarmupSteps', c.nWarmupSteps);
  const intervalSteps = c.intervalSteps === undefined ? 1 : positiveInt(where, 'intervalSteps', c.intervalSteps);

  return {
    name: 'threshold',
    shouldPrune(trial) {
      const last = lastReport(trial);
      if (!last) return false;
      const [step, value] = last;
      if (step < nWarmupSteps) return false;
      if (!isFirstInInterval(trial, step, nWarmupSteps, intervalSteps)) return false;
      return Number.isNaN(value) || value < lower || value > upper;
    },
  };
}
