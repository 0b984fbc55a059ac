/**
 * One line of the study list page (`rxtrain dashboard` on a storage that holds several studies): a
 * study's objective, its trials by state, and its best completed trial.
 */
import type { FrozenTrial, Params, TrialState } from '../search/types.js';
import type { StudyRecord } from '../storage/storage.js';

export interface StudySummary {
  readonly name: string;
  readonly direction: StudyRecord['direction'];
  readonly metric?: string;
  readonly createdAt: number;
  readonly trials: number;
  readonly states: Readonly<Partial<Record<TrialState, number>>>;
  readonly best?: { readonly trial: number; readonly value: number; readonly params: Params };
  /** When a trial last started or finished (ms), if any did. */
  readonly lastActivity?: number;
}

export function studySummary(study: StudyRecord, trials: readonly FrozenTrial[]): StudySummary {
  const states: Partial<Record<TrialState, number>> = {};
  let best: StudySummary['best'];
  let last: number | undefined;
  for (const t of trials) {
    if (t === undefined) continue;
    states[t.state] = (states[t.state] ?? 0) + 1;
    const at = t.finishedAt ?? t.startedAt;
    if (at !== undefined && (last === undefined || at > last)) last = at;
    if (t.state !== 'completed' || t.value === undefined || (t.constraints !== undefined && t.constraints.some((c) => c > 0))) continue;
    if (best === undefined || (study.direction === 'maximize' ? t.value > best.value : t.value < best.value)) best = { trial: t.number, value: t.value, params: t.params };
  }
  return {
    name: study.name,
    direction: study.direction,
    ...(study.metric === undefined ? {} : { metric: study.metric }),
    createdAt: study.createdAt,
    trials: trials.filter((t) => t !== undefined).length,
    states,
    ...(best === undefined ? {} : { best }),
    ...(last === undefined ? {} : { lastActivity: last }),
  };
}
