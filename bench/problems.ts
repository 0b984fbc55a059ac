/**
 * The standard test functions with known optima used by the sampler and evolve benchmarks (issue 3's
 * protocol). Optuna 3.1's regrets on the same functions: bench/reference/samplers_optuna.py.
 */
import { space, uniform, type SearchSpace } from '../lib/search/space.js';

export interface Problem {
  readonly name: string;
  readonly space: SearchSpace;
  readonly optimum: number;
  readonly f: (x: number[]) => number;
}

export const branin: Problem = {
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
export const hartmann6: Problem = {
  name: 'hartmann6',
  space: space(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, uniform(0, 1)]))),
  optimum: -3.32237,
  f: (x) => -H_ALPHA.reduce((s, a, i) => s + a * Math.exp(-H_A[i]!.reduce((q, aij, j) => q + aij * (x[j]! - H_P[i]![j]!) ** 2, 0)), 0),
};

export const rosenbrock10: Problem = {
  name: 'rosenbrock10',
  space: space(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, uniform(-5, 10)]))),
  optimum: 0,
  f: (x) => {
    let s = 0;
    for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
    return s;
  },
};

export const problems: readonly Problem[] = [branin, hartmann6, rosenbrock10];
