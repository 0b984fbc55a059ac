import { scheduleAt } from '../internal/schedules.js';
import type { Schedule, ScheduleFn } from './schedule.js';

/**
 * Turn any {@link Schedule} into its function, validating it; errors name the field (`schedule.every`).
 *
 * @example
 * ```ts
 * import { scheduleFn } from 'rxtrain/operators';
 * scheduleFn({ warmup: 2, then: { type: 'exponential', gamma: 0.5 } })(4, 1); // 0.5
 * ```
 *
 * @param schedule A function or a schedule object.
 * @returns The schedule as a function of `(epoch, lr0)`.
 */
export function scheduleFn(schedule: Schedule): ScheduleFn {
  return scheduleAt('scheduleFn()', 'schedule', schedule);
}
