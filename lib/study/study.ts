/**
 * A study: a named search for the parameters that optimise one objective (or several: `directions`),
 * kept in a storage.
 *
 * Intuition: `ask()` gives you a running trial with sampled parameters, `tell()` records how it ended;
 * `optimize()` is that loop as an Observable, with several trials at once. Anything the study knows
 * lives in its storage, so a study reopened by name (after a crash, in another process) carries on.
 */
import type { Observable } from 'rxjs';
import { RxtrainError, configError, errorMessage } from '../errors.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { hashSeed } from '../random.js';
import type { Direction, FrozenTrial, Params, Pruner, Sampler, SearchSpaceLike, TrialState } from '../search/types.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { Storage } from '../storage/storage.js';
import { finiteNumber, knownFields, nonEmptyString, oneOf, requireObject } from '../validate.js';
import { evaluateConstraints, isFeasible, paretoFrontOf, parseObjectives } from './objectives.js';
import { makeTrial, type Trial, type TrialHandle } from './trial.js';
import { addTrials } from './add-trials.js';
import { runOptimize, type Objective, type OptimizeOptions } from './optimize.js';
import type { StudyEvent } from './study-events.js';
import type { TrialSource } from './trial-source.js';

/** The parameter type a space yields: inferred from `rxtrain`'s `SearchSpace<P>`, else {@link Params}. */
export type ParamsOf<S> = S extends { validate(params: unknown): params is infer P extends Params } ? P : Params;

export interface StudyConfig<S extends SearchSpaceLike = SearchSpaceLike> {
  /** Identifies the study in its storage: reopening a name resumes the study. */
  readonly name: string;
  /** Whether the objective is minimised or maximised (one objective; several: `directions`). */
  readonly direction?: Direction;
  /**
   * A multi-objective study: one direction per objective (`['maximize', 'minimize']`). Its objective
   * returns an array of numbers in this order, or a training stream whose epochs carry every one of
   * `metrics`. Not with `direction`.
   */
  readonly directions?: readonly Direction[];
  /** The metric trials are judged by when they are training streams (`val_accuracy`, `val_loss`, ...). */
  readonly metric?: string;
  /** A multi-objective study's metrics, one per direction (e.g. `['val_accuracy', 'params']`). Not with `metric`. */
  readonly metrics?: readonly string[];
  /**
   * Constraints of a completed trial, as Optuna's `constraints_func`: numbers that are each ≤ 0 when
   * satisfied. Called with the trial's record once its value(s) are known; stored with it
   * (`FrozenTrial.constraints`). `best()` and `paretoFront()` count feasible trials only, and samplers
   * rank infeasible trials after feasible ones.
   */
  readonly constraints?: (trial: FrozenTrial) => readonly number[];
  /** Where trials are kept (default: a new `memoryStorage()`). */
  readonly storage?: Storage;
  /** The parameters to search. */
  readonly space: S;
  readonly sampler: Sampler;
  readonly pruner?: Pruner;
  /** Seed of the trials' own seeds (`trial.seed`); default: derived from the name. */
  readonly seed?: number;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /**
   * What to do with trials a dead process left running, found when the study is opened: they are
   * always marked failed `'interrupted'`; `'retry'` also queues their parameters as a new trial (with
   * `attrs.retryOf` set to the old number), which the next `ask()` takes. Default `'fail'`.
   */
  readonly onInterrupted?: 'fail' | 'retry';
}

