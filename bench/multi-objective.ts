/**
 * Issue 18's multi-objective benchmark: the hypervolume of the Pareto front found against the budget,
 * rxtrain's NSGA-II beside Optuna 3.1's NSGAIISampler, both measured in the same run.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/multi-objective.ts [--problems=zdt1,zdt2,dtlz2]
 *        [--seeds=10] [--budgets=100,200,400,800] [--samplers=nsga2,nsga2-optuna-settings,random]
 *        [--optuna=auto|off]
 *
 * Problems (every objective minimised, every variable in [0, 1]): ZDT1 and ZDT2 with 30 variables,
 * DTLZ2 with 3 objectives and 12 variables (k = 10). One run per sampler, problem and seed (0..n-1) for
 * the largest budget, trials one after another; the hypervolume at a budget is that of the front of
 * the run's first `budget` trials. Samplers are driven directly (sample → evaluate → append a completed
 * FrozenTrial), as bench/samplers.ts does. Optuna's runs come from bench/reference/multi_objective_optuna.py
 * (spawned here, with /usr/bin/python3), which prints every trial's values: both sides' hypervolumes are
 * computed by the same code (lib/search/math/hypervolume.ts) against the same reference point.
 *
 * Reference points, with the hypervolume of each problem's true front against it (the "gap" column is
 * that minus what was found): ZDT1 (11, 11): 121 − 1/3; ZDT2 (11, 11): 121 − 2/3; DTLZ2 (2.5, 2.5, 2.5):
 * 2.5³ − π/6.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { hypervolume } from '../lib/search/math/hypervolume.js';
import { paretoIndices } from '../lib/search/math/pareto.js';
import { nsga2Sampler } from '../lib/search/samplers/nsga2-sampler.js';
import { randomSampler } from '../lib/search/samplers/random-sampler.js';
import { space, uniform, type SearchSpace } from '../lib/search/space.js';
import type { Direction, FrozenTrial, Params, Sampler } from '../lib/search/types.js';
import { median } from './util.js';

interface Problem {
  readonly name: string;
  readonly vars: number;
  readonly objectives: number;
  readonly f: (x: number[]) => number[];
  readonly reference: number[];
  /** Hypervolume of the true front against `reference`. */
  readonly optimum: number;
}

const zdtG = (x: number[]): number => 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (x.length - 1);
const PROBLEMS: Problem[] = [
  { name: 'zdt1', vars: 30, objectives: 2, f: (x) => { const g = zdtG(x); return [x[0]!, g * (1 - Math.sqrt(x[0]! / g))]; }, reference: [11, 11], optimum: 121 - 1 / 3 },
  { name: 'zdt2', vars: 30, objectives: 2, f: (x) => { const g = zdtG(x); return [x[0]!, g * (1 - (x[0]! / g) ** 2)]; }, reference: [11, 11], optimum: 121 - 2 / 3 },
  {
    name: 'dtlz2',
    vars: 12,
    objectives: 3,
    f: (x) => {
      const m = 3;
      const g = x.slice(m - 1).reduce((a, v) => a + (v - 0.5) ** 2, 0);
      return Array.from({ length: m }, (_, i) => {
        let v = 1 + g;
        for (const xj of x.slice(0, m - 1 - i)) v *= Math.cos((xj * Math.PI) / 2);
        if (i > 0) v *= Math.sin((x[m - 1 - i]! * Math.PI) / 2);
        return v;
      });
    },
    reference: [2.5, 2.5, 2.5],
    optimum: 2.5 ** 3 - Math.PI / 6,
  },
];

const SAMPLERS: Record<string, (seed: number) => Sampler> = {
  nsga2: (seed) => nsga2Sampler({ seed }),
  // Optuna 3.1's settings (population 50, uniform crossover, mutation by redrawing): what is left of
  // the difference is the selection (parents from every earlier generation, crowded tournament).
  'nsga2-optuna-settings': (seed) => nsga2Sampler({ seed, populationSize: 50, crossover: 'uniform', mutation: 'redraw' }),
  random: (seed) => randomSampler({ seed }),
};

