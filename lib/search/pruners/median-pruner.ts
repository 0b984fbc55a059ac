import type { Pruner } from '../types.js';
import { makePercentilePruner } from './percentile-pruner.js';

export interface MedianPrunerConfig {
  /** Prune nothing until this many trials completed (default 5). */
  readonly nStartupTrials?: number;
  /** Prune no trial before this step (default 0). */
  readonly nWarmupSteps?: number;
  /** Judge a trial once per this many steps after the warm-up (default 1). */
  readonly intervalSteps?: number;
  /** Judge a step only when at least this many completed trials reported it (default 1). */
  readonly nMinTrials?: number;
}

/**
 * Prune a trial whose best intermediate value is worse than the median of the completed trials'
 * values at the same step (Optuna's `MedianPruner`).
 *
 * Intuition: a trial that is, so far, worse than half of the trials before it at the same epoch is
 * unlikely to end up the best one.
 *
 * @example
 * ```ts
 * import { medianPruner } from 'rxtrain';
 * const pruner = medianPruner({ nStartupTrials: 5, nWarmupSteps: 1, intervalSteps: 1 });
 * ```
 * @returns A {@link Pruner}. Throws `INVALID_CONFIG` naming a bad field.
 */
export function medianPruner(config: MedianPrunerConfig = {}): Pruner {
  return makePercentilePruner('medianPruner()', 'median', config, 50);
}
