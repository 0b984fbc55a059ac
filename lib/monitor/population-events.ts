/**
 * How an `evolve()` population reaches the monitor: a population is not an event (it has no `type`,
 * and its members carry live streams), so `monitorTap` sends a {@link GenerationStarted} record of
 * plain data for it, then each member's trial events as they come.
 */
import type { Observable } from 'rxjs';
import type { Population } from '../evolve/types.js';
import type { GenerationStarted } from './protocol.js';

/** Whether a stream value is an `evolve()` population (not a `{type}` event). */
export function isPopulation(value: unknown): value is Population {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { type?: unknown; generation?: unknown; members?: unknown };
  return v.type === undefined && typeof v.generation === 'number' && Array.isArray(v.members);
}

/** The plain-data record of a population. */
export function generationStarted(p: Population): GenerationStarted {
  return {
    type: 'generationStarted',
    generation: p.generation,
    members: p.members.map((m) => ({ index: m.index, trial: m.trial, params: m.params, origin: m.origin, parents: m.parents })),
    ...(p.best === undefined ? {} : { best: { trial: p.best.trial, value: p.best.value, params: p.best.params } }),
  };
}

/** The members' event streams (replayed to each subscriber, so watching them does not rerun a member). */
export function memberStreams(p: Population): ReadonlyArray<Observable<{ readonly type: string }>> {
  return p.members.map((m) => m.events);
}
