"""Issue 3's Fashion-MNIST search with Optuna + PyTorch: the reference bench/fashion-search.ts is measured against.

The same protocol as bench/fashion-search.ts: the first 10k images of the training split to train on,
images 50,000-59,999 of it to validate on; MLP 784 -> units (ReLU, dropout) -> 10, L2 on the hidden
kernel added to the loss; lr logUniform(1e-4, 1e-1), units int(32, 512), dropout uniform(0, 0.5),
l2 logUniform(1e-6, 1e-2), optimizer choice(adam, sgd with momentum 0.9, rmsprop); batch 128; at most
5 epochs a trial; TPE + successive halving (min resource 1, reduction factor 3) or the median pruner;
90 s from the first trial, after which a running trial stops at its next epoch and does not count.

Recipes (--recipe):
  plain     pixels / 255, constant learning rate (what the issue's 0.857 was measured with, as far as known)
  tuned     pixels standardised per feature with the training images' mean and std, learning rate
            annealed by half a cosine over the 5 epochs (set at each epoch's start)

Needs Debian's python3-optuna (3.1), python3-torch (1.13) and libopenblas0-pthread (without OpenBLAS
Debian's torch uses the reference BLAS and is ~30x slower at matrix products):

  /usr/bin/python3 bench/reference/fashion_optuna.py [--budget 90] [--seed 1] [--recipe plain|tuned]
      [--pruner asha|median|none] [--threads 1]

Prints one JSON line of the same shape as bench/fashion-search.ts.
"""
import argparse
import json
import math
import time

import numpy as np
import optuna
import torch

from fashion_data import FASHION, idx


def load(recipe):
    images = idx(f'{FASHION}/train-images-idx3-ubyte.gz').reshape(-1, 784).astype(np.float32) / 255
    labels = idx(f'{FASHION}/train-labels-idx1-ubyte.gz').astype(np.int64)
    x_train, y_train = images[:10_000], labels[:10_000]
    x_val, y_val = images[50_000:60_000], labels[50_000:60_000]
    if recipe == 'tuned':
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)
        std[std == 0] = 1
        x_train, x_val = (x_train - mean) / std, (x_val - mean) / std
    return [torch.from_numpy(np.ascontiguousarray(a)) for a in (x_train, y_train, x_val, y_val)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--budget', type=float, default=90)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--recipe', choices=['plain', 'tuned'], default='plain')
    p.add_argument('--pruner', choices=['asha', 'median', 'none'], default='asha')
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    x_train, y_train, x_val, y_val = load(a.recipe)
    epochs_max, batch = 5, 128
    counts = {'epochs': 0, 'late': 0}

    def objective(trial):
        lr = trial.suggest_float('lr', 1e-4, 1e-1, log=True)
        units = trial.suggest_int('units', 32, 512)
        dropout = trial.suggest_float('dropout', 0, 0.5)
        l2 = trial.suggest_float('l2', 1e-6, 1e-2, log=True)
        name = trial.suggest_categorical('optimizer', ['adam', 'sgd', 'rmsprop'])
        torch.manual_seed(a.seed * 100_000 + trial.number)
        hidden = torch.nn.Linear(784, units)
        model = torch.nn.Sequential(hidden, torch.nn.ReLU(), torch.nn.Dropout(dropout), torch.nn.Linear(units, 10))
        opt = {'adam': lambda: torch.optim.Adam(model.parameters(), lr=lr),
               'sgd': lambda: torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9),
               'rmsprop': lambda: torch.optim.RMSprop(model.parameters(), lr=lr)}[name]()
        accuracy = 0.0
        for epoch in range(epochs_max):
            if time.perf_counter() > deadline:
                counts['late'] += 1
                raise optuna.TrialPruned('budget over')  # not a result: the budget ran out mid-trial
            if a.recipe == 'tuned':
                for g in opt.param_groups:
                    g['lr'] = lr * (1 + math.cos(math.pi * epoch / epochs_max)) / 2
            model.train()
            order = torch.randperm(len(x_train))
            for i in range(0, len(order), batch):
                rows = order[i:i + batch]
                loss = torch.nn.functional.cross_entropy(model(x_train[rows]), y_train[rows]) + l2 * hidden.weight.square().sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
            model.eval()
            with torch.no_grad():
                accuracy = (model(x_val).argmax(1) == y_val).float().mean().item()
            counts['epochs'] += 1
            if time.perf_counter() > deadline:
                counts['late'] += 1
                raise optuna.TrialPruned('budget over')
            if not math.isfinite(accuracy):
                raise ValueError('non-finite accuracy')
            trial.report(accuracy, epoch + 1)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return accuracy

    pruner = {'asha': lambda: optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
              'median': lambda: optuna.pruners.MedianPruner(n_startup_trials=4, n_warmup_steps=1),
              'none': lambda: optuna.pruners.NopPruner()}[a.pruner]()
    study = optuna.create_study(direction='maximize', sampler=optuna.samplers.TPESampler(seed=a.seed), pruner=pruner)
    t0 = time.perf_counter()
    deadline = t0 + a.budget
    study.optimize(objective, timeout=a.budget, catch=(ValueError,))
    seconds = time.perf_counter() - t0
    trials = study.trials
    states = optuna.trial.TrialState
    completed = [t for t in trials if t.state == states.COMPLETE]
    best = max(completed, key=lambda t: t.value) if completed else None
    print(json.dumps({
        'bench': 'fashion-search-optuna', 'optuna': optuna.__version__, 'torch': torch.__version__, 'threads': a.threads,
        'recipe': a.recipe, 'pruner': a.pruner, 'budgetSeconds': a.budget, 'seconds': round(seconds, 1), 'seed': a.seed,
        'bestValAccuracy': best.value if best else None, 'bestParams': best.params if best else None,
        'trials': {'completed': len(completed), 'pruned': sum(t.state == states.PRUNED for t in trials) - counts['late'],
                   'failed': sum(t.state == states.FAIL for t in trials), 'cancelledAtBudget': counts['late']},
        'epochs': counts['epochs'],
    }))


if __name__ == '__main__':
    main()
