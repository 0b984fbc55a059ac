"""Issue 18's multi-objective benchmark with Optuna: the reference bench/multi-objective.ts is measured against.

Runs Optuna 3.1's NSGAIISampler (its defaults: population_size=50, crossover UniformCrossover,
crossover_prob=0.9, swapping_prob=0.5, mutation_prob=1/len(params), redrawn from the distribution) on:

  zdt1   30 variables x0..x29 in [0, 1], 2 objectives, both minimised.
  zdt2   the same, with the concave front.
  dtlz2  12 variables (M = 3 objectives, k = 10) in [0, 1], 3 objectives, all minimised.

Each variable is suggest_float(name, 0, 1). One study per problem and seed (seeds 0..n-1), run for the
largest budget, one trial after another (n_jobs=1). Prints one JSON line: for each problem and seed,
every trial's objective values in trial order, so that bench/multi-objective.ts computes the
hypervolume at each budget (a prefix of the trials) with the same code and reference point as ours.

Needs Debian's python3-optuna (3.1):

  /usr/bin/python3 bench/reference/multi_objective_optuna.py [--problems=zdt1,zdt2,dtlz2] [--seeds=10] [--trials=800]
"""
import argparse
import json
import math
import sys
import time

import optuna


def zdt1(x):
    f1 = x[0]
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return [f1, g * (1 - math.sqrt(f1 / g))]


def zdt2(x):
    f1 = x[0]
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return [f1, g * (1 - (f1 / g) ** 2)]


def dtlz2(x, m=3):
    g = sum((xi - 0.5) ** 2 for xi in x[m - 1:])
    f = []
    for i in range(m):
        v = 1 + g
        for xj in x[: m - 1 - i]:
            v *= math.cos(xj * math.pi / 2)
        if i > 0:
            v *= math.sin(x[m - 1 - i] * math.pi / 2)
        f.append(v)
    return f


PROBLEMS = {'zdt1': (zdt1, 30, 2), 'zdt2': (zdt2, 30, 2), 'dtlz2': (dtlz2, 12, 3)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--problems', default='zdt1,zdt2,dtlz2')
    parser.add_argument('--seeds', type=int, default=10)
    parser.add_argument('--trials', type=int, default=800)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = {'optuna': optuna.__version__, 'trials': args.trials, 'values': {}}
    for name in args.problems.split(','):
        f, n, m = PROBLEMS[name]
        out['values'][name] = []
        for seed in range(args.seeds):
            t0 = time.time()
            study = optuna.create_study(directions=['minimize'] * m, sampler=optuna.samplers.NSGAIISampler(seed=seed))
            study.optimize(lambda trial: f([trial.suggest_float(f'x{i}', 0, 1) for i in range(n)]), n_trials=args.trials)
            out['values'][name].append([t.values for t in study.trials])
            print(f'{name} seed {seed}: {args.trials} trials in {time.time() - t0:.1f} s', file=sys.stderr, flush=True)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
