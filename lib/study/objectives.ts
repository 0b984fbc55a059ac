/**
 * What a study optimises: one objective (`direction`, `metric`) or several (`directions`, `metrics`),
 * and which of its completed trials count as results: the feasible ones (all of the study's
 * `constraints` ≤ 0), the best one of a single objective, or the Pareto front of several.
 */
import { RxtrainError, configError, describe } from '../errors.js';
import { dominates, toLosses } from '../search/math/pareto.js';
import type { Direction, FrozenTrial } from '../search/types.js';
import { nonEmptyString, oneOf } from '../validate.js';

const DIRECTIONS = ['minimize', 'maximize'] as const;

/**
 * A ready metric: the trained model's number of trainable parameters, from its stream's `runStart`
 * (`trainableParams`). A study that names it in `metric`/`metrics` finds it in every epoch's metrics.
 */
export const PARAMS_METRIC = 'params';

/** An epoch's metrics, with the ready ones the study asked for and the stream did not give. */
export function withReadyMetrics<M extends object>(metrics: M, wanted: readonly string[] | undefined, trainableParams: number | undefined): M {
  if (trainableParams === undefined || wanted === undefined || !wanted.includes(PARAMS_METRIC) || PARAMS_METRIC in metrics) return metrics;
  return { ...metrics, [PARAMS_METRIC]: trainableParams };
}

/** A study's objectives, validated. `metrics` is set for training-stream objectives. */
export interface Objectives {
  /** One per objective (length 1 for a single objective). */
  readonly directions: readonly Direction[];
  /** One per objective, when the study reads them from training streams. */
  readonly metrics: readonly string[] | undefined;
  /** More than one objective. */
  readonly multi: boolean;
}

/**
 * Read `direction`/`directions` and `metric`/`metrics` from a study's config: exactly one of each pair
 * (the metric ones optional), the lists of equal, non-zero length. `directions` of length 1 is a
 * single-objective study, as in Optuna.
 */
export function parseObjectives(where: string, c: Record<string, unknown>): Objectives {
  if (c.direction !== undefined && c.directions !== undefined) {
    throw configError(where, 'directions', "cannot be given with 'direction': give 'direction' for one objective, 'directions' for several");
  }
  if (c.metric !== undefined && c.metrics !== undefined) {
    throw configError(where, 'metrics', "cannot be given with 'metric': give 'metric' for one objective, 'metrics' for several");
  }
  let directions: Direction[];
  if (c.directions !== undefined) {
    if (!Array.isArray(c.directions) || c.directions.length === 0) throw configError(where, 'directions', "must be a non-empty array of 'minimize' or 'maximize'", c.directions);
    directions = c.directions.map((d, i) => oneOf(where, `directions[${i}]`, d, DIRECTIONS));
  } else {
    directions = [oneOf(where, 'direction', c.direction, DIRECTIONS)];
  }
  let metrics: string[] | undefined;
  if (c.metrics !== undefined) {
    if (!Array.isArray(c.metrics)) throw configError(where, 'metrics', 'must be an array of metric names, one per direction', c.metrics);
    metrics = c.metrics.map((m, i) => nonEmptyString(where, `metrics[${i}]`, m));
    if (new Set(metrics).size !== metrics.length) throw configError(where, 'metrics', 'must name each metric once', c.metrics);
  } else if (c.metric !== undefined) {
    metrics = [nonEmptyString(where, 'metric', c.metric)];
  }
  if (metrics !== undefined && metrics.length !== directions.length) {
    throw configError(where, c.metrics !== undefined ? 'metrics' : 'metric', `must name one metric per direction: ${metrics.length} metric(s) for ${directions.length} direction(s)`);
  }
  return { directions, metrics, multi: directions.length > 1 };
}

/** Whether a trial satisfies its constraints (a trial without any does). */
export function isFeasible(trial: FrozenTrial): boolean {
  return trial.constraints === undefined || trial.constraints.every((c) => c <= 0);
}

/** The completed, feasible trials that no other such trial dominates, in number order. */
export function paretoFrontOf(trials: readonly FrozenTrial[], directions: readonly Direction[]): FrozenTrial[] {
  const candidates = trials.filter((t) => t.state === 'completed' && t.values !== undefined && t.values.length === directions.length && isFeasible(t));
  const losses = candidates.map((t) => toLosses(t.values!, directions));
  const front = candidates.filter((_, i) => !losses.some((q, j) => j !== i && dominates(q, losses[i]!)));
  return front.sort((a, b) => a.number - b.number);
}

/**
 * The trial's constraint values from the study's `constraints` function, checked: an array of finite
 * numbers of the same length every time (a function that breaks this fails the trial).
 */
export function evaluateConstraints(fn: (trial: FrozenTrial) => readonly number[], trial: FrozenTrial, expected: number | undefined): number[] {
  const out = fn(trial);
  if (!Array.isArray(out) || out.length === 0 || !out.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new RxtrainError('INVALID_CONFIG', `study(): option 'constraints' must return a non-empty array of finite numbers (≤ 0 is satisfied); for trial ${trial.number} it returned ${Array.isArray(out) ? `[${out.map(String).join(', ')}]` : describe(out)}`, { field: 'constraints', trial: trial.number });
  }
  if (expected !== undefined && out.length !== expected) {
    throw new RxtrainError('INVALID_CONFIG', `study(): option 'constraints' returned ${out.length} value(s) for trial ${trial.number}, but ${expected} for earlier trials`, { field: 'constraints', trial: trial.number });
  }
  return out as number[];
}
