/**
 * The operators that need no Node module: `rxtrain/operators` in a browser, and what operators/index.ts
 * re-exports before adding `dataParallel` (worker threads), `progressBar` (a terminal), `jsonlLog` and
 * `csvLog` (files). test/architecture/browser-core.test.ts checks that nothing here reaches Node.
 */
export { epochs } from './epochs.js';
export { trainStep } from './train-step.js';
export type { TrainStepConfig, Trainable, LossModel } from './train-step.js';
export { epochEnd } from './epoch-end.js';
export type { EpochEndConfig } from './epoch-end.js';
export { earlyStopping } from './early-stopping.js';
export type { EarlyStoppingConfig, WeightsModel } from './early-stopping.js';
export type { MonitorMode } from './internal/monitor.js';
export { reduceLROnPlateau } from './reduce-lr-on-plateau.js';
export type { ReduceLROnPlateauConfig } from './reduce-lr-on-plateau.js';
export { lrSchedule } from './lr-schedule.js';
export { stepDecay } from './schedules/step-decay.js';
export { exponentialDecay } from './schedules/exponential-decay.js';
export { cosineDecay } from './schedules/cosine-decay.js';
export { linearWarmup } from './schedules/linear-warmup.js';
export { scheduleFn } from './schedules/schedule-fn.js';
export type { Schedule, ScheduleFn, StepSchedule, ExponentialSchedule, CosineSchedule, WarmupSchedule } from './schedules/schedule.js';
export { terminateOnNaN } from './terminate-on-nan.js';
export { checkpoint } from './checkpoint.js';
export type { CheckpointConfig } from './checkpoint.js';
export { prune } from './prune.js';
export { monitorTap } from './monitor-tap.js';
export type { MonitorTapConfig } from './monitor-tap.js';
export { controlledBy } from './controlled-by.js';
export type { ControlledByConfig } from './controlled-by.js';
export { holdWhile } from './hold-while.js';
export { unfreezeAt } from './unfreeze-at.js';
export type { LayersUnfrozen } from './unfreeze-at.js';