function drive(problem: Problem, sampler: Sampler, trials: number): number[][] {
  const s: SearchSpace = space(Object.fromEntries(Array.from({ length: problem.vars }, (_, i) => [`x${i}`, uniform(0, 1)])));
  const directions: Direction[] = Array.from({ length: problem.objectives }, () => 'minimize');
  const history: FrozenTrial[] = [];
  for (let i = 0; i < trials; i++) {
    const params: Params = sampler.sample(s, history, { direction: 'minimize', directions, trialNumber: i });
    const values = problem.f(Array.from({ length: problem.vars }, (_, k) => params[`x${k}`] as number));
    history.push({ number: i, state: 'completed', params, values, intermediate: [] });
  }
  return history.map((t) => t.values as number[]);
}

function frontVolume(values: readonly number[][], budget: number, reference: number[]): number {
  const points = values.slice(0, budget);
  return hypervolume(paretoIndices(points).map((i) => points[i]!), reference);
}

const fmt = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(2) : v.toFixed(4));

function main(): void {
  const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
  const problems = PROBLEMS.filter((p) => (args.get('problems') ?? 'zdt1,zdt2,dtlz2').split(',').includes(p.name));
  const seeds = Number(args.get('seeds') ?? 10);
  const budgets = (args.get('budgets') ?? '100,200,400,800').split(',').map(Number);
  const trials = Math.max(...budgets);
  const samplers = (args.get('samplers') ?? Object.keys(SAMPLERS).join(',')).split(',');
  const runs = new Map<string, number[][][]>(); // `${sampler}/${problem}` → per seed, the trials' values
  const seconds = new Map<string, number>();

  if ((args.get('optuna') ?? 'auto') !== 'off') {
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/python3', ['bench/reference/multi_objective_optuna.py', `--problems=${problems.map((p) => p.name).join(',')}`, `--seeds=${seeds}`, `--trials=${trials}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 30,
    });
    if (r.status === 0) {
      const out = JSON.parse(r.stdout) as { optuna: string; values: Record<string, number[][][]> };
      for (const p of problems) runs.set(`optuna-${out.optuna}-nsga2/${p.name}`, out.values[p.name]!);
      seconds.set('optuna', (performance.now() - t0) / 1000);
    } else {
      console.error(`Optuna's runs skipped: /usr/bin/python3 bench/reference/multi_objective_optuna.py exited ${r.status ?? r.signal} (apt-get install python3-optuna)`);
    }
  }
  for (const name of samplers) {
    const make = SAMPLERS[name];
    if (!make) throw new Error(`unknown sampler ${name} (known: ${Object.keys(SAMPLERS).join(', ')})`);
    const t0 = performance.now();
    for (const p of problems) {
      runs.set(`${name}/${p.name}`, Array.from({ length: seeds }, (_, seed) => drive(p, make(seed), trials)));
      console.error(`${name} ${p.name}: ${seeds} seeds × ${trials} trials`);
    }
    seconds.set(name, (performance.now() - t0) / 1000);
  }

  const results: Array<{ sampler: string; problem: string; budget: number; mean: number; median: number; gap: number }> = [];
  console.log(`| problem | sampler | ${budgets.map((b) => `HV @ ${b} (gap)`).join(' | ')} |`);
  console.log(`|---|---|${budgets.map(() => '---').join('|')}|`);
  for (const p of problems) {
    for (const [key, perSeed] of runs) {
      const [sampler, problem] = key.split('/') as [string, string];
      if (problem !== p.name) continue;
      const cells = budgets.map((budget) => {
        const hvs = perSeed.map((values) => frontVolume(values, budget, p.reference));
        const mean = hvs.reduce((a, b) => a + b, 0) / hvs.length;
        results.push({ sampler, problem, budget, mean, median: median(hvs), gap: p.optimum - mean });
        return `${fmt(mean)} (${fmt(p.optimum - mean)})`;
      });
      console.log(`| ${p.name} | ${sampler} | ${cells.join(' | ')} |`);
    }
  }
  console.log(JSON.stringify({ bench: 'multi-objective', seeds, budgets, seconds: Object.fromEntries(seconds), results }));
}

main();
