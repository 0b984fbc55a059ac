/**
 * Parameter importance: which parameters the objective's value depends on, as shares summing to 1.
 *
 * Intuition: fit a random forest that predicts a trial's value from its parameters, then ask the
 * forest how much of its prediction's variation each parameter explains on its own (fANOVA), or how
 * much its splits reduced the error (mean decrease in impurity, cheaper and cruder).
 */
import { RxtrainError, configError, describe } from '../../errors.js';
import { createRandom } from '../../random.js';
import { finiteNumber, knownFields, oneOf, positiveInt, requireObject } from '../../validate.js';
import type { Distribution, FrozenTrial, ParamValue, SearchSpaceLike } from '../types.js';
import { fanovaTree, type Box } from './fanova.js';
import { fitForest, meanDecreaseImpurity } from './forest.js';

/** What importance() reads from a study: its trials, and its space when it has one. */
export interface ImportanceSource {
  trials(states?: readonly FrozenTrial['state'][]): readonly FrozenTrial[];
  readonly space?: SearchSpaceLike;
}

export interface ImportanceOptions {
  /** `'fanova'` (default, Optuna's default) or `'meanDecreaseImpurity'` (cheaper: no decomposition). */
  readonly evaluator?: 'fanova' | 'meanDecreaseImpurity';
  /** The parameters to assess (default: those every completed trial has). */
  readonly params?: readonly string[];
  /** Seed of the forest's bootstrap samples and tie-breaks. */
  readonly seed: number;
  /** Trees in the forest (default 64, as Optuna). */
  readonly nTrees?: number;
  /** Deepest a tree grows (default 64, as Optuna). */
  readonly maxDepth?: number;
  /**
   * The space the trials were sampled from, for the parameters' ranges (default: the study's, else
   * the range of values the trials took; categorical: the values they took).
   */
  readonly space?: SearchSpaceLike;
  /**
   * What to explain, from a completed trial (default: its value). Required for a multi-objective
   * study, as Optuna's `target`: for example `(t) => t.values![1]` for the second objective.
   */
  readonly target?: (trial: FrozenTrial) => number;
}

const WHERE = 'importance()';

/**
 * The importance of each parameter to the objective, over the completed trials of a study (or a list
 * of trials): a Map from parameter name to a share in [0, 1], the shares summing to 1, largest first.
 *
 * As Optuna's `get_param_importances`: only completed trials with a finite value count; with no
 * `params`, the parameters every such trial has are assessed (conditional parameters that some trials
 * lack are left out); with `params`, the trials that have all of them. Parameters are encoded as
 * Optuna's evaluators do: numbers as they are (not log-transformed), over the space's `[low, high]`;
 * categorical parameters one-hot, a parameter's importance being that of its columns together. A
 * parameter with a single possible value gets 0. If no parameter explains anything on its own (only
 * interactions), every share is 0.
 *
 * @example
 * ```ts
 * import { importance } from 'rxtrain';
 * const shares = importance(myStudy, { evaluator: 'fanova', seed: 0 }); // Map { 'lr' => 0.81, 'units' => 0.12, ... }
 * ```
 * @param source a study (anything with `trials()`) or an array of frozen trials.
 * @param options see {@link ImportanceOptions}.
 * @returns a Map, parameter → importance, sorted by importance, descending.
 * @throws RxtrainError `INVALID_CONFIG`: fewer than 2 usable trials, an unknown parameter, a parameter
 *   no (or only one) trial has, all trials with the same value, a bad option.
 */
