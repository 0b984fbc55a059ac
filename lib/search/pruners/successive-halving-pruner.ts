import { configError } from '../../errors.js';
import { knownFields, nonNegativeInt, positiveInt, requireObject } from '../../validate.js';
import type { Direction, FrozenTrial, Pruner } from '../types.js';
import { lastReport } from './common.js';

export interface SuccessiveHalvingPrunerConfig {
  /**
   * The step of the first rung (its resource, e.g. epochs). `'auto'` (default): 1/100 of the most
   * steps a completed trial reported, at least 1; nothing is pruned before a trial completed.
   */
  readonly minResource?: number | 'auto';
  /** η: a rung promotes the best 1/η of the trials that reached it (default 4). */
  readonly reductionFactor?: number;
  /** s: the first rung is at step `minResource · η^s` (default 0). */
  readonly minEarlyStoppingRate?: number;
}

/** @internal A validated configuration, also built by hyperbandPruner for each bracket. */
export interface HalvingSchedule {
  readonly minResource: number | 'auto';
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
}

export function validateHalving(where: string, config: object, extra: readonly string[] = []): HalvingSchedule {
  const c = requireObject(where, config);
  knownFields(where, c, ['minResource', 'reductionFactor', 'minEarlyStoppingRate', ...extra]);
  const minResource = c.minResource === undefined || c.minResource === 'auto' ? 'auto' : positiveInt(where, 'minResource', c.minResource);
  const reductionFactor = c.reductionFactor === undefined ? 4 : positiveInt(where, 'reductionFactor', c.reductionFactor);
  if (reductionFactor < 2) throw configError(where, 'reductionFactor', 'must be an integer ≥ 2', reductionFactor);
  const minEarlyStoppingRate = c.minEarlyStoppingRate === undefined ? 0 : nonNegativeInt(where, 'minEarlyStoppingRate', c.minEarlyStoppingRate);
  return { minResource, reductionFactor, minEarlyStoppingRate };
}

/** The value a trial had on reaching `rungStep`: its first report at a step ≥ `rungStep`. */
function rungEntry(trial: FrozenTrial, rungStep: number): readonly [number, number] | undefined {
  for (const entry of trial.intermediate) if (entry[0] >= rungStep) return entry;
  return undefined;
}

function estimateMinResource(trials: readonly FrozenTrial[]): number | undefined {
  let most: number | undefined;
  for (const t of trials) {
    const last = t.state === 'completed' ? lastReport(t) : undefined;
    if (last && (most === undefined || last[0] > most)) most = last[0];
  }
  return most === undefined ? undefined : Math.max(Math.floor(most / 100), 1);
}

function promotable(value: number, competing: number[], eta: number, direction: Direction): boolean {
  // With fewer than η competitors a trial goes on only if it is the best so far: trials cannot be
  // paused and resumed later, as the original algorithm would.
  const idx = Math.max(Math.floor(competing.length / eta) - 1, 0);
  competing.sort((a, b) => a - b);
  return direction === 'maximize' ? value >= competing[competing.length - 1 - idx]! : value <= competing[idx]!;
}

/** @internal The rule, on trials already filtered (hyperbandPruner passes one bracket's trials). */
export function halvingShouldPrune(schedule: HalvingSchedule, trial: FrozenTrial, trials: readonly FrozenTrial[], direction: Direction): boolean {
  const last = lastReport(trial);
  if (!last) return false;
  const [step, value] = last;
  const minResource = schedule.minResource === 'auto' ? estimateMinResource(trials) : schedule.minResource;
  if (minResource === undefined) return false;
  const eta = schedule.reductionFactor;
  for (let rung = 0; ; rung++) {
    const rungStep = minResource * eta ** (schedule.minEarlyStoppingRate + rung);
    if (step < rungStep) return false;
    // A rung the trial reached at an earlier report was judged then, and since the trial still runs,
    // it was promoted: move on to the next rung.
    if (rungEntry(trial, rungStep)![0] < step) continue;
    if (!Number.isFinite(value)) return true;
    const competing = [value];
    for (const t of trials) {
      if (t.number === trial.number) continue;
      const entry = rungEntry(t, rungStep);
      if (entry && Number.isFinite(entry[1])) competing.push(entry[1]);
    }
    if (!promotable(value, competing, eta, direction)) return true;
  }
}

/**
 * Asynchronous successive halving (ASHA, as Optuna's `SuccessiveHalvingPruner`): rungs at steps
 * `minResource · η^(s + k)`; a trial reaching a rung goes on only if its value there is in the best
 * 1/η of all values recorded at that rung so far.
 *
 * Intuition: train many trials briefly, and give more epochs only to those that lead at each
 * checkpoint, without waiting for a whole generation as synchronous halving does.
 *
 * A trial's value at a rung is read from its history (its first report at or after the rung's step),
 * not kept in hidden state, so the rule needs `shouldPrune` at every report, as `prune(trial)` does.
 *
 * @example
 * ```ts
 * import { successiveHalvingPruner } from 'rxtrain';
 * const pruner = successiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
 * ```
 * @returns A {@link Pruner}. Throws `INVALID_CONFIG` naming a bad field.
 */
export function successiveHalvingPruner(config: SuccessiveHalvingPrunerConfig = {}): Pruner {
  const schedule = validateHalving('successiveHalvingPruner()', config);
  return {
    name: 'successiveHalving',
    shouldPrune: (trial, trials, direction) => halvingShouldPrune(schedule, trial, trials, direction),
  };
}
