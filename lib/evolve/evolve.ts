/**
 * `evolve()`: a generational genetic search whose populations are sets of trial streams.
 *
 * Intuition: generation 0 is drawn from the space; each later one keeps the best `elitism` members
 * and fills up with children of parents chosen by selection, made by crossover and mutation. Every
 * member is a trial of a study, run by `study.optimize` (so pruning, worker threads and storage work as
 * for any trial), and its fitness is its trial's value: the objective's number, or the study's metric
 * read from its training stream.
 */
import { Observable, ReplaySubject, type Subscription } from 'rxjs';
import { configError } from '../errors.js';
import type { FrozenTrial, Params } from '../search/types.js';
import type { SearchSpace } from '../search/space.js';
import { randomSampler } from '../search/samplers/random-sampler.js';
import { endEvent, isTrialSource, study as makeStudy, type Objective, type Study, type StudyEvent, type TrialSource } from '../study/index.js';
import { resolveEvolveConfig } from './config.js';
import { planGeneration, rank, type PlannedMember } from './breed.js';
import type { EvolveConfig, Member, MemberEvent, Population } from './types.js';

/** What `evolve` writes in each member's trial (`attrs.evolve`). */
export interface EvolveAttrs {
  readonly generation: number;
  readonly member: number;
  readonly origin: 'random' | 'offspring';
  readonly parents: readonly number[];
}

const WHERE = 'evolve()';

/**
 * Run a genetic search.
 *
 * @example
 * ```ts
 * import { lastValueFrom, tap } from 'rxjs';
 * import { evolve, space, uniform } from 'rxtrain';
 * const s = space({ x: uniform(-5, 5), y: uniform(-5, 5) });
 * await lastValueFrom(evolve(s, (trial) => trial.params.x ** 2 + trial.params.y ** 2, { populationSize: 10, generations: 8, seed: 1 })
 *   .pipe(tap((p) => console.log(p.generation, p.best?.value))));
 * ```
 * @param space The parameters (from `space({...})`): children are repaired to fit it, and checked.
 * @param objective As for `study.optimize`: a number, a Promise, or a training stream per trial; or
 *   `remoteWorkers()`, with `study` in a storage that worker processes share (`postgresStorage`): each
 *   generation is then queued there and run by `rxtrain worker` processes.
 * @param config See {@link EvolveConfig}; validated now, errors name the field.
 * @returns A cold Observable of populations, one per generation, emitted when the generation starts;
 *   a generation starts when every member of the previous one has ended. Completes after the last.
 *   Unsubscribing cancels the running members (recorded failed `'cancelled'`; a resume reruns them).
 */
