/**
 * Genetic search (`evolve`) on the standard functions of bench/samplers.ts, on the same protocol:
 * 100 evaluations × 10 seeds per setting and function; regret = best value found − known optimum;
 * mean and median over the seeds. Each evaluation is a trial of an in-memory study, as in real use.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/evolve.ts [--seeds=10] [--functions=branin,hartmann6,rosenbrock10]
 *
 * The formulas are bench/samplers.ts's (copied: that file runs its benchmark when imported). The
 * budget: population 10, elitism 1 (elites are not re-evaluated), 11 generations = 10 + 10 × 9 = 100
 * evaluations.
 */
import { performance } from 'node:perf_hooks';
import { lastValueFrom } from 'rxjs';
import { evolve } from '../lib/evolve/evolve.js';
import type { EvolveConfig } from '../lib/evolve/types.js';
import { space, uniform, type SearchSpace } from '../lib/search/space.js';
import type { Params } from '../lib/search/types.js';

interface Problem {
  readonly name: string;
  readonly space: SearchSpace;
  readonly optimum: number;
  readonly f: (x: number[]) => number;
}

const branin: Problem = {
  name: 'branin',
  space: space({ x0: uniform(-5, 10), x1: uniform(0, 15) }),
  optimum: 0.397887,
  f: ([x1, x2]) => {
    const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
    return (x2! - b * x1! ** 2 + c * x1! - 6) ** 2 + 10 * (1 - t) * Math.cos(x1!) + 10;
  },
};
const H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const H_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]].map((r) => r.map((v) => v * 1e-4));
const H_ALPHA = [1, 1.2, 3, 3.2];
const hartmann6: Problem = {
  name: 'hartmann6',
  space: space(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, uniform(0, 1)]))),
  optimum: -3.32237,
  f: (x) => -H_ALPHA.reduce((s, a, i) => s + a * Math.exp(-H_A[i]!.reduce((q, aij, j) => q + aij * (x[j]! - H_P[i]![j]!) ** 2, 0)), 0),
};
const rosenbrock10: Problem = {
  name: 'rosenbrock10',
  space: space(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, uniform(-5, 10)]))),
  optimum: 0,
  f: (x) => {
    let s = 0;
    for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
    return s;
  },
};

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
