/**
 * A real search under a wall-clock budget (issue 3's protocol): an MLP on Fashion-MNIST, 10k training
 * images and 10k validation images held out of the training split; learning rate logUniform(1e-4, 1e-1),
 * hidden units int(32, 512), dropout uniform(0, 0.5), L2 logUniform(1e-6, 1e-2), optimizer
 * choice(adam, sgd, rmsprop); at most 5 epochs a trial; 90 s from the first trial's start, after which
 * no trial starts and running ones are cancelled. TPE + ASHA, two trials at a time in worker threads.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/fashion-search.ts [--budget 90] [--seed 1] [--sampler tpe|gp|random]
 *        [--startup 6] [--multivariate] [--pruner asha|median|none] [--min-resource 1] [--recipe tuned|plain]
 *
 * Defaults are the documented run: TPE (6 random start-up trials) + ASHA (min resource 1, reduction 3),
 * the `tuned` training recipe (standardised pixels, cosine-annealed learning rate: see
 * fixtures/fashion-trial.ts). bench/reference/fashion_optuna.py is the same protocol in Optuna + PyTorch.
 */
import { fileURLToPath } from 'node:url';
import { lastValueFrom, takeUntil, timer } from 'rxjs';
import { choice, gpSampler, int, logUniform, medianPruner, randomSampler, space, study, successiveHalvingPruner, tpeSampler, uniform, workerObjective, workerPool } from 'rxtrain';
import { arg } from './util.js';

const budget = Number(arg('budget', '90')) * 1000;
const seed = Number(arg('seed', '1'));
const startup = Number(arg('startup', '6'));
const multivariate = process.argv.includes('--multivariate');
const prunerName = arg('pruner', 'asha');
const minResource = Number(arg('min-resource', '1'));
const recipe = arg('recipe', 'tuned');
const samplerName = arg('sampler', 'tpe');
if (!['tpe', 'gp', 'random'].includes(samplerName)) throw new Error(`--sampler must be tpe, gp or random, not ${samplerName}`);
if (recipe !== 'tuned' && recipe !== 'plain') throw new Error(`--recipe must be tuned or plain, not ${recipe}`);
const pool = workerPool({ size: 2, backend: 'wasm' });
await pool.warm();
const s = study({
  name: 'fashion-mlp', direction: 'maximize', metric: 'val_accuracy', seed,
  space: space({
    lr: logUniform(1e-4, 1e-1), units: int(32, 512), dropout: uniform(0, 0.5), l2: logUniform(1e-6, 1e-2),
    optimizer: choice(['adam', 'sgd', 'rmsprop']),
  }),
  sampler: samplerName === 'gp' ? gpSampler({ seed, nStartup: startup }) : samplerName === 'random' ? randomSampler({ seed }) : tpeSampler({ seed, nStartup: startup, multivariate }),
  ...(prunerName === 'none' ? {} : { pruner: prunerName === 'median' ? medianPruner({ nStartupTrials: 4, nWarmupSteps: minResource }) : successiveHalvingPruner({ minResource, reductionFactor: 3 }) }),
});
const objective = workerObjective(pool, { module: fileURLToPath(new URL('./fixtures/fashion-trial.ts', import.meta.url)), export: recipe === 'tuned' ? 'default' : 'plain' });
const t0 = performance.now();
let epochs = 0;
await lastValueFrom(s.optimize(objective, { timeout: budget, concurrency: 2 }).pipe(takeUntil(timer(budget))), { defaultValue: undefined });
const seconds = (performance.now() - t0) / 1000;
await pool.close();
const trials = s.trials();
for (const t of trials) epochs += t.intermediate.length;
const count = (state: string) => trials.filter((t) => t.state === state).length;
const best = s.best();
console.error(`best ${best?.value} ${JSON.stringify(best?.params)}`);
console.log(JSON.stringify({
  bench: 'fashion-search', recipe, sampler: samplerName, startup, multivariate, pruner: prunerName, minResource, budgetSeconds: budget / 1000, seconds: Number(seconds.toFixed(1)), seed,
  bestValAccuracy: best?.value, bestParams: best?.params,
  trials: { completed: count('completed'), pruned: count('pruned'), failed: count('failed'), cancelledAtBudget: trials.filter((t) => t.error === 'cancelled').length },
  epochs,
}));
