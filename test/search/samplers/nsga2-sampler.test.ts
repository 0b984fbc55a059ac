import t from 'tap';
import { hypervolume } from '../../../lib/search/math/hypervolume.js';
import { paretoIndices } from '../../../lib/search/math/pareto.js';
import { nsga2Sampler, selectParents } from '../../../lib/search/samplers/nsga2-sampler.js';
import { randomSampler } from '../../../lib/search/samplers/random-sampler.js';
import { space, uniform } from '../../../lib/search/space.js';
import type { Direction, FrozenTrial, Params, Sampler } from '../../../lib/search/types.js';
import { samplerContract } from '../sampler-contract.js';

t.test('sampler contract (single objective)', async (t) => {
  samplerContract(t, (seed) => nsga2Sampler({ seed, populationSize: 6 }));
});

t.test('sampler contract (uniform crossover, redraw mutation: Optuna 3.1’s operators)', async (t) => {
  samplerContract(t, (seed) => nsga2Sampler({ seed, populationSize: 5, crossover: 'uniform', mutation: 'redraw' }));
});

t.test('config errors name the field', async (t) => {
  for (const [config, field] of [
    [{}, 'seed'],
    [{ seed: 1, populationSize: 1 }, 'populationSize'],
    [{ seed: 1, crossover: 'spx' }, 'crossover'],
    [{ seed: 1, crossoverProb: 2 }, 'crossoverProb'],
    [{ seed: 1, mutationProb: -0.1 }, 'mutationProb'],
    [{ seed: 1, mutation: 'gauss' }, 'mutation'],
    [{ seed: 1, sbxEta: -1 }, 'sbxEta'],
    [{ seed: 1, popSize: 3 }, 'popSize'],
  ] as const) {
    t.throws(() => nsga2Sampler(config as never), { code: 'INVALID_CONFIG', details: { field } });
  }
});

const mo = (number: number, values: number[], constraints?: number[]): FrozenTrial => ({
  number,
  state: 'completed',
  params: { x: number },
  values,
  intermediate: [],
  ...(constraints ? { constraints } : {}),
});

t.test('parents: fronts first, crowding within the last front, feasible before infeasible', async (t) => {
  const dirs: Direction[] = ['minimize', 'minimize'];
  const trials = [mo(0, [0, 4]), mo(1, [1, 2.9]), mo(2, [2, 2]), mo(3, [4, 0]), mo(4, [3, 3]), mo(5, [5, 5])];
  // Front 0 is 0..3; the extremes 0 and 3 have infinite crowding distance, then 2 (gaps 3/4 + 2.9/4)
  // before 1 (2/4 + 2/4).
  t.same(selectParents(trials, dirs, 3).map((x) => x.number), [0, 3, 2]);
  t.same(selectParents(trials, dirs, 5).map((x) => x.number), [0, 3, 2, 1, 4]);
  t.same(selectParents(trials, ['maximize', 'maximize'], 1).map((x) => x.number), [5], 'directions honoured');
  const constrained = [mo(0, [0, 0], [1]), mo(1, [9, 9], [0]), mo(2, [1, 1], [0.5]), mo(3, [8, 9], [-1])];
  t.same(selectParents(constrained, dirs, 4).map((x) => x.number), [3, 1, 2, 0], 'feasible first, then by violation');
});

const zdt1 = (p: Params, n: number): [number, number] => {
  const x = Array.from({ length: n }, (_, i) => p[`x${i}`] as number);
  const f1 = x[0]!;
  const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (n - 1);
  return [f1, g * (1 - Math.sqrt(f1 / g))];
};

function run(sampler: Sampler, budget: number, n: number): number {
  const s = space(Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, uniform(0, 1)])));
  const trials: FrozenTrial[] = [];
  const directions: Direction[] = ['minimize', 'minimize'];
  for (let i = 0; i < budget; i++) {
    const params = sampler.sample(s, trials, { direction: 'minimize', directions, trialNumber: i });
    t.same(s.problems(params), []);
    trials.push({ number: i, state: 'completed', params, values: zdt1(params, n), intermediate: [] });
  }
  const points = trials.map((x) => x.values as number[]);
  return hypervolume(paretoIndices(points).map((i) => points[i]!), [11, 11]);
}

t.test('on ZDT1 it finds a front with more hypervolume than random search, and is reproducible', async (t) => {
  const budget = 300;
  const n = 8;
  const nsga = run(nsga2Sampler({ seed: 3, populationSize: 20 }), budget, n);
  const optunaLike = run(nsga2Sampler({ seed: 3, populationSize: 20, crossover: 'uniform', mutation: 'redraw' }), budget, n);
  const random = run(randomSampler({ seed: 3 }), budget, n);
  t.ok(nsga > random, `nsga2 ${nsga} > random ${random}`);
  t.ok(optunaLike > random, `nsga2 (uniform/redraw) ${optunaLike} > random ${random}`);
  // The true front's hypervolume against (11, 11) is 121 - 1/3.
  t.ok(nsga < 121 - 1 / 3 + 1e-9, `nsga2 ${nsga} is not above the optimum`);
  t.equal(run(nsga2Sampler({ seed: 3, populationSize: 20 }), budget, n), nsga, 'same seed, same front');
});
