/**
 * A stored study as the events the live monitor shows: what `study.optimize()` would have emitted for
 * its trials, made from their records, so that the dashboard's views work unchanged on a study read
 * from a storage. Each call of `update` takes the study's trials as they are now and returns only
 * what changed since the last call: a trial seen for the first time (or its parameters set) gives
 * `trialStarted`, each new step an `epochEnd` (with the step's stored `time`, when the storage has
 * it), its end `trialCompleted` / `trialPruned` /
 * `trialFailed` (lib/study's `endEvent`), and a completed trial that beats the best so far `newBest`;
 * its attributes, when it has some, `trialAttrs` (again whenever they change).
 * An `evolve()` study's members (`attrs.evolve`) also give each generation's `generationStarted`,
 * again whenever a generation gains a member, for the population view.
 *
 * Waiting trials (queued, not yet claimed by a worker) are not shown until they run.
 */
import type { Metrics } from '../events.js';
import type { FrozenTrial, Params } from '../search/types.js';
import type { StudyRecord } from '../storage/storage.js';
import { endEvent, type NewBest, type StudyEvent, type TrialEpochEnd, type TrialStarted } from '../study/index.js';
import type { GenerationMember, GenerationStarted } from './protocol.js';

/** A stored trial's attributes (`attrs`), when it has some, and again when they change: for the dashboard's detail panel. */
export interface TrialAttrs {
  readonly type: 'trialAttrs';
  readonly trial: number;
  readonly attrs: Readonly<Record<string, unknown>>;
}

/** A stored step: the time it was reported at (ms since 1970, the study's clock), when the storage kept it. */
export interface StoredEpochEnd extends TrialEpochEnd {
  readonly time?: number;
}

/** The events of a stored study. */
export type StoredStudyEvent = Exclude<StudyEvent, TrialEpochEnd> | StoredEpochEnd | GenerationStarted | TrialAttrs;

/** The metrics each step of a trial reported, by step (storages that keep them; else none). */
export type StepMetrics = (trial: number) => ReadonlyMap<number, Readonly<Record<string, number>>>;

interface Seen {
  /** Its `trialStarted` was sent, with parameters (true) or before it had any (false). */
  started: boolean | undefined;
  steps: number;
  ended: boolean;
  /** The attributes last sent, as JSON. */
  attrs: string;
}

interface EvolveAttrs {
  readonly generation: number;
  readonly member: number;
  readonly origin: GenerationMember['origin'];
  readonly parents: readonly number[];
}

/**
 * The tracker of one stored study.
 *
 * @example
 * ```ts
 * const events = storedStudyEvents(record);
 * for (const e of events.update(storage.getTrials(record.name))) monitor.publish(record.name, e);
 * ```
 */
export function storedStudyEvents(study: StudyRecord): { update(trials: readonly FrozenTrial[], stepMetrics?: StepMetrics): StoredStudyEvent[] } {
  const seen = new Map<number, Seen>();
  const generations = new Map<number, Map<number, GenerationMember>>();
  let best: { trial: number; value: number } | undefined;
  const objective = { direction: study.direction, ...(study.metric === undefined ? {} : { metric: study.metric }) };
  const better = (a: number, b: number): boolean => (study.direction === 'maximize' ? a > b : a < b);
  const hasParams = (p: Params): boolean => Object.keys(p).length > 0;

  return {
    update(trials, stepMetrics) {
      const out: StoredStudyEvent[] = [];
      for (const t of trials) {
        if (t === undefined || t.state === 'waiting') continue;
        let s = seen.get(t.number);
        if (!s) seen.set(t.number, (s = { started: undefined, steps: 0, ended: false, attrs: '{}' }));
        const attrs = JSON.stringify(t.attrs ?? {});
        if (s.ended) {
          // Attributes may be set on a finished trial (a retry's link to it, an annotation).
          if (attrs !== s.attrs) out.push({ type: 'trialAttrs', trial: t.number, attrs: t.attrs ?? {} });
          s.attrs = attrs;
          continue;
        }
        const generation = evolveMember(t, generations);
        if (generation) out.push({ type: 'generationStarted', generation: generation.generation, members: generation.members, ...objective });
        if (s.started === undefined || (s.started === false && hasParams(t.params))) {
          const started: TrialStarted = { type: 'trialStarted', trial: t.number, params: t.params, time: t.startedAt ?? 0, ...objective };
          out.push(started);
          s.started = hasParams(t.params);
        }
        if (attrs !== s.attrs) out.push({ type: 'trialAttrs', trial: t.number, attrs: t.attrs ?? {} });
        s.attrs = attrs;
        if (t.intermediate.length > s.steps) {
          const metrics = stepMetrics?.(t.number);
          const times = new Map<number, number>(t.stepTimes ?? []);
          for (const [step, value] of t.intermediate.slice(s.steps)) {
            const time = times.get(step);
            const epochEnd: StoredEpochEnd = { type: 'epochEnd', trial: t.number, epoch: step, metrics: (metrics?.get(step) ?? { [study.metric ?? 'value']: value }) as Metrics, value, ...(time === undefined ? {} : { time }) };
            out.push(epochEnd);
          }
          s.steps = t.intermediate.length;
        }
        if (t.state === 'running') continue;
        s.ended = true;
        const duration = t.finishedAt !== undefined && t.startedAt !== undefined ? t.finishedAt - t.startedAt : 0;
        out.push(endEvent(t, duration));
        // As a study's own newBest: single-objective, feasible (constraints all ≤ 0) trials only.
        const feasible = t.constraints === undefined || t.constraints.every((c) => c <= 0);
        if (t.state === 'completed' && t.value !== undefined && feasible && (best === undefined || better(t.value, best.value))) {
          const record: NewBest = { type: 'newBest', trial: t.number, value: t.value, params: t.params, ...(best === undefined ? {} : { previous: best.value }), ...objective };
          best = { trial: t.number, value: t.value };
          out.push(record);
        }
      }
      return out;
    },
  };
}

/** Add an `evolve()` member to its generation; the generation, if it gained the member. */
function evolveMember(t: FrozenTrial, generations: Map<number, Map<number, GenerationMember>>): { generation: number; members: GenerationMember[] } | undefined {
  const a = t.attrs?.evolve as EvolveAttrs | undefined;
  if (!a || typeof a.generation !== 'number' || typeof a.member !== 'number') return undefined;
  let members = generations.get(a.generation);
  if (!members) generations.set(a.generation, (members = new Map()));
  if (members.get(a.member)?.trial === t.number) return undefined;
  members.set(a.member, { index: a.member, trial: t.number, params: t.params, origin: a.origin, parents: a.parents ?? [] });
  return { generation: a.generation, members: [...members.values()].sort((x, y) => x.index - y.index) };
}
