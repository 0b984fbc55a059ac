import { configError } from '../../errors.js';
import { createRandom, type Random } from '../../random.js';
import { finiteNumber, knownFields, numberInRange, oneOf, positiveInt, requireObject } from '../../validate.js';
import { sampleDistribution } from '../distribution.js';
import { crossover } from '../genetic/crossover.js';
import { repair } from '../genetic/genome.js';
import { polynomialMutation, sbxCrossover } from '../genetic/sbx.js';
import { select } from '../genetic/selection.js';
import { crowdingDistance, nonDominatedSort, toLosses, violation } from '../math/pareto.js';
import type { Direction, FrozenTrial, Params, Sampler, SearchSpaceLike } from '../types.js';
import { assign } from './common.js';

export interface Nsga2SamplerConfig {
  readonly seed: number;
  /**
   * Trials per generation; the first generation is drawn at random. Default 20 (Optuna's is 50: more,
   * shorter generations found larger fronts at every budget of docs/benchmarks.md's 100 to 800 trials).
   */
  readonly populationSize?: number;
  /**
   * How two parents make a child: `'sbx'` (simulated binary crossover, default), `'uniform'` (each
   * parameter from either parent: Optuna 3.1's default) or `'blend'` (BLX-α). Categoricals are always
   * inherited from either parent.
   */
  readonly crossover?: 'sbx' | 'uniform' | 'blend';
  /** Probability that a child is a crossover of two parents rather than a copy of one. Default 0.9. */
  readonly crossoverProb?: number;
  /** Probability that each parameter of a child mutates. Default 1 / the number of parameters. */
  readonly mutationProb?: number;
  /**
   * How a numeric parameter mutates: `'polynomial'` (a bounded step near its value, default) or
   * `'redraw'` (drawn afresh from its distribution, as Optuna 3.1 does). Categoricals are redrawn.
   */
  readonly mutation?: 'polynomial' | 'redraw';
  /**
   * Distribution index of SBX (larger: children nearer their parents). Default 1: wide, which did best
   * on ZDT1, ZDT2 and DTLZ2 (textbooks use 15–20 with many more evaluations).
   */
  readonly sbxEta?: number;
  /** Distribution index of polynomial mutation (larger: smaller steps). Default 2, for the same reason. */
  readonly mutationEta?: number;
}

/**
 * NSGA-II (Deb et al. 2002): a genetic search for the Pareto front of a multi-objective study (one
 * objective works too).
 *
 * Intuition: trial `n` belongs to generation ⌊n / populationSize⌋. The parents of a generation are the
 * best `populationSize` completed trials of all the generations before it, ranked by non-dominated
 * sorting and, within the last front that fits, by crowding distance (lonelier first, so the front
 * keeps its spread). A child is two parents picked by binary tournament on that ranking, crossed,
 * then mutated. With the study's `constraints`, domination is constrained as in Optuna: feasible trials
 * before infeasible ones, infeasible ones by their total violation.
 *
 * Stateless: a trial's parameters depend only on the seed, its number and the trials of earlier
 * generations, so a resumed or parallel study proposes what an uninterrupted one would (with trials
 * still running when a generation starts, its parents are the ones completed by then).
 *
 * @example
 * ```ts
 * import { nsga2Sampler } from 'rxtrain';
 * const sampler = nsga2Sampler({ seed: 1, populationSize: 20 });
 * ```
 *
 * @param config see {@link Nsga2SamplerConfig}; `seed` is required.
 * @returns a {@link Sampler} that serves multi-objective studies.
 */
