import { linearWarmupAt } from '../internal/schedules.js';
import type { ScheduleFn } from './schedule.js';

/**
 * Linear warm-up: epoch `e ≤ warmup` trains at `lr0 · e / warmup` (so epoch 1 at `lr0 / warmup`,
 * epoch `warmup` at `lr0`); after it, `then(epoch − warmup, lr0)`: the following schedule counts its
 * epochs from 1 again after the warm-up. Without `then`, the rate stays at `lr0`.
 *
 * @example
 * ```ts
 * import { linearWarmup, cosineDecay } from 'rxtrain/operators';
 * const fn = linearWarmup({ warmup: 5, then: cosineDecay({ epochs: 45 }) });
 * fn(1, 0.1); // 0.02
 * ```
 *
 * @param config `warmup` (positive integer) and an optional following schedule function.
 * @returns The schedule.
 */
export function linearWarmup(config: { readonly warmup: number; readonly then?: ScheduleFn }): ScheduleFn {
  return linearWarmupAt('linearWarmup()', '', config);
}
