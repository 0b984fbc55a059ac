/**
 * What `study.optimize()` emits: plain data, one discriminated union, so events can be logged, sent to
 * the monitor or stored as they are. Every event but `studyCompleted` names its trial by number.
 * {@link endEvent} makes a finished trial's last event from its record, wherever the trial ran.
 */
import type { Metrics } from '../events.js';
import type { Direction, FrozenTrial, Params } from '../search/types.js';

/** A trial got its parameters and its objective was started. */
export interface TrialStarted {
  readonly type: 'trialStarted';
  readonly trial: number;
  readonly params: Params;
  /** Clock time (ms). */
  readonly time: number;
  /** The study's direction and metric, so that whoever shows the trial knows which way is better. */
  readonly direction?: Direction;
  readonly metric?: string;
  /** A multi-objective study's directions and metrics (`direction` and `metric` are its first objective's). */
  readonly directions?: readonly Direction[];
  readonly metrics?: readonly string[];
}

/** An epoch of a trial's training ended (from an objective that returns a stream). */
export interface TrialEpochEnd {
  readonly type: 'epochEnd';
  readonly trial: number;
  readonly epoch: number;
  readonly metrics: Metrics;
  /** The study's metric at this epoch, when the study has one. */
  readonly value?: number;
  /** A multi-objective study's metrics at this epoch, one per objective. */
  readonly values?: readonly number[];
}

/**
 * A trial's learning rate changed (its stream's `lrChange`, from `controlledBy`, `lrSchedule`, ...):
 * forwarded so that a change asked for from the monitor shows there.
 */
export interface TrialLrChange {
  readonly type: 'lrChange';
  readonly trial: number;
  /** The first epoch trained at the new rate. */
  readonly epoch: number;
  readonly from: number;
  readonly to: number;
  readonly source: string;
}

export interface TrialPruned {
  readonly type: 'trialPruned';
  readonly trial: number;
  /** The last step reported before the trial was pruned, if any. */
  readonly step?: number;
  /** The trial's recorded value: its last intermediate value. */
  readonly value?: number;
  readonly durationMs: number;
}

export interface TrialCompleted {
  readonly type: 'trialCompleted';
  readonly trial: number;
  /** The trial's value (a multi-objective study: its first objective's; all of them are in `values`). */
  readonly value: number;
  /** A multi-objective study: the trial's values, one per objective. */
  readonly values?: readonly number[];
  /** The study's constraints for this trial, when it has them (each ≤ 0 is satisfied). */
  readonly constraints?: readonly number[];
  /** With constraints: whether every one is satisfied (only feasible trials can be best or on the front). */
  readonly feasible?: boolean;
  readonly params: Params;
  readonly durationMs: number;
}

export interface TrialFailed {
  readonly type: 'trialFailed';
  readonly trial: number;
  /** Why: the objective's error message, `'cancelled'`, a NaN result, ... */
  readonly error: string;
  readonly durationMs: number;
}

/** A completed trial beat the best value the study had when `optimize` was subscribed to, or since. */
export interface NewBest {
  readonly type: 'newBest';
  readonly trial: number;
  readonly value: number;
  readonly params: Params;
  /** The value it beat, absent for the study's first completed trial. */
  readonly previous?: number;
  /** The study's direction and metric (the value is `metric`'s, when the study has one). */
  readonly direction?: Direction;
  readonly metric?: string;
}

/**
 * A multi-objective study's answer to `newBest` (which it never emits: it has no single best): a
 * completed, feasible trial entered the Pareto front, as this `optimize` knows it (the study's front when
 * it was subscribed to, and the trials it ran since). `front` is the front now, trial numbers in order;
 * the trials it pushed out are those of the previous front that are not in it.
 */
export interface ParetoFrontChanged {
  readonly type: 'paretoFrontChanged';
  readonly trial: number;
  readonly values: readonly number[];
  readonly params: Params;
  readonly front: readonly number[];
  readonly directions: readonly Direction[];
  readonly metrics?: readonly string[];
}

/** The last event of an `optimize` run that was not unsubscribed from. */
export interface StudyCompleted {
  readonly type: 'studyCompleted';
  /**
   * Why no further trial was started: the `trials` asked for were started, the `timeout` passed, the
   * sampler was `exhausted`, or (a worker process) nothing was queued for its `idle` time.
   */
  readonly reason: 'trials' | 'timeout' | 'exhausted' | 'idle';
  /** Trials run by this `optimize`, by how they ended. */
  readonly completed: number;
  readonly pruned: number;
  readonly failed: number;
  /**
   * Trials this run followed whose worker died, so that they were queued again (absent when none).
   * They are not counted above: each one's retry is, once it ends.
   */
  readonly requeued?: number;
  /** The study's best completed trial (across all its trials), if any. Not for a multi-objective study. */
  readonly best?: { readonly trial: number; readonly value: number; readonly params: Params };
  /** A multi-objective study: the trial numbers of its Pareto front, as this run knows it. */
  readonly paretoFront?: readonly number[];
  readonly durationMs: number;
}

export type StudyEvent =
  | TrialStarted
  | TrialEpochEnd
  | TrialLrChange
  | TrialPruned
  | TrialCompleted
  | TrialFailed
  | NewBest
  | ParetoFrontChanged
  | StudyCompleted;

/**
 * The event that says how a finished trial ended, from its record: the one place that builds it, for
 * trials run here, followed in another process, or replayed from the storage.
 */
export function endEvent(record: FrozenTrial, durationMs: number): TrialCompleted | TrialPruned | TrialFailed {
  if (record.state === 'completed') {
    const judged = record.constraints !== undefined ? { constraints: record.constraints, feasible: record.constraints.every((c) => c <= 0) } : {};
    if (record.values !== undefined) {
      return { type: 'trialCompleted', trial: record.number, value: record.values[0]!, values: record.values, ...judged, params: record.params, durationMs };
    }
    return { type: 'trialCompleted', trial: record.number, value: record.value!, ...judged, params: record.params, durationMs };
  }
  if (record.state === 'pruned') {
    const last = record.intermediate[record.intermediate.length - 1];
    return {
      type: 'trialPruned',
      trial: record.number,
      ...(last ? { step: last[0] } : {}),
      ...(record.value !== undefined ? { value: record.value } : {}),
      durationMs,
    };
  }
  return { type: 'trialFailed', trial: record.number, error: record.error ?? 'failed', durationMs };
}

/**
 * The event `prune(trial)` emits, right before it completes the trial's stream, when the pruner stops
 * the trial. `optimize` reads it to tell the trial `'pruned'`.
 */
export interface PrunedEvent {
  readonly type: 'pruned';
  readonly trial: number;
  readonly epoch: number;
  readonly value: number;
}
