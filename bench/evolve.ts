/**
 * Genetic search (`evolve`) on the standard functions of bench/samplers.ts, on the same protocol:
 * 100 evaluations × 10 seeds per setting and function; regret = best value found − known optimum;
 * mean and median over the seeds. Each evaluation is a trial of an in-memory study, as in real use.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/evolve.ts [--seeds=10] [--functions=branin,hartmann6,rosenbrock10]
 *
 * The functions come from bench/problems.ts, shared with bench/samplers.ts. The budget: population 10, elitism 1 (elites are not re-evaluated), 11 generations = 10 + 10 × 9 = 100
 * evaluations.
 */
import { performance } from 'node:perf_hooks';
import { lastValueFrom } from 'rxjs';
import { evolve } from '../lib/evolve/evolve.js';
import type { EvolveConfig } from '../lib/evolve/types.js';
import type { Params } from '../lib/search/types.js';
import { branin, hartmann6, rosenbrock10, type Problem } from './problems.js';

type Setting = Omit<EvolveConfig, 'seed' | 'populationSize' | 'generations' | 'elitism'>;
const SETTINGS: Record<string, Setting> = {
  'tournament + uniform': { selection: 'tournament', crossover: 'uniform' },
  'tournament + blend': { selection: 'tournament', crossover: 'blend' },
  'truncation + blend': { selection: 'truncation', crossover: 'blend' },
  'tournament + blend, scale 0.05': { selection: 'tournament', crossover: 'blend', mutationScale: 0.05 },
};

async function run(problem: Problem, setting: Setting, seed: number): Promise<{ regret: number; evaluations: number }> {
  const n = problem.space.params.length;
  let best = Infinity;
  let evaluations = 0;
  const objective = (trial: { params: Params }) => {
    evaluations++;
    const v = problem.f(Array.from({ length: n }, (_, i) => trial.params[`x${i}`] as number));
    best = Math.min(best, v);
    return v;
  };
  await lastValueFrom(evolve(problem.space, objective, { ...setting, populationSize: 10, generations: 11, elitism: 1, seed }));
  return { regret: best - problem.optimum, evaluations };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

async function main(): Promise<void> {
  const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
  const seeds = Number(args.get('seeds') ?? 10);
  const problems = [branin, hartmann6, rosenbrock10].filter((p) => (args.get('functions') ?? 'branin,hartmann6,rosenbrock10').split(',').includes(p.name));
  console.log('| evolve setting | function | mean regret | median regret | evaluations | s/run |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, setting] of Object.entries(SETTINGS)) {
    for (const p of problems) {
      const t0 = performance.now();
      const runs = [];
      for (let seed = 0; seed < seeds; seed++) runs.push(await run(p, setting, seed));
      const regrets = runs.map((r) => r.regret);
      const mean = regrets.reduce((a, b) => a + b, 0) / seeds;
      console.log(`| ${name} | ${p.name} | ${fmt(mean)} | ${fmt(median(regrets))} | ${runs[0]!.evaluations} | ${((performance.now() - t0) / 1000 / seeds).toFixed(2)} |`);
    }
  }
}

await main();
