/**
 * What one `optimize()` run knows of its study's results, and the events that say when they change:
 * the best trial of a single objective (`newBest`), or the Pareto front of several
 * (`paretoFrontChanged`), starting from the study's when the run was subscribed to, then updated with
 * the trials the run saw end. Infeasible trials (the study's `constraints`) are never either.
 * (Split from optimize.ts, which schedules trials.)
 */
import type { Direction, FrozenTrial } from '../search/types.js';
import { isFeasible, paretoFrontOf } from './objectives.js';
import type { Study } from './study.js';
import type { NewBest, ParetoFrontChanged, StudyCompleted } from './study-events.js';

export type ResultsOf = Pick<Study, 'direction' | 'best'> & Partial<Pick<Study, 'directions' | 'metrics' | 'paretoFront'>> & { readonly metric?: string | undefined };

export interface RunResults {
  /** The study's objective(s), carried by `trialStarted` and `newBest` so that a view of the events alone knows which way is better. */
  readonly objective: { readonly direction: Direction; readonly metric?: string; readonly directions?: readonly Direction[]; readonly metrics?: readonly string[] };
  /** Take a completed trial in; the event its arrival makes, if it changed the results. */
  completed(record: FrozenTrial): NewBest | ParetoFrontChanged | undefined;
  /** The results as `studyCompleted` (and a run's error) report them. */
  summary(): Pick<StudyCompleted, 'best' | 'paretoFront'>;
}

/** Read the study's results now (this reads its storage, and may throw). */
export function runResults(study: ResultsOf): RunResults {
  const directions = study.directions ?? [study.direction];
  const multi = directions.length > 1;
  const metrics = study.metrics !== undefined ? { metrics: study.metrics } : {};
  const objective = {
    direction: study.direction,
    ...(study.metric !== undefined ? { metric: study.metric } : {}),
    ...(multi ? { directions, ...metrics } : {}),
  };
  let front: FrozenTrial[] = multi ? [...(study.paretoFront?.() ?? [])] : [];
  let best: FrozenTrial | undefined = multi ? undefined : study.best();
  const better = (a: number, b: number): boolean => (study.direction === 'minimize' ? a < b : a > b);

  return {
    objective,
    completed(record) {
      if (multi) {
        if (record.values === undefined) return undefined;
        const next = paretoFrontOf([...front, record], directions);
        if (!next.includes(record)) return undefined;
        front = next;
        return { type: 'paretoFrontChanged', trial: record.number, values: record.values, params: record.params, front: front.map((t) => t.number), directions, ...metrics };
      }
      // An infeasible trial is counted, but never the best: it breaks the study's constraints.
      if (record.value === undefined || !isFeasible(record)) return undefined;
      if (best?.value !== undefined && !better(record.value, best.value)) return undefined;
      const previous = best?.value;
      best = record;
      return { type: 'newBest', trial: record.number, value: record.value, params: record.params, ...(previous !== undefined ? { previous } : {}), ...objective };
    },
    summary() {
      return {
        ...(best?.value !== undefined ? { best: { trial: best.number, value: best.value, params: best.params } } : {}),
        ...(multi ? { paretoFront: front.map((t) => t.number) } : {}),
      };
    },
  };
}
