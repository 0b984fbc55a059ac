"""Parameter importance with Optuna 3.1, on trials exported from rxtrain: the reference importance() is checked against.

Reads one JSON object (a file argument, or stdin):

  {"direction": "minimize", "space": [ParamSpec, ...], "trials": [FrozenTrial, ...]}

where `space` is an rxtrain search space's `params` (name + distribution: {"kind": "float"|"int",
"low", "high", "log", "step"?} or {"kind": "categorical", "choices"}) and `trials` are rxtrain
FrozenTrial records (`study.trials()` as JSON). Each completed trial becomes an Optuna trial
(optuna.trial.create_trial with the distributions of its parameters, added with study.add_trials);
others are skipped. Prints one JSON object: evaluator -> [[param, importance], ...], largest first, for
FanovaImportanceEvaluator and MeanDecreaseImpurityImportanceEvaluator (Optuna's defaults: 64 trees, depth 64),
each with --seed.

Needs Debian's python3-optuna (3.1) and python3-sklearn:

  /usr/bin/python3 bench/reference/importance_optuna.py [--seed=0] [trials.json]
"""
import argparse
import json
import sys

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.importance import FanovaImportanceEvaluator, MeanDecreaseImpurityImportanceEvaluator, get_param_importances
from optuna.trial import TrialState, create_trial


def distribution(d):
    if d["kind"] == "categorical":
        return CategoricalDistribution(d["choices"])
    if d["kind"] == "int":
        return IntDistribution(d["low"], d["high"], log=d["log"], step=d.get("step", 1))
    return FloatDistribution(d["low"], d["high"], log=d["log"], step=d.get("step"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("file", nargs="?")
    args = parser.parse_args()
    data = json.load(open(args.file) if args.file else sys.stdin)
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    dists = {p["name"]: distribution(p["distribution"]) for p in data["space"]}
    study = optuna.create_study(direction=data.get("direction", "minimize"))
    study.add_trials([
        create_trial(
            state=TrialState.COMPLETE,
            value=t["value"],
            params=t["params"],
            distributions={name: dists[name] for name in t["params"]},
        )
        for t in data["trials"]
        if t["state"] == "completed"
    ])
    out = {}
    for name, evaluator in [("fanova", FanovaImportanceEvaluator(seed=args.seed)), ("meanDecreaseImpurity", MeanDecreaseImpurityImportanceEvaluator(seed=args.seed))]:
        out[name] = [[k, float(v)] for k, v in get_param_importances(study, evaluator=evaluator).items()]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