export interface Study<P extends Params = Params> {
  readonly name: string;
  /** The objective's direction (a multi-objective study: its first objective's). */
  readonly direction: Direction;
  /** One direction per objective (a single objective: `[direction]`). */
  readonly directions: readonly Direction[];
  /** The metric of the objective (a multi-objective study: its first objective's). */
  readonly metric: string | undefined;
  /** One metric per objective, when the study has metrics. */
  readonly metrics: readonly string[] | undefined;
  readonly storage: Storage;
  readonly sampler: Sampler;
  readonly pruner: Pruner | undefined;
  /** The parameters searched (what importance() reads the parameters' ranges from). */
  readonly space: SearchSpaceLike;
  /** Trials found interrupted when this study object opened the study (already marked failed). */
  readonly interrupted: readonly FrozenTrial[];
  /** Start a trial: the oldest queued one if any, else a new one with parameters from the sampler. */
  ask(): Trial<P>;
  /**
   * Record how a trial ended. A number is its value (NaN or ±Infinity records it failed instead); a
   * multi-objective study takes an array, one value per objective; `'pruned'` keeps its last
   * intermediate value; `'failed'` records `error` (an Error's message).
   */
  tell(trial: Trial<P> | number, result: number | readonly number[] | 'pruned' | 'failed', error?: unknown): FrozenTrial;
  /** Queue parameters to be tried by a later `ask()` (e.g. a known good configuration). */
  enqueue(params: P, attrs?: Readonly<Record<string, unknown>>): FrozenTrial;
  /**
   * Copy finished trials (of another study, say) into this one, as Optuna's `add_trials`: each becomes
   * a new trial with its parameters, intermediate values, state and value, and `attrs.addedFrom` (its
   * old number). The sampler then learns from them: a warm start. All are checked against the space
   * first; nothing is added if one does not fit.
   */
  addTrials(trials: readonly FrozenTrial[]): readonly FrozenTrial[];
  /** The study's trials, in number order, optionally only some states. */
  trials(states?: readonly TrialState[]): readonly FrozenTrial[];
  /**
   * The completed trial with the best value (the lowest number among equals), if any; with
   * `constraints`, the best feasible one. A multi-objective study has no single best: this throws
   * `INVALID_CONFIG`, pointing to {@link paretoFront}.
   */
  best(): FrozenTrial | undefined;
  /**
   * The completed (and, with `constraints`, feasible) trials that no other one dominates: no other is
   * at least as good in every objective and better in one, each objective judged by its direction. In
   * number order. A single-objective study's front is its best trials (all those that tie).
   */
  paretoFront(): readonly FrozenTrial[];
  /**
   * Run the objective on new trials; see {@link OptimizeOptions} and {@link StudyEvent}. Given a
   * {@link TrialSource} instead (`remoteWorkers()`: worker processes run the trials, this call queues and
   * follows them), the trials come from the source.
   */
  optimize(objective: Objective<P> | TrialSource<P>, options?: OptimizeOptions): Observable<StudyEvent>;
}

const WHERE = 'study()';
const FIELDS = ['name', 'direction', 'directions', 'metric', 'metrics', 'storage', 'space', 'sampler', 'pruner', 'seed', 'clock', 'onInterrupted', 'constraints'];

function requireMethods(field: string, value: unknown, methods: readonly string[], what: string): void {
  const ok = value !== null && typeof value === 'object' && methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
  if (!ok) throw configError(WHERE, field, `must be ${what} (with ${methods.map((m) => `${m}()`).join(', ')})`, value);
}

/**
 * Open a study: create it in its storage, or load it to carry on.
 *
 * @example
 * ```ts
 * import { study, space, uniform, randomSampler } from 'rxtrain';
 * const s = study({ name: 'quadratic', direction: 'minimize', space: space({ x: uniform(-5, 5) }), sampler: randomSampler({ seed: 1 }) });
 * const trial = s.ask();
 * s.tell(trial, (trial.params.x - 2) ** 2);
 * ```
 * @returns A {@link Study}. Throws `INVALID_CONFIG` naming the bad field, or `STORAGE` if the stored
 *   study has another direction or metric.
 */
