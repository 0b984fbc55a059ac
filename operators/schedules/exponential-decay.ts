import { exponentialDecayAt } from '../internal/schedules.js';
import type { ScheduleFn } from './schedule.js';

/**
 * Exponential decay: the rate is multiplied by `gamma` every epoch (epoch 1 trains at `lr0`).
 *
 * @example
 * ```ts
 * import { exponentialDecay } from 'rxtrain/operators';
 * exponentialDecay({ gamma: 0.9 })(3, 0.1); // 0.081
 * ```
 *
 * @param config `gamma` (> 0).
 * @returns The schedule `(epoch, lr0) => lr0 · gamma^(epoch − 1)`.
 */
export function exponentialDecay(config: { readonly gamma: number }): ScheduleFn {
  return exponentialDecayAt('exponentialDecay()', '', config);
}
