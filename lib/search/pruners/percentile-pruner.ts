import { configError } from '../../errors.js';
import { knownFields, nonNegativeInt, numberInRange, positiveInt, requireObject } from '../../validate.js';
import type { Direction, FrozenTrial, Pruner } from '../types.js';
import { bestIntermediate, isFirstInInterval, lastReport, percentile, valueAt } from './common.js';

export interface PercentilePrunerConfig {
  /** Prune a trial whose best value so far is worse than this percentile (0-100) of completed trials at the same step. */
  readonly percentile: number;
  /** Prune nothing until this many trials completed (default 5). */
  readonly nStartupTrials?: number;
  /** Prune no trial before this step (default 0). */
  readonly nWarmupSteps?: number;
  /** Judge a trial once per this many steps after the warm-up (default 1). */
  readonly intervalSteps?: number;
  /** Judge a step only when at least this many completed trials reported it (default 1). */
  readonly nMinTrials?: number;
}

/** @internal shared with medianPruner, which is the 50th percentile under its own name. */
export function makePercentilePruner(where: string, name: string, config: object, fixedPercentile?: number): Pruner {
  const c = requireObject(where, config);
  const fields = ['nStartupTrials', 'nWarmupSteps', 'intervalSteps', 'nMinTrials'];
  knownFields(where, c, fixedPercentile === undefined ? ['percentile', ...fields] : fields);
  if (fixedPercentile === undefined && c.percentile === undefined) throw configError(where, 'percentile', 'is required');
  const q = fixedPercentile ?? numberInRange(where, 'percentile', c.percentile, 0, 100);
  const nStartupTrials = c.nStartupTrials === undefined ? 5 : nonNegativeInt(where, 'nStartupTrials', c.nStartupTrials);
  const nWarmupSteps = c.nWarmupSteps === undefined ? 0 : nonNegativeInt(where, 'nWarmupSteps', c.nWarmupSteps);
  const intervalSteps = c.intervalSteps === undefined ? 1 : positiveInt(where, 'intervalSteps', c.intervalSteps);
  const nMinTrials = c.nMinTrials === undefined ? 1 : positiveInt(where, 'nMinTrials', c.nMinTrials);

  return {
    name,
    shouldPrune(trial: FrozenTrial, trials: readonly FrozenTrial[], direction: Direction): boolean {
      const completed = trials.filter((t) => t.state === 'completed' && t.number !== trial.number);
      if (completed.length === 0 || completed.length < nStartupTrials) return false;
      const last = lastReport(trial);
      if (!last) return false;
      const step = last[0];
      if (step < nWarmupSteps) return false;
      if (!isFirstInInterval(trial, step, nWarmupSteps, intervalSteps)) return false;
      const best = bestIntermediate(trial, direction);
      if (Number.isNaN(best)) return true;
      const atStep: number[] = [];
      for (const t of completed) {
        const v = valueAt(t, step);
        if (v !== undefined && Number.isFinite(v)) atStep.push(v);
      }
      if (atStep.length < nMinTrials) return false;
      const p = percentile(atStep, direction === 'maximize' ? 100 - q : q);
      if (Number.isNaN(p)) return false;
      return direction === 'maximize' ? best < p : best > p;
    },
  };
}

/**
 * Prune a trial whose best intermediate value is worse than a percentile of the completed trials'
 * values at the same step (Optuna's `PercentilePruner`).
 *
 * Intuition: `percentile: 25` keeps only trials that are, so far, in the best quarter of their
 * predecessors at the same point of training; the median pruner is `percentile: 50`.
 *
 * @example
 * ```ts
 * import { percentilePruner } from 'rxtrain';
 * const pruner = percentilePruner({ percentile: 25, nStartupTrials: 5, nWarmupSteps: 1 });
 * ```
 * @returns A {@link Pruner}. Throws `INVALID_CONFIG` naming a bad field.
 */
export function percentilePruner(config: PercentilePrunerConfig): Pruner {
  return makePercentilePruner('percentilePruner()', 'percentile', config);
}
