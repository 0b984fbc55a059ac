/**
 * The row shapes the SQL storages (SQLite, PostgreSQL) share, and how a row becomes a record: params
 * and attrs are JSON text, and so are the lists of a multi-objective study (its `directions` and
 * `metrics`, a trial's `value_list`) and a trial's `constraints`; absent values are NULL.
 */
import type { Direction, FrozenTrial, Params, TrialState } from '../search/types.js';
import type { StudyRecord } from './storage.js';
import { freezeStudy, freezeTrial } from './rules.js';

export interface StudyRow {
  id: number;
  name: string;
  direction: 'minimize' | 'maximize';
  metric: string | null;
  created_at: number;
  /** JSON list, a multi-objective study only (schema: SQLite 2, PostgreSQL 3). */
  directions: string | null;
  metrics: string | null;
}

export interface TrialRow {
  number: number;
  state: TrialState;
  params: string;
  value: number | null;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  attrs: string | null;
  /** JSON list: a multi-objective trial's values. */
  value_list: string | null;
  /** JSON list: the study's constraints for the trial. */
  constraints: string | null;
}

/** A JSON list column, or undefined for NULL (and for a row from before the column existed). */
function list<T>(text: string | null | undefined): T[] | undefined {
  return text === null || text === undefined ? undefined : (JSON.parse(text) as T[]);
}

/** A list as a JSON column value (NULL when absent). */
export function listColumn(list: readonly unknown[] | undefined): string | null {
  return list === undefined ? null : JSON.stringify(list);
}

/** A step's row: its time `at` (ms) is NULL in rows written before the schema kept it (SQLite 3, PostgreSQL 4). */
export interface StepValueRow {
  readonly step: number;
  readonly value: number;
  readonly at?: number | null;
}

export function trialFromRow(row: TrialRow, steps: ReadonlyArray<StepValueRow>): FrozenTrial {
  return freezeTrial({
    number: row.number,
    state: row.state,
    params: JSON.parse(row.params) as Params,
    value: row.value ?? undefined,
    values: list<number>(row.value_list),
    constraints: list<number>(row.constraints),
    intermediate: steps.map((s) => [s.step, s.value] as const),
    stepTimes: steps.flatMap((s) => (s.at === null || s.at === undefined ? [] : [[s.step, s.at] as const])),
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    error: row.error ?? undefined,
    attrs: row.attrs === null ? undefined : (JSON.parse(row.attrs) as Record<string, unknown>),
  });
}

export function studyFromRow(row: StudyRow): StudyRecord {
  const directions = list<Direction>(row.directions);
  const metrics = list<string>(row.metrics);
  return freezeStudy({
    name: row.name,
    direction: row.direction,
    ...(row.metric !== null ? { metric: row.metric } : {}),
    ...(directions !== undefined ? { directions } : {}),
    ...(metrics !== undefined ? { metrics } : {}),
    createdAt: row.created_at,
  });
}
