/**
 * The study's surface for the rest of rxtrain: what other folders (lib/distributed, lib/evolve, the
 * operators, ...) may import from lib/study. Everything else in this folder is the study's own.
 * test/architecture/import-rules.test.ts keeps it so.
 */
export { study } from './study.js';
export type { Study, StudyConfig, ParamsOf } from './study.js';
export type { Trial } from './trial.js';
export { parseOptimizeOptions } from './optimize.js';
export type { Objective, ObjectiveResult, OptimizeOptions } from './optimize.js';
export { isTrialSource } from './trial-source.js';
export type { TrialSource, TrialRun, TrialFeed, StartedTrial, OnEnded } from './trial-source.js';
export { endEvent } from './study-events.js';
export type {
  StudyEvent,
  TrialStarted,
  TrialEpochEnd,
  TrialLrChange,
  TrialPruned,
  TrialCompleted,
  TrialFailed,
  NewBest,
  ParetoFrontChanged,
  StudyCompleted,
  PrunedEvent,
} from './study-events.js';
export { trialPruning } from './trial-pruning.js';
