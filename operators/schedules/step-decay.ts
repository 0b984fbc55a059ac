import { stepDecayAt } from '../internal/schedules.js';
import type { ScheduleFn } from './schedule.js';

/**
 * Step decay: the rate is multiplied by `factor` every `every` epochs (epochs 1…every train at `lr0`).
 *
 * @example
 * ```ts
 * import { stepDecay } from 'rxtrain/operators';
 * stepDecay({ every: 10, factor: 0.5 })(21, 0.1); // 0.025
 * ```
 *
 * @param config `every` (positive integer) and `factor` (> 0).
 * @returns The schedule `(epoch, lr0) => lr0 · factor^⌊(epoch − 1) / every⌋`.
 */
export function stepDecay(config: { readonly every: number; readonly factor: number }): ScheduleFn {
  return stepDecayAt('stepDecay()', '', config);
}
