/**
 * One generation from the last: elites, then children by selection, crossover and mutation. A pure
 * function of the seed, the generation number and the ranked previous generation, so a resumed search
 * plans exactly the generation it would have planned.
 */
import { RxtrainError } from '../errors.js';
import { createRandom, hashSeed } from '../random.js';
import type { Direction, FrozenTrial, Params } from '../search/types.js';
import type { SearchSpace } from '../search/space.js';
import { crossover } from '../search/genetic/crossover.js';
import { mutate } from './mutation.js';
import { select } from '../search/genetic/selection.js';
import type { ResolvedEvolveConfig } from './config.js';
import type { MemberOrigin } from './types.js';

export interface PlannedMember {
  readonly origin: MemberOrigin;
  readonly params: Params;
  readonly parents: readonly number[];
  /** For an elite: the trial it carries over. */
  readonly trial?: number;
}

/** Completed by value, then pruned by value, then the rest (failed); ties by trial number. */
export function rank(records: readonly FrozenTrial[], direction: Direction): FrozenTrial[] {
  const tier = (t: FrozenTrial): number => (t.state === 'completed' && t.value !== undefined ? 0 : t.state === 'pruned' && t.value !== undefined ? 1 : 2);
  const sign = direction === 'minimize' ? 1 : -1;
  return [...records].sort((a, b) => tier(a) - tier(b) || (tier(a) < 2 ? sign * (a.value! - b.value!) : 0) || a.number - b.number);
}

export function planGeneration<P extends Params>(space: SearchSpace<P>, c: ResolvedEvolveConfig<P>, generation: number, ranked: readonly FrozenTrial[]): PlannedMember[] {
  const n = c.populationSize;
  const rng = (i: number) => createRandom(hashSeed(c.seed, 'evolve', generation, i));
  const plan: PlannedMember[] = [];
  if (generation === 0 || ranked.length === 0) {
    for (let i = 0; i < n; i++) plan.push({ origin: 'random', params: space.sample(rng(i)), parents: [] });
    return plan;
  }
  const rate = c.mutationRate ?? 1 / Math.max(1, space.params.length);
  for (const elite of ranked.slice(0, c.elitism)) {
    if (elite.state !== 'completed') break;
    plan.push({ origin: 'elite', params: elite.params, parents: [elite.number], trial: elite.number });
  }
  const options = { tournamentSize: c.tournamentSize, truncation: c.truncation };
  for (let i = plan.length; i < n; i++) {
    const random = rng(i);
    const a = ranked[select(c.selection, ranked.length, random, options)]!;
    let child: Params = a.params;
    const parents = [a.number];
    if (random.float() < c.crossoverRate) {
      const b = ranked[select(c.selection, ranked.length, random, options)]!;
      child = crossover(space, c.crossover, a.params, b.params, random);
      parents.push(b.number);
    }
    child = mutate(space, child, rate, c.mutationScale, random);
    const problems = space.problems(child);
    if (problems.length > 0) throw new RxtrainError('INVALID_SPACE', `evolve(): a child of generation ${generation} does not fit the space: ${problems.join('; ')}`, { problems });
    plan.push({ origin: 'offspring', params: child, parents });
  }
  return plan;
}
