/**
 * The shapes of a learning-rate schedule, as `lrSchedule` and `train({ lrSchedule })` take it: a
 * function of the epoch, or an object that names one of the built-in schedules. Types only.
 */

/** A learning-rate schedule as a function: the rate of epoch `epoch` (1 for the first), given the initial rate. */
export type ScheduleFn = (epoch: number, lr0: number) => number;
/** `lr0 · factor^⌊(epoch − 1) / every⌋`. */
export interface StepSchedule { readonly type: 'step'; readonly every: number; readonly factor: number }
/** `lr0 · gamma^(epoch − 1)`. */
export interface ExponentialSchedule { readonly type: 'exponential'; readonly gamma: number }
/** Half a cosine from `lr0` at epoch 1 down to `minLR` (default 0) at epoch `epochs + 1`, then `minLR`. */
export interface CosineSchedule { readonly type: 'cosine'; readonly epochs: number; readonly minLR?: number }
/** Linear warm-up over `warmup` epochs, then `then` (default: constant `lr0`) counted from 1 again. */
export interface WarmupSchedule { readonly warmup: number; readonly then?: Schedule }
export type Schedule = ScheduleFn | StepSchedule | ExponentialSchedule | CosineSchedule | WarmupSchedule;
