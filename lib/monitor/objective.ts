/**
 * What a run is judged by: its objective metric and which way is better. The views (dashboard, `rxtrain
 * watch`) rank, sort, star and shade by it, so it travels with the run's own events: a study's
 * `trialStarted` and `newBest`, an evolve run's `generationStarted`, `pbtStarted` and PBT's `newBest`,
 * and for a plain training run a `runObjective` record that `monitorTap(monitor, {objective})` sends
 * first. Without one, a metric's direction is its name's (lib/metrics/metric-names.ts's
 * `metricDirection`; the dashboard's copy is lib/monitor/dashboard/metric-names.js).
 */
import type { Direction } from '../search/types.js';

export interface RunObjective {
  readonly type: 'runObjective';
  readonly metric: string;
  readonly direction: Direction;
}

/** The objective an event declares for its run (any event with a `direction`), if it declares one. */
export function declaredObjective(event: { readonly type: string }): { readonly metric: string | undefined; readonly direction: Direction } | undefined {
  const e = event as { readonly direction?: unknown; readonly metric?: unknown };
  if (e.direction !== 'minimize' && e.direction !== 'maximize') return undefined;
  return { metric: typeof e.metric === 'string' ? e.metric : undefined, direction: e.direction };
}
