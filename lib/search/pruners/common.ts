/** What several pruners share: the warm-up/interval gate and percentiles of intermediate values. */
import type { Direction, FrozenTrial } from '../types.js';

/** The last `[step, value]` a trial reported, if any. */
export function lastReport(trial: FrozenTrial): readonly [number, number] | undefined {
  return trial.intermediate[trial.intermediate.length - 1];
}

/** The value a trial reported at `step`, if it did. */
export function valueAt(trial: FrozenTrial, step: number): number | undefined {
  for (const [s, v] of trial.intermediate) if (s === step) return v;
  return undefined;
}

/**
 * Whether `step` is the first step the trial reported in its pruning interval: steps from
 * `warmup` on are cut into intervals of `interval` steps, and each interval is judged once (Optuna's
 * `_is_first_in_interval_step`), so reporting every step with `interval = 5` prunes at most every 5.
 */
export function isFirstInInterval(trial: FrozenTrial, step: number, warmup: number, interval: number): boolean {
  const nearestLowerPruningStep = Math.floor((step - warmup) / interval) * interval + warmup;
  let secondLast = -1;
  for (const [s] of trial.intermediate) if (s > secondLast && s !== step) secondLast = s;
  return secondLast < nearestLowerPruningStep;
}

/** The best finite value among a trial's intermediate values, NaN if none. */
export function bestIntermediate(trial: FrozenTrial, direction: Direction): number {
  let best = NaN;
  for (const [, v] of trial.intermediate) {
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(best) || (direction === 'minimize' ? v < best : v > best)) best = v;
  }
  return best;
}

/** The q-th percentile (0-100) of finite values, with linear interpolation (NumPy's default); NaN if none. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}
