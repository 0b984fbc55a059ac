"""Issue 3's sampler benchmark with Optuna: the reference bench/samplers.ts is measured against.

The same protocol as bench/samplers.ts: Branin on [-5, 10] x [0, 15] (optimum 0.397887), Hartmann6 on
[0, 1]^6 (-3.32237), Rosenbrock 10D on [-5, 10]^10 (0); parameters x0..x{n-1}, each
suggest_float(low, high) (continuous, not log); minimise; 100 trials x seeds 0-9; regret = best value
found - known optimum; mean and median over the seeds. Trials run one after another (study.optimize,
n_jobs=1), which is what bench/samplers.ts does by driving the sampler directly.

Samplers (--samplers), each with Optuna's defaults and the seed:
  tpe               TPESampler(seed=s): n_startup_trials=10, n_ei_candidates=24, default gamma and
                    weights, prior weight 1, magic clip, consider_endpoints=False, multivariate=False;
                    the same settings as rxtrain's tpeSampler({ seed }).
  tpe-multivariate  TPESampler(seed=s, multivariate=True); rxtrain's tpeSampler({ seed, multivariate: true }).
  tpe-scaled        tpe with each continuous kernel's log density lowered by log(sigma), i.e. a properly
                    normalised truncated normal. Optuna 3.1's own truncated-normal logpdf leaves that term
                    out (optuna issue 5109, fixed in later releases by PR 5110); this variant shows what
                    the omission is worth on these functions. Same as rxtrain's scoring: 'density'.
  tpe-multivariate-scaled  the same for TPESampler(seed=s, multivariate=True).
  cmaes             CmaEsSampler(seed=s) (needs the `cmaes` package; Debian's python3-cmaes).
  random            RandomSampler(seed=s).

Needs Debian's python3-optuna (3.1):

  /usr/bin/python3 bench/reference/samplers_optuna.py [--samplers=tpe,cmaes,random]
      [--functions=branin,hartmann6,rosenbrock10] [--seeds=10] [--trials=100] [--overhead]

Prints a Markdown table. --overhead instead times one 6D TPE sample (ask + six suggest_float) with
1000 random trials of Hartmann6 in the study (median of repeats, wall and process CPU time).
"""
import argparse
import contextlib
import math
import statistics
import time

import numpy as np
import optuna
from optuna.samplers._tpe import parzen_estimator


def branin(x):
    x1, x2 = x
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
H_P = [[v * 1e-4 for v in row] for row in [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                                           [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]]
H_ALPHA = [1, 1.2, 3, 3.2]


def hartmann6(x):
    return -sum(a * math.exp(-sum(aij * (x[j] - H_P[i][j]) ** 2 for j, aij in enumerate(H_A[i])))
                for i, a in enumerate(H_ALPHA))


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


# name -> (function, bounds per dimension, known optimum)
PROBLEMS = {
    'branin': (branin, [(-5, 10), (0, 15)], 0.397887),
    'hartmann6': (hartmann6, [(0, 1)] * 6, -3.32237),
    'rosenbrock10': (rosenbrock, [(-5, 10)] * 10, 0.0),
}


@contextlib.contextmanager
def scaled_kernels():
    """Make the Parzen estimator's continuous kernels proper densities (subtract log sigma) while active."""
    module = parzen_estimator.truncnorm
    original = module.logpdf

    def logpdf(x, a, b, loc=0, scale=1):
        return original(x, a, b, loc=loc, scale=scale) - np.log(scale)

    module.logpdf = logpdf
    try:
        yield
    finally:
        module.logpdf = original


SAMPLERS = {
    'tpe': lambda seed: optuna.samplers.TPESampler(seed=seed),
    'tpe-multivariate': lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    'tpe-scaled': lambda seed: optuna.samplers.TPESampler(seed=seed),
    'tpe-multivariate-scaled': lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    'cmaes': lambda seed: optuna.samplers.CmaEsSampler(seed=seed),
    'random': lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


def run(problem, sampler, trials):
    f, bounds, optimum = PROBLEMS[problem]

    def objective(trial):
        return f([trial.suggest_float(f'x{i}', lo, hi) for i, (lo, hi) in enumerate(bounds)])

    study = optuna.create_study(direction='minimize', sampler=sampler)
    study.optimize(objective, n_trials=trials)
    return study.best_value - optimum


def fmt(v):
    return f'{v:.0f}' if v >= 100 else f'{v:.2f}' if v >= 1 else f'{v:.3g}'


def overhead(repeats=20):
    bounds = PROBLEMS['hartmann6'][1]
    dists = {f'x{i}': optuna.distributions.FloatDistribution(lo, hi) for i, (lo, hi) in enumerate(bounds)}
    rng = np.random.RandomState(1)
    study = optuna.create_study(direction='minimize', sampler=optuna.samplers.TPESampler(seed=0))
    for _ in range(1000):
        params = {k: float(rng.uniform(d.low, d.high)) for k, d in dists.items()}
        study.add_trial(optuna.trial.create_trial(params=params, distributions=dists,
                                                  value=hartmann6(list(params.values()))))
    walls, cpus = [], []
    for rep in range(repeats + 1):
        c0, t0 = time.process_time(), time.perf_counter()
        trial = study.ask()
        for k, d in dists.items():
            trial.suggest_float(k, d.low, d.high)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        # Keep the history at 1000 trials: the sampled trial is failed, so TPE ignores it.
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
        if rep > 0:  # the first is a warm-up
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
    print('| sampler (6D, 1000 trials in history) | median wall ms / sample | median CPU ms / sample |')
    print('|---|---|---|')
    print(f'| Optuna {optuna.__version__} tpe | {statistics.median(walls):.1f} | {statistics.median(cpus):.1f} |')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--samplers', default='tpe,cmaes,random')
    parser.add_argument('--functions', default='branin,hartmann6,rosenbrock10')
    parser.add_argument('--seeds', type=int, default=10)
    parser.add_argument('--trials', type=int, default=100)
    parser.add_argument('--overhead', action='store_true')
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if args.overhead:
        return overhead()
    print(f'| sampler (Optuna {optuna.__version__}) | function | mean regret | median regret | s/run |')
    print('|---|---|---|---|---|')
    for name in args.samplers.split(','):
        if name not in SAMPLERS:
            raise SystemExit(f'unknown sampler {name} (known: {", ".join(SAMPLERS)})')
        for problem in args.functions.split(','):
            if problem not in PROBLEMS:
                raise SystemExit(f'unknown function {problem} (known: {", ".join(PROBLEMS)})')
            t0 = time.perf_counter()
            with scaled_kernels() if name.endswith('-scaled') else contextlib.nullcontext():
                regrets = [run(problem, SAMPLERS[name](seed), args.trials) for seed in range(args.seeds)]
            secs = (time.perf_counter() - t0) / args.seeds
            print(f'| {name} | {problem} | {fmt(statistics.mean(regrets))} | {fmt(statistics.median(regrets))} | {secs:.2f} |',
                  flush=True)


if __name__ == '__main__':
    main()