export function study<S extends SearchSpaceLike>(config: StudyConfig<S>): Study<ParamsOf<S>> {
  type P = ParamsOf<S>;
  const c = requireObject(WHERE, config);
  knownFields(WHERE, c, FIELDS);
  const name = nonEmptyString(WHERE, 'name', c.name);
  const { directions, metrics, multi } = parseObjectives(WHERE, c);
  const direction = directions[0]!;
  const metric = metrics?.[0];
  const storage = (c.storage ?? memoryStorage()) as Storage;
  requireMethods('storage', storage, ['openStudy', 'createTrial', 'getTrials'], 'a Storage');
  const space = c.space as S;
  if (space === null || typeof space !== 'object' || !Array.isArray((space as SearchSpaceLike).params)) {
    throw configError(WHERE, 'space', 'must be a search space (from space({...}))', space);
  }
  requireMethods('sampler', c.sampler, ['sample'], 'a Sampler');
  const sampler = c.sampler as Sampler;
  if (multi && sampler.multiObjective !== true) {
    throw configError(WHERE, 'sampler', `is '${sampler.name}', which optimises one objective; a multi-objective study needs nsga2Sampler(), randomSampler() or gridSampler()`);
  }
  if (c.pruner !== undefined) requireMethods('pruner', c.pruner, ['shouldPrune'], 'a Pruner');
  const pruner = c.pruner as Pruner | undefined;
  if (multi && pruner !== undefined) {
    throw configError(WHERE, 'pruner', 'is not supported in a multi-objective study (as in Optuna: a trial cannot be judged hopeless on several objectives at once)');
  }
  if (c.constraints !== undefined && typeof c.constraints !== 'function') throw configError(WHERE, 'constraints', 'must be a function of a trial returning numbers (≤ 0 is satisfied)', c.constraints);
  const constraints = c.constraints as ((trial: FrozenTrial) => readonly number[]) | undefined;
  const seed = c.seed === undefined ? hashSeed(name) : finiteNumber(WHERE, 'seed', c.seed);
  const clock = (c.clock ?? systemClock) as Clock;
  requireMethods('clock', clock, ['now'], 'a Clock');
  const onInterrupted = c.onInterrupted === undefined ? 'fail' : oneOf(WHERE, 'onInterrupted', c.onInterrupted, ['fail', 'retry'] as const);

  const objectives = multi ? { directions, ...(metrics !== undefined ? { metrics } : {}) } : {};
  const opened = storage.openStudy({ name, direction, ...(metric !== undefined ? { metric } : {}), ...objectives }, clock.now());
  if (onInterrupted === 'retry') {
    // A storage that re-queues interrupted trials itself (postgres, onStale 'retry') marks them `requeuedAs`.
    for (const t of opened.interrupted.filter((x) => x.attrs?.requeuedAs === undefined)) storage.createTrial(name, { state: 'waiting', params: t.params, attrs: { retryOf: t.number }, now: clock.now() });
  }

  const ctx = { study: name, direction, directions, metric, metrics, seed, storage, pruner, clock };
  const problemsOf = (params: unknown): string[] => {
    const check = (space as { problems?: (p: unknown) => string[] }).problems;
    return typeof check === 'function' ? check.call(space, params) : [];
  };

  const better = (a: number, b: number): boolean => (direction === 'minimize' ? a < b : a > b);

  const self: Study<P> = {
    name,
    direction,
    directions,
    metric,
    metrics,
    storage,
    sampler,
    pruner,
    space,
    interrupted: opened.interrupted,

    ask(): Trial<P> {
      return askHandle().trial;
    },

    tell(trial: Trial<P> | number, result: number | readonly number[] | 'pruned' | 'failed', error?: unknown): FrozenTrial {
      const number = typeof trial === 'number' ? trial : trial?.number;
      if (typeof number !== 'number' || !Number.isInteger(number)) throw configError('study.tell()', 'trial', 'must be a Trial or a trial number', trial);
      if (typeof trial === 'object' && trial.study !== name) {
        throw configError('study.tell()', 'trial', `belongs to study ${JSON.stringify(trial.study)}, not ${JSON.stringify(name)}`);
      }
      const now = clock.now();
      if (typeof result === 'number' || Array.isArray(result)) return complete(number, result as number | readonly number[], now);
      if (result === 'pruned') return storage.finishTrial(name, number, { state: 'pruned', now });
      if (result === 'failed') return storage.finishTrial(name, number, { state: 'failed', error: errorMessage(error), now });
      throw configError('study.tell()', 'result', "must be a number, 'pruned' or 'failed'", result);
    },

    enqueue(params: P, attrs?: Readonly<Record<string, unknown>>): FrozenTrial {
      const problems = problemsOf(params);
      if (problems.length > 0) {
        throw new RxtrainError('INVALID_CONFIG', `study.enqueue(): parameters do not fit the space: ${problems.join('; ')}`, { problems });
      }
      return storage.createTrial(name, { state: 'waiting', params, ...(attrs ? { attrs } : {}), now: clock.now() });
    },

    addTrials(trials: readonly FrozenTrial[]): readonly FrozenTrial[] {
      return addTrials({ study: name, storage, clock, problemsOf, objectives: directions.length }, trials);
    },

    trials(states?: readonly TrialState[]): readonly FrozenTrial[] {
      return storage.getTrials(name, states);
    },

    best(): FrozenTrial | undefined {
      if (multi) {
        throw new RxtrainError('INVALID_CONFIG', `study.best(): study ${JSON.stringify(name)} has ${directions.length} objectives, so no single best trial: use study.paretoFront()`, { field: 'directions' });
      }
      let best: FrozenTrial | undefined;
      for (const t of storage.getTrials(name, ['completed'])) {
        if (t.value !== undefined && isFeasible(t) && (best === undefined || better(t.value, best.value!))) best = t;
      }
      return best;
    },

    paretoFront(): readonly FrozenTrial[] {
      const completed = storage.getTrials(name, ['completed']);
      if (multi) return paretoFrontOf(completed, directions);
      const b = self.best();
      return b === undefined ? [] : completed.filter((t) => t.value === b.value && isFeasible(t));
    },

    optimize(objective: Objective<P> | TrialSource<P>, options?: OptimizeOptions): Observable<StudyEvent> {
      return runOptimize<P>({ study: self, space, clock, ask: askHandle, handle: (claimed) => makeTrial<P>(ctx, claimed) }, objective, options);
    },
  };

  /** Record a trial's value(s): completed when they fit the study's objectives and are finite, else failed. */
  function complete(number: number, result: number | readonly number[], now: number): FrozenTrial {
    const values = typeof result === 'number' ? [result] : result;
    if (values.length !== directions.length || !values.every((v) => typeof v === 'number')) {
      throw configError('study.tell()', 'result', `must be ${multi ? `an array of ${directions.length} numbers, one per objective (${directions.join(', ')})` : 'a number'}`, result);
    }
    if (!values.every((v) => Number.isFinite(v))) {
      return storage.finishTrial(name, number, { state: 'failed', error: `the objective returned ${multi ? `[${values.join(', ')}]` : values[0]}`, now });
    }
    const outcome = multi ? { values: [...values] } : { value: values[0]! };
    let judged: { constraints?: number[] } = {};
    if (constraints !== undefined) {
      const running = storage.getTrial(name, number);
      if (running === undefined) return storage.finishTrial(name, number, { state: 'completed', ...outcome, now });
      const record = Object.freeze({ ...running, state: 'completed' as const, ...outcome, finishedAt: now });
      const earlier = storage.getTrials(name, ['completed']).find((t) => t.constraints !== undefined)?.constraints?.length;
      try {
        judged = { constraints: evaluateConstraints(constraints, record, earlier) };
      } catch (err) {
        return storage.finishTrial(name, number, { state: 'failed', error: `constraints failed: ${errorMessage(err)}`, now });
      }
    }
    return storage.finishTrial(name, number, { state: 'completed', ...outcome, ...judged, now });
  }

  function askHandle(): TrialHandle<P> {
    const now = clock.now();
    let record = storage.claimWaitingTrial(name, now) ?? storage.createTrial(name, { state: 'running', now });
    if (Object.keys(record.params).length === 0 && space.params.length > 0) {
      try {
        const trials = storage.getTrials(name).filter((t) => t.number !== record.number);
        const params = sampler.sample(space, trials, { direction, ...(multi ? { directions } : {}), trialNumber: record.number });
        record = storage.setTrialParams(name, record.number, params);
      } catch (err) {
        storage.finishTrial(name, record.number, { state: 'failed', error: `sampling failed: ${errorMessage(err)}`, now: clock.now() });
        throw err;
      }
    }
    return makeTrial<P>(ctx, record);
  }

  return self;
}
