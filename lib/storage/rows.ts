/**
 * The row shapes the SQL storages (SQLite, PostgreSQL) share, and how a row becomes a record: params
 * and attrs are JSON text, absent values are NULL.
 */
import type { FrozenTrial, Params, TrialState } from '../search/types.js';
import type { StudyRecord } from './storage.js';
import { freezeTrial } from './rules.js';

export interface StudyRow {
  id: number;
  name: string;
  direction: 'minimize' | 'maximize';
  metric: string | null;
  created_at: number;
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
}

export function trialFromRow(row: TrialRow, steps: ReadonlyArray<{ readonly step: number; readonly value: number }>): FrozenTrial {
  return freezeTrial({
    number: row.number,
    state: row.state,
    params: JSON.parse(row.params) as Params,
    value: row.value ?? undefined,
    intermediate: steps.map((s) => [s.step, s.value] as const),
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    error: row.error ?? undefined,
    attrs: row.attrs === null ? undefined : (JSON.parse(row.attrs) as Record<string, unknown>),
  });
}

export function studyFromRow(row: StudyRow): StudyRecord {
  return Object.freeze({ name: row.name, direction: row.direction, ...(row.metric !== null ? { metric: row.metric } : {}), createdAt: row.created_at });
}