export function importance(source: ImportanceSource | readonly FrozenTrial[], options: ImportanceOptions): ReadonlyMap<string, number> {
  const c = requireObject(WHERE, options, 'options');
  knownFields(WHERE, c, ['evaluator', 'params', 'seed', 'nTrees', 'maxDepth', 'space', 'target']);
  const evaluator = c.evaluator === undefined ? 'fanova' : oneOf(WHERE, 'evaluator', c.evaluator, ['fanova', 'meanDecreaseImpurity'] as const);
  if (c.seed === undefined) throw configError(WHERE, 'seed', 'is required (the forest is random: a seed makes it reproducible)');
  const seed = finiteNumber(WHERE, 'seed', c.seed);
  const nTrees = c.nTrees === undefined ? 64 : positiveInt(WHERE, 'nTrees', c.nTrees);
  const maxDepth = c.maxDepth === undefined ? 64 : positiveInt(WHERE, 'maxDepth', c.maxDepth);
  const all = trialsOf(source);
  const space = (c.space ?? (Array.isArray(source) ? undefined : (source as ImportanceSource).space)) as SearchSpaceLike | undefined;
  if (space !== undefined && (space === null || typeof space !== 'object' || !Array.isArray(space.params))) throw configError(WHERE, 'space', 'must be a search space (from space({...}))', space);

  if (c.target !== undefined && typeof c.target !== 'function') throw configError(WHERE, 'target', 'must be a function (trial) => number', c.target);
  const target = options.target;
  if (target === undefined && all.some((t) => t.state === 'completed' && t.values !== undefined && t.value === undefined)) {
    throw configError(WHERE, 'target', 'is required for a multi-objective study: say which objective to explain, e.g. target: (t) => t.values[0]');
  }
  const valueOf = (t: FrozenTrial): number | undefined => (target ? target(t) : t.value);
  const completed = all.filter((t) => {
    if (t.state !== 'completed') return false;
    const v = valueOf(t);
    return typeof v === 'number' && Number.isFinite(v);
  });
  if (completed.length < 2) {
    throw new RxtrainError('INVALID_CONFIG', `${WHERE}: needs at least 2 completed trials with a finite value to assess importance (got ${completed.length} of ${all.length} trials)`, { where: WHERE, field: 'trials', completed: completed.length });
  }
  const { names, trials } = chooseParams(c.params, completed, space);
  if (names.length === 0) return new Map();

  const columns = encodeColumns(names, trials, space);
  const varying = columns.filter((col) => !col.single);
  const scores = new Map<string, number>(names.map((n) => [n, 0]));
  if (varying.length > 0) {
    const x = trials.map((t) => Float64Array.from(varying.flatMap((col) => col.encode(t.params[col.name]!))));
    const box: Box = varying.flatMap((col) => col.bounds);
    const owner = varying.flatMap((col) => col.bounds.map(() => col.name));
    const y = Float64Array.from(trials, (t) => valueOf(t)!);
    if (y.every((v) => v === y[0])) {
      throw new RxtrainError('INVALID_CONFIG', `${WHERE}: all ${trials.length} trials have the same value (${y[0]}): no parameter explains any of it`, { where: WHERE, field: 'trials' });
    }
    const forest = fitForest(x, y, { nTrees, maxDepth }, createRandom(seed));
    if (evaluator === 'meanDecreaseImpurity') {
      meanDecreaseImpurity(forest, box.length).forEach((v, f) => scores.set(owner[f]!, scores.get(owner[f]!)! + v));
    } else {
      const trees = forest.map((tree) => fanovaTree(tree, box)).filter((tree) => tree.variance > 0);
      if (trees.length === 0) throw new RxtrainError('INVALID_CONFIG', `${WHERE}: no tree of the forest varies over the space (too few distinct trials?)`, { where: WHERE, field: 'trials' });
      let offset = 0;
      for (const col of varying) {
        const features = col.bounds.map((_, k) => offset + k);
        offset += col.bounds.length;
        let sum = 0;
        for (const tree of trees) sum += tree.marginalVariance(features) / tree.variance;
        scores.set(col.name, sum / trees.length);
      }
    }
  }
  const total = [...scores.values()].reduce((a, b) => a + b, 0);
  const ranked = names.map((n, i) => ({ n, i, v: total > 0 ? scores.get(n)! / total : 0 })).sort((a, b) => b.v - a.v || a.i - b.i);
  return new Map(ranked.map(({ n, v }) => [n, v]));
}