export function nsga2Sampler(config: Nsga2SamplerConfig): Sampler {
  const where = 'nsga2Sampler()';
  const c = requireObject(where, config);
  knownFields(where, c, ['seed', 'populationSize', 'crossover', 'crossoverProb', 'mutationProb', 'mutation', 'sbxEta', 'mutationEta']);
  const base = createRandom(finiteNumber(where, 'seed', c.seed));
  const populationSize = c.populationSize === undefined ? 20 : positiveInt(where, 'populationSize', c.populationSize);
  if (populationSize < 2) throw configError(where, 'populationSize', 'must be at least 2 (a child has two parents)', populationSize);
  const kind = c.crossover === undefined ? 'sbx' : oneOf(where, 'crossover', c.crossover, ['sbx', 'uniform', 'blend'] as const);
  const crossoverProb = c.crossoverProb === undefined ? 0.9 : numberInRange(where, 'crossoverProb', c.crossoverProb, 0, 1);
  const mutationProb = c.mutationProb === undefined ? undefined : numberInRange(where, 'mutationProb', c.mutationProb, 0, 1);
  const mutation = c.mutation === undefined ? 'polynomial' : oneOf(where, 'mutation', c.mutation, ['polynomial', 'redraw'] as const);
  const sbxEta = c.sbxEta === undefined ? 1 : numberInRange(where, 'sbxEta', c.sbxEta, 0, Infinity, { hiOpen: true });
  const mutationEta = c.mutationEta === undefined ? 2 : numberInRange(where, 'mutationEta', c.mutationEta, 0, Infinity, { hiOpen: true });
  // The ranked parents of the generation last asked for: every trial of a generation shares them.
  let cached: { key: string; parents: FrozenTrial[] } | undefined;

  const cross = (space: SearchSpaceLike, a: Params, b: Params, random: Random): Params =>
    kind === 'sbx' ? sbxCrossover(space, a, b, sbxEta, random) : crossover(space, kind, a, b, random);

  const mutate = (space: SearchSpaceLike, params: Params, rate: number, random: Random): Params => {
    if (mutation === 'polynomial') return polynomialMutation(space, params, rate, mutationEta, random);
    const out: Record<string, Params[string] | undefined> = {};
    for (const spec of space.params) {
      const hit = random.float() < rate;
      out[spec.name] = hit ? sampleDistribution(spec.distribution, random) : params[spec.name];
    }
    return repair(space, out, random);
  };

  return {
    name: 'nsga2',
    multiObjective: true,
    sample(space, trials, context) {
      const random = base.fork(context.trialNumber);
      const generation = Math.floor(context.trialNumber / populationSize);
      const directions = context.directions ?? [context.direction];
      const eligible = generation === 0 ? [] : trials.filter((t) => t.number < generation * populationSize && lossesOf(t, directions) !== undefined);
      if (eligible.length < 2) return assign(space, (_n, d) => sampleDistribution(d, random));
      const key = `${generation}:${eligible.length}:${eligible.reduce((s, t) => s + t.number, 0)}`;
      if (cached?.key !== key) cached = { key, parents: selectParents(eligible, directions, populationSize) };
      const parents = cached.parents;
      const pick = (): FrozenTrial => parents[select('tournament', parents.length, random, { tournamentSize: 2, truncation: 1 })]!;
      const first = pick();
      let second = pick();
      for (let i = 0; i < 3 && second === first; i++) second = pick();
      const doCross = random.float() < crossoverProb;
      const child = doCross ? cross(space, first.params, second.params, random) : repair(space, first.params, random);
      const rate = mutationProb ?? 1 / Math.max(1, space.params.length);
      return mutate(space, child, rate, random);
    },
  };
}

/** A completed trial's losses (its values, or its one value, as minimised quantities), if it has them. */
function lossesOf(trial: FrozenTrial, directions: readonly Direction[]): number[] | undefined {
  if (trial.state !== 'completed') return undefined;
  const values = trial.values ?? (trial.value !== undefined ? [trial.value] : undefined);
  if (values === undefined || values.length !== directions.length || !values.every(Number.isFinite)) return undefined;
  return toLosses(values, directions);
}

/**
 * The best `size` trials, ranked best first: by front (constrained non-dominated sorting), then by
 * crowding distance within a front (larger first), then by number.
 */
export function selectParents(trials: readonly FrozenTrial[], directions: readonly Direction[], size: number): FrozenTrial[] {
  const losses = trials.map((t) => lossesOf(t, directions)!);
  const violations = trials.map((t) => violation(t.constraints));
  const fronts = nonDominatedSort(losses, violations, size);
  const ranked: FrozenTrial[] = [];
  for (const front of fronts) {
    const distance = crowdingDistance(losses, front);
    const order = front.map((i, k) => ({ i, d: distance[k]! })).sort((a, b) => b.d - a.d || trials[a.i]!.number - trials[b.i]!.number);
    for (const { i } of order) {
      if (ranked.length === size) break;
      ranked.push(trials[i]!);
    }
  }
  return ranked;
}