export function evolve<P extends Params>(space: SearchSpace<P>, objective: Objective<P> | TrialSource<P>, config: EvolveConfig<P>): Observable<Population<P>> {
  if (space === null || typeof space !== 'object' || typeof space.sample !== 'function' || typeof space.problems !== 'function') {
    throw configError(WHERE, 'space', 'must be a search space from space({...})', space);
  }
  if (typeof objective !== 'function' && !isTrialSource(objective)) {
    throw configError(WHERE, 'objective', 'must be a function of a trial (or remoteWorkers(), with a study whose storage workers share)', objective);
  }
  const c = resolveEvolveConfig(config);

  return new Observable<Population<P>>((subscriber) => {
    const study: Study<P> =
      c.study ??
      makeStudy({
        name: 'evolve',
        direction: c.direction,
        ...(c.metric !== undefined ? { metric: c.metric } : {}),
        space,
        sampler: randomSampler({ seed: c.seed }),
        seed: c.seed,
      });
    let generation = 0;
    let ranked: FrozenTrial[] = [];
    let best: FrozenTrial | undefined;
    let optimizing: Subscription | undefined;
    let open: Array<ReplaySubject<MemberEvent>> = [];
    let busy = false;
    let again = false;

    const better = (a: FrozenTrial, b: FrozenTrial | undefined): boolean =>
      b?.value === undefined || (c.direction === 'minimize' ? a.value! < b.value : a.value! > b.value);

    const step = (): void => {
      if (generation >= c.generations) {
        subscriber.complete();
        return;
      }
      const g = generation;
      const plan = planGeneration(space, c, g, ranked);
      const stored = storedMembers(study.trials(), g);
      const numbers: number[] = [];
      const subjects: Array<ReplaySubject<MemberEvent>> = [];
      const byTrial = new Map<number, ReplaySubject<MemberEvent>>();
      let toRun = 0;
      const members: Member<P>[] = plan.map((planned: PlannedMember, index) => {
        const subject = new ReplaySubject<MemberEvent>();
        subjects.push(subject);
        let record: FrozenTrial;
        if (planned.trial !== undefined) {
          record = study.storage.getTrial(study.name, planned.trial)!;
        } else {
          const previous = stored.get(index);
          if (previous && previous.state !== 'running') {
            record = previous;
          } else {
            const attrs: EvolveAttrs = { generation: g, member: index, origin: planned.origin as EvolveAttrs['origin'], parents: planned.parents };
            record = study.enqueue(planned.params as P, { evolve: attrs });
          }
          if (record.state === 'waiting') {
            toRun++;
            byTrial.set(record.number, subject);
          }
        }
        if (record.state !== 'waiting') replayEnd(subject, record);
        numbers.push(record.number);
        return {
          index,
          trial: record.number,
          params: record.params as P,
          origin: planned.origin,
          parents: planned.parents,
          events: subject.asObservable(),
        };
      });
      open = subjects;
      subscriber.next({
        generation: g,
        members,
        ...(best?.value !== undefined ? { best: { trial: best.number, value: best.value, params: best.params as P } } : {}),
        direction: study.direction,
        ...(study.metric !== undefined ? { metric: study.metric } : {}),
      });
      if (subscriber.closed) return;

      const finish = (): void => {
        optimizing = undefined;
        const records = numbers.map((n) => study.storage.getTrial(study.name, n)!);
        records.forEach((r, i) => {
          const s = subjects[i]!;
          if (!s.closed && !s.isStopped) replayEnd(s, r);
        });
        ranked = rank(records, c.direction);
        for (const r of ranked) if (r.state === 'completed' && better(r, best)) best = r;
        generation++;
        pump();
      };
      if (toRun === 0) return finish();
      let ended = false;
      const sub = study.optimize(objective, { trials: toRun, concurrency: c.concurrency }).subscribe({
        next: (e: StudyEvent) => {
          if (e.type === 'newBest' || e.type === 'paretoFrontChanged' || e.type === 'studyCompleted') return;
          const s = byTrial.get(e.trial);
          if (!s) return;
          s.next(e);
          if (e.type === 'trialCompleted' || e.type === 'trialPruned' || e.type === 'trialFailed') s.complete();
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          ended = true;
          finish();
        },
      });
      if (!ended) optimizing = sub;
    };

    // A trampoline: synchronous objectives end a generation inside `step`, and a long search must not
    // become a deep stack.
    const pump = (): void => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          step();
        } while (again && !subscriber.closed);
      } catch (err) {
        subscriber.error(err);
      } finally {
        busy = false;
      }
    };

    pump();
    return () => {
      optimizing?.unsubscribe();
      for (const s of open) s.complete();
    };
  });
}

/** The members of generation `g` already in the study: per member index, its latest usable trial. */
function storedMembers(trials: readonly FrozenTrial[], g: number): Map<number, FrozenTrial> {
  const out = new Map<number, FrozenTrial>();
  for (const t of trials) {
    const a = t.attrs?.evolve as EvolveAttrs | undefined;
    if (!a || a.generation !== g) continue;
    // A member cut short (this process unsubscribed, or died) is run again; a real failure stays.
    if (t.state === 'failed' && (t.error === 'cancelled' || t.error?.startsWith('interrupted'))) continue;
    out.set(a.member, t);
  }
  return out;
}

/** Send a finished trial's end event (none for one still queued or running) and complete. */
function replayEnd(subject: ReplaySubject<MemberEvent>, r: FrozenTrial): void {
  const durationMs = r.finishedAt !== undefined && r.startedAt !== undefined ? r.finishedAt - r.startedAt : 0;
  if (r.state !== 'waiting' && r.state !== 'running') subject.next(endEvent(r, durationMs));
  subject.complete();
}
