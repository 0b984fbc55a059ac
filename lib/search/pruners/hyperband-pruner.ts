import { configError } from '../../errors.js';
import { hashSeed } from '../../random.js';
import { finiteNumber, knownFields, positiveInt, requireObject } from '../../validate.js';
import type { Pruner } from '../types.js';
import { halvingShouldPrune, validateHalving, type HalvingSchedule } from './successive-halving-pruner.js';

export interface HyperbandPrunerConfig {
  /** Steps (epochs) of the most aggressive bracket's first rung (default 1). */
  readonly minResource?: number;
  /** The most steps a trial runs (e.g. the epochs of a full training). */
  readonly maxResource: number;
  /** η (default 3). */
  readonly reductionFactor?: number;
  /** Seeds the trial → bracket assignment (default 0). */
  readonly seed?: number;
}

/** A Hyperband pruner, which can also tell which bracket a trial belongs to (for samplers). */
export interface HyperbandPruner extends Pruner {
  /** Number of brackets: ⌊log_η(maxResource / minResource)⌋ + 1. */
  readonly brackets: number;
  /** The bracket of trial `number` (0 = most aggressive). */
  bracketOf(number: number): number;
}

/**
 * Hyperband (as Optuna's `HyperbandPruner`): several successive-halving brackets, from aggressive
 * (first rung at `minResource`) to patient (first rung near `maxResource`), each trial in one bracket
 * and judged only against the trials of its bracket.
 *
 * Intuition: nobody knows in advance how early a curve tells good from bad, so hedge: bracket `i` uses
 * `minEarlyStoppingRate = i`. Bracket `i` gets a share of the trials ∝ ⌈n·η^(n-1-i) / (n-i)⌉ (n the
 * number of brackets), and a trial's bracket is a hash of the seed and its number: deterministic,
 * the same in every process and after a resume.
 *
 * @example
 * ```ts
 * import { hyperbandPruner } from 'rxtrain';
 * const pruner = hyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
 * ```
 * @returns A {@link HyperbandPruner}. Throws `INVALID_CONFIG` naming a bad field.
 */
export function hyperbandPruner(config: HyperbandPrunerConfig): HyperbandPruner {
  const where = 'hyperbandPruner()';
  const c = requireObject(where, config);
  knownFields(where, c, ['minResource', 'maxResource', 'reductionFactor', 'seed']);
  const minResource = c.minResource === undefined ? 1 : positiveInt(where, 'minResource', c.minResource);
  if (c.maxResource === undefined) throw configError(where, 'maxResource', 'is required');
  const maxResource = positiveInt(where, 'maxResource', c.maxResource);
  if (maxResource < minResource) throw configError(where, 'maxResource', `must be ≥ minResource (${minResource})`, maxResource);
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  const base = validateHalving(where, { minResource, reductionFactor: c.reductionFactor ?? 3 });
  const eta = base.reductionFactor;

  // Integer arithmetic, not a floating log: log_3(27) must be 3, not 2.9999.
  let brackets = 1;
  while (minResource * eta ** brackets <= maxResource) brackets++;
  const schedules: HalvingSchedule[] = [];
  const budgets: number[] = [];
  for (let i = 0; i < brackets; i++) {
    schedules.push({ ...base, minEarlyStoppingRate: i });
    const s = brackets - 1 - i;
    budgets.push(Math.ceil((brackets * eta ** s) / (s + 1)));
  }
  const total = budgets.reduce((a, b) => a + b, 0);

  const bracketOf = (number: number): number => {
    let n = hashSeed(seed, 'hyperband', number) % total;
    for (let i = 0; i < brackets; i++) {
      n -= budgets[i]!;
      if (n < 0) return i;
    }
    return brackets - 1;
  };

  return {
    name: 'hyperband',
    brackets,
    bracketOf,
    shouldPrune(trial, trials, direction) {
      const bracket = bracketOf(trial.number);
      const mine = trials.filter((t) => bracketOf(t.number) === bracket);
      return halvingShouldPrune(schedules[bracket]!, trial, mine, direction);
    },
  };
}