function trialsOf(source: unknown): readonly FrozenTrial[] {
  if (Array.isArray(source)) return source as FrozenTrial[];
  if (source !== null && typeof source === 'object' && typeof (source as ImportanceSource).trials === 'function') return (source as ImportanceSource).trials();
  throw configError(WHERE, 'source', 'must be a study or an array of trials', source);
}

function chooseParams(raw: unknown, completed: readonly FrozenTrial[], space: SearchSpaceLike | undefined): { names: string[]; trials: FrozenTrial[] } {
  const known = space ? new Set(space.params.map((p) => p.name)) : undefined;
  if (raw === undefined) {
    const order = space ? space.params.map((p) => p.name) : [...new Set(completed.flatMap((t) => Object.keys(t.params)))].sort();
    return { names: order.filter((n) => completed.every((t) => t.params[n] !== undefined)), trials: [...completed] };
  }
  if (!Array.isArray(raw) || raw.some((p) => typeof p !== 'string')) throw configError(WHERE, 'params', 'must be an array of parameter names', raw);
  const names = [...new Set(raw as string[])];
  for (const n of names) {
    if (known && !known.has(n)) throw new RxtrainError('INVALID_CONFIG', `${WHERE}: '${n}' is not a parameter of the space (it has: ${[...known].join(', ')})`, { where: WHERE, field: 'params', param: n });
    const having = completed.filter((t) => t.params[n] !== undefined).length;
    if (having === 0) throw new RxtrainError('INVALID_CONFIG', `${WHERE}: no completed trial has the parameter '${n}'`, { where: WHERE, field: 'params', param: n });
  }
  const trials = completed.filter((t) => names.every((n) => t.params[n] !== undefined));
  if (trials.length < 2) {
    const missing = names.map((n) => `'${n}' in ${completed.filter((t) => t.params[n] !== undefined).length}`).join(', ');
    throw new RxtrainError('INVALID_CONFIG', `${WHERE}: only ${trials.length} of the ${completed.length} completed trials have all of the parameters (${missing}); at least 2 must`, { where: WHERE, field: 'params', trials: trials.length });
  }
  return { names, trials };
}

interface Column {
  readonly name: string;
  /** Whether the parameter can take one value only (importance 0, left out of the forest). */
  readonly single: boolean;
  /** The box of its encoded columns: one for a number, one per choice for a categorical. */
  readonly bounds: ReadonlyArray<readonly [number, number]>;
  encode(value: ParamValue): number[];
}

function encodeColumns(names: readonly string[], trials: readonly FrozenTrial[], space: SearchSpaceLike | undefined): Column[] {
  return names.map((name) => {
    const d = space?.params.find((p) => p.name === name)?.distribution ?? inferDistribution(name, trials);
    if (d.kind === 'categorical') {
      return {
        name,
        single: d.choices.length === 1,
        bounds: d.choices.map(() => [0, 1] as const),
        encode(value) {
          const k = d.choices.indexOf(value);
          if (k < 0) throw new RxtrainError('INVALID_CONFIG', `${WHERE}: a trial's '${name}' = ${describe(value)} is not one of its choices (${d.choices.map(describe).join(', ')})`, { where: WHERE, field: 'trials', param: name });
          return d.choices.map((_, i) => (i === k ? 1 : 0));
        },
      };
    }
    return {
      name,
      single: d.low === d.high,
      bounds: [[d.low, d.high] as const],
      encode(value) {
        if (typeof value !== 'number') throw new RxtrainError('INVALID_CONFIG', `${WHERE}: a trial's '${name}' = ${describe(value)} is not a number, as the parameter is`, { where: WHERE, field: 'trials', param: name });
        return [value];
      },
    };
  });
}

/** Without a space: the range of the numbers the trials took, or the values they took. */
function inferDistribution(name: string, trials: readonly FrozenTrial[]): Distribution {
  const values = trials.map((t) => t.params[name]!);
  if (values.every((v) => typeof v === 'number')) {
    const nums = values as number[];
    return { kind: 'float', low: Math.min(...nums), high: Math.max(...nums), log: false };
  }
  return { kind: 'categorical', choices: [...new Set(values)] };
}
