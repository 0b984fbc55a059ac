/**
 * How an `evolve()` population reaches the monitor: a population is not an event (it has no `type`,
 * and its members carry live streams), so `monitorTap` sends a {@link GenerationStarted} record of
 * plain data for it, then each member's trial events as they come, and a `newBest` record when a
 * member beats the best so far.
 */
import type { Observable } from 'rxjs';
import type { Population } from '../evolve/types.js';
import type { NewBest, TrialCompleted } from '../study/index.js';
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
    direction: p.direction,
    ...(p.metric === undefined ? {} : { metric: p.metric }),
  };
}

/** The members' event streams (replayed to each subscriber, so watching them does not rerun a member). */
export function memberStreams(p: Population): ReadonlyArray<Observable<{ readonly type: string }>> {
  return p.members.map((m) => m.events);
}

/**
 * The `newBest` records of an evolve run, which `evolve()` itself does not emit (its populations carry
 * the best of the earlier generations): one for the first completed member and for each member that
 * beats the best so far, by the population's direction. `see` takes each population when it starts
 * (its `best` seeds the tracker, for a resumed search) and each member event; it returns the record to
 * publish, if any.
 */
export function evolveBest(): { population(p: Population): void; member(e: { readonly type: string }): NewBest | undefined } {
  let best: { trial: number; value: number } | undefined;
  let objective: Pick<Population, 'direction' | 'metric'> = { direction: 'minimize' };
  return {
    population(p) {
      objective = p;
      if (best === undefined && p.best !== undefined) best = { trial: p.best.trial, value: p.best.value };
    },
    member(e) {
      if (!isTrialCompleted(e)) return undefined;
      if (!Number.isFinite(e.value) || e.trial === best?.trial) return undefined;
      if (best !== undefined && !(objective.direction === 'maximize' ? e.value > best.value : e.value < best.value)) return undefined;
      const previous = best?.value;
      best = { trial: e.trial, value: e.value };
      return {
        type: 'newBest',
        trial: e.trial,
        value: e.value,
        params: e.params,
        ...(previous === undefined ? {} : { previous }),
        direction: objective.direction,
        ...(objective.metric === undefined ? {} : { metric: objective.metric }),
      };
    },
  };
}

function isTrialCompleted(e: { readonly type: string }): e is TrialCompleted {
  return e.type === 'trialCompleted';
}
