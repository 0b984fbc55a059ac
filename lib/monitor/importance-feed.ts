/**
 * `importanceFeed()`: from a study's events to `paramImportance` events, so that a dashboard can show
 * which parameters mattered while the study runs. Used by `startMonitor` on each run's study events;
 * anything else that has a study's events as an Observable (a dashboard read from the storage) can
 * pipe them through it the same way.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { configError } from '../errors.js';
import { importance } from '../search/importance/importance.js';
import type { Direction, FrozenTrial, Params } from '../search/types.js';
import { finiteNumber, knownFields, positiveInt, requireObject } from '../validate.js';

/** The importance of a study's parameters to each of its objectives, over its completed trials so far. */
export interface ParamImportance {
  readonly type: 'paramImportance';
  /** Completed trials it was computed over. */
  readonly trials: number;
  readonly evaluator: 'fanova' | 'meanDecreaseImpurity';
  /** Trees of each forest. */
  readonly nTrees: number;
  /** One entry per objective (one for a single-objective study), in the study's order. */
  readonly objectives: readonly {
    readonly metric?: string;
    readonly direction?: Direction;
    /** [parameter, share] pairs, largest first, shares summing to 1 (or all 0). */
    readonly importance: readonly (readonly [string, number])[];
  }[];
}

export interface ImportanceFeedOptions {
  /** Seed of the forests (default 0). */
  readonly seed?: number;
  /** Fewest completed trials before the first computation (default 8). */
  readonly minTrials?: number;
  /**
   * Recompute once the completed trials grew by this share of those last counted, and by at least 5
   * (default 0.2): a computation costs about linearly in the trials, so the feed's total cost stays a
   * few computations per doubling of the study, not one per trial.
   */
  readonly growth?: number;
  /**
   * Above this many completed trials, mean decrease in impurity (cheaper) instead of fANOVA (default
   * 200); above 4 times as many, with fewer trees (64 × 4·fanovaUpTo / trials, at least 8), so that a
   * computation's cost stops growing with the study.
   */
  readonly fanovaUpTo?: number;
}

interface Seen {
  readonly type: string;
  readonly trial?: unknown;
  readonly value?: unknown;
  readonly values?: unknown;
  readonly params?: unknown;
  readonly direction?: unknown;
  readonly metric?: unknown;
  readonly directions?: unknown;
  readonly metrics?: unknown;
}

const WHERE = 'importanceFeed()';

/**
 * Parameter importance, recomputed as a study's trials complete.
 *
 * Intuition: a study's events go in; now and then, when enough new trials completed since the last
 * time (and once more when the study completes, or its events end without saying so), out comes the
 * importance of each parameter to each objective, computed by {@link importance} over every completed trial seen so far.
 *
 * The computation runs synchronously in `next` of the event that triggers it: for the live monitor
 * the caller delivers events asynchronously (see `startMonitor`), so that it never runs inside a
 * producer's `publish`. Until the study has `minTrials` completed trials, or while importance cannot
 * be computed (all values equal, parameters only some trials have), nothing is emitted.
 *
 * @example
 * ```ts
 * import { importanceFeed } from 'rxtrain';
 * s.optimize(objective, { trials: 100 }).pipe(importanceFeed()).subscribe((e) => console.log(e.objectives[0]?.importance));
 * ```
 * @param options see {@link ImportanceFeedOptions}.
 * @returns an operator from study events (any `{ type }` objects; others are ignored) to {@link ParamImportance} events.
 */
export function importanceFeed(options: ImportanceFeedOptions = {}): OperatorFunction<{ readonly type: string }, ParamImportance> {
  const c = requireObject(WHERE, options, 'options');
  knownFields(WHERE, c, ['seed', 'minTrials', 'growth', 'fanovaUpTo']);
  const seed = c.seed === undefined ? 0 : finiteNumber(WHERE, 'seed', c.seed);
  const minTrials = c.minTrials === undefined ? 8 : positiveInt(WHERE, 'minTrials', c.minTrials);
  const growth = c.growth === undefined ? 0.2 : finiteNumber(WHERE, 'growth', c.growth);
  if (growth < 0) throw configError(WHERE, 'growth', 'must be at least 0', growth);
  const fanovaUpTo = c.fanovaUpTo === undefined ? 200 : positiveInt(WHERE, 'fanovaUpTo', c.fanovaUpTo);

  return (source) =>
    new Observable<ParamImportance>((subscriber) => {
      const trials: FrozenTrial[] = [];
      const seenTrials = new Set<number>();
      let directions: readonly Direction[] = [];
      let metrics: readonly (string | undefined)[] = [];
      let counted = 0;

      const compute = (): void => {
        counted = trials.length;
        const evaluator = trials.length > fanovaUpTo ? 'meanDecreaseImpurity' : 'fanova';
        const nTrees = Math.max(8, Math.min(64, Math.floor((64 * 4 * fanovaUpTo) / trials.length)));
        const n = Math.max(1, directions.length, trials[0]?.values?.length ?? 1);
        const objectives: ParamImportance['objectives'][number][] = [];
        for (let k = 0; k < n; k++) {
          let shares: ReadonlyMap<string, number>;
          try {
            shares = importance(trials, { seed, evaluator, nTrees, target: (t) => (t.values ? t.values[k]! : t.value!) });
          } catch {
            return; // not computable yet (too few distinct values, ...): wait for more trials
          }
          objectives.push({
            ...(metrics[k] !== undefined ? { metric: metrics[k] } : {}),
            ...(directions[k] !== undefined ? { direction: directions[k] } : {}),
            importance: [...shares],
          });
        }
        subscriber.next({ type: 'paramImportance', trials: trials.length, evaluator, nTrees, objectives });
      };

      return source.subscribe({
        next: (event) => {
          const e = event as Seen;
          if (e.type === 'trialStarted' || e.type === 'newBest' || e.type === 'paretoFrontChanged') {
            if (Array.isArray(e.directions)) {
              directions = e.directions as Direction[];
              metrics = Array.isArray(e.metrics) ? (e.metrics as string[]) : [];
            } else if (e.direction === 'minimize' || e.direction === 'maximize') {
              directions = [e.direction];
              metrics = [typeof e.metric === 'string' ? e.metric : undefined];
            }
          } else if (e.type === 'trialCompleted' && typeof e.trial === 'number' && e.params !== null && typeof e.params === 'object') {
            const values = Array.isArray(e.values) ? (e.values as number[]) : undefined;
            if (values === undefined && typeof e.value !== 'number') return;
            // A trial counts once: an evolve() elite's member stream replays its trialCompleted in each
            // generation it survives, and counting it again would weigh its parameters twice.
            if (seenTrials.has(e.trial)) return;
            seenTrials.add(e.trial);
            trials.push({ number: e.trial, state: 'completed', params: e.params as Params, ...(values !== undefined ? { values } : { value: e.value as number }), intermediate: [] });
            const due = Math.max(counted === 0 ? minTrials : counted + 5, Math.ceil(counted * (1 + growth)));
            if (trials.length >= due) compute();
          } else if (e.type === 'studyCompleted') {
            if (trials.length >= Math.min(minTrials, 2) && trials.length > counted) compute();
          }
        },
        error: (err: unknown) => subscriber.error(err),
        // The run ended without a studyCompleted (an evolve() run has none): its last trials count too.
        complete: () => {
          if (trials.length >= Math.min(minTrials, 2) && trials.length > counted) compute();
          subscriber.complete();
        },
      });
    });
}
