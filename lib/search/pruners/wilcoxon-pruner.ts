import { knownFields, nonNegativeInt, numberInRange, requireObject } from '../../validate.js';
import { signedRankTest } from '../math/wilcoxon.js';
import type { Direction, FrozenTrial, Pruner } from '../types.js';

export interface WilcoxonPrunerConfig {
  /** Prune when the test's p-value is below this (default 0.1, in [0, 1]). Lower prunes less. */
  readonly pThreshold?: number;
  /** Judge a trial only once it shares at least this many instances with the best trial (default 2; fewer than 2 counts as 2). */
  readonly nStartupSteps?: number;
}

/**
 * Prune a trial whose values on instances are significantly worse than the best trial's on the same
 * instances, by a one-sided Wilcoxon signed-rank test (Optuna's `WilcoxonPruner`).
 *
 * For objectives that are a mean over instances (cross-validation folds, a benchmark's problems, a
 * data set's examples): report each instance's value with its **instance id as the step** (any
 * integer ≥ 0, in any order, e.g. shuffled per trial), and return the mean. The pruner pairs the
 * trial's values with the best completed trial's values at the same ids, and prunes when the
 * differences say, at `pThreshold`, that the trial is worse (`signedRankTest`: exact for small samples
 * without ties, normal approximation with the tie correction otherwise; zero differences are split).
 *
 * As Optuna, it does not prune a trial whose mean so far is at least as good as the best trial's
 * mean over all its instances (the test and the means can disagree on skewed values), a trial with a
 * non-finite value, or when the best trial reported nothing. The best trial is the completed trial
 * with the best value (the lowest number among equals), as `study.best()`.
 *
 * @example
 * ```ts
 * import { wilcoxonPruner } from 'rxtrain';
 * const pruner = wilcoxonPruner({ pThreshold: 0.1 });
 * ```
 * @returns A {@link Pruner}. Throws `INVALID_CONFIG` naming a bad field.
 */
export function wilcoxonPruner(config: WilcoxonPrunerConfig = {}): Pruner {
  const where = 'wilcoxonPruner()';
  const c = requireObject(where, config);
  knownFields(where, c, ['pThreshold', 'nStartupSteps']);
  const pThreshold = c.pThreshold === undefined ? 0.1 : numberInRange(where, 'pThreshold', c.pThreshold, 0, 1);
  const nStartupSteps = c.nStartupSteps === undefined ? 2 : nonNegativeInt(where, 'nStartupSteps', c.nStartupSteps);

  return {
    name: 'wilcoxon',
    shouldPrune(trial: FrozenTrial, trials: readonly FrozenTrial[], direction: Direction): boolean {
      const mine = trial.intermediate;
      if (mine.length === 0 || mine.some(([, v]) => !Number.isFinite(v))) return false;
      const best = bestTrial(trials, direction, trial.number);
      if (!best || best.intermediate.length === 0 || best.intermediate.some(([, v]) => !Number.isFinite(v))) return false;
      const theirs = new Map(best.intermediate);
      const diffs: number[] = [];
      for (const [step, v] of mine) {
        const b = theirs.get(step);
        if (b !== undefined) diffs.push(v - b);
      }
      if (diffs.length < Math.max(2, nStartupSteps)) return false;
      const sign = direction === 'minimize' ? 1 : -1;
      // Optuna's safety: never prune a trial whose mean is at least as good as the best trial's mean.
      if (sign * mean(mine) <= sign * mean(best.intermediate)) return false;
      const { pValue } = signedRankTest(diffs, direction === 'minimize' ? 'greater' : 'less');
      return pValue < pThreshold;
    },
  };
}

function mean(entries: ReadonlyArray<readonly [number, number]>): number {
  let s = 0;
  for (const [, v] of entries) s += v;
  return s / entries.length;
}

/** The completed trial with the best finite value (the lowest number among equals), other than `self`. */
function bestTrial(trials: readonly FrozenTrial[], direction: Direction, self: number): FrozenTrial | undefined {
  let best: FrozenTrial | undefined;
  for (const t of trials) {
    if (t.state !== 'completed' || t.number === self || t.value === undefined || !Number.isFinite(t.value)) continue;
    if (best === undefined) best = t;
    else {
      const better = direction === 'minimize' ? t.value < best.value! : t.value > best.value!;
      if (better || (t.value === best.value && t.number < best.number)) best = t;
    }
  }
  return best;
}
