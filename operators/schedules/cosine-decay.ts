import { cosineDecayAt } from '../internal/schedules.js';
import type { ScheduleFn } from './schedule.js';

/**
 * Cosine annealing: `minLR + (lr0 − minLR) · (1 + cos(π · e / epochs)) / 2` with `e = min(epoch − 1, epochs)`.
 * Epoch 1 trains at `lr0`; epoch `epochs + 1` and later at `minLR`.
 *
 * @example
 * ```ts
 * import { cosineDecay } from 'rxtrain/operators';
 * cosineDecay({ epochs: 10, minLR: 0.001 })(6, 0.1); // 0.0505
 * ```
 *
 * @param config `epochs` (positive integer), `minLR` (≥ 0, default 0).
 * @returns The schedule.
 */
export function cosineDecay(config: { readonly epochs: number; readonly minLR?: number }): ScheduleFn {
  return cosineDecayAt('cosineDecay()', '', config);
}
