/**
 * A hyperparameter search on the bundled digits: TPE proposes, ASHA prunes, two worker threads train
 * two trials at a time. Each trial's stream comes back to the study, which reports every epoch to the
 * pruner; a pruned trial stops training at once.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/digits-search.ts
 */
import { fileURLToPath } from 'node:url';
import { lastValueFrom, tap } from 'rxjs';
import { study, successiveHalvingPruner, tpeSampler, workerObjective, workerPool } from 'rxtrain';
import { digitsSpace } from './digits-trial.js';



const pool = workerPool({ size: 2 });
const s = study({
  name: 'digits-mlp',
  direction: 'maximize',
  metric: 'val_accuracy',
  space: digitsSpace,
  sampler: tpeSampler({ seed: 7 }),
  pruner: successiveHalvingPruner({ minResource: 2, reductionFactor: 3 }),
  seed: 7,
});

const objective = workerObjective(pool, { module: fileURLToPath(new URL('./digits-trial.ts', import.meta.url)) });
await lastValueFrom(
  s.optimize(objective, { trials: 30, concurrency: 2 }).pipe(
    tap((e) => {
      if (e.type === 'trialCompleted') console.log(`trial ${e.trial}: val_accuracy ${e.value.toFixed(4)}  ${JSON.stringify(e.params)}`);
      if (e.type === 'trialPruned') console.log(`trial ${e.trial}: pruned after epoch ${(e.step ?? 0) + 1} (val_accuracy ${e.value?.toFixed(4)})`);
      if (e.type === 'trialFailed') console.log(`trial ${e.trial}: failed: ${e.error}`);
    }),
  ),
);
await pool.close();
const best = s.best()!;
const states = s.trials().reduce<Record<string, number>>((n, t) => ({ ...n, [t.state]: (n[t.state] ?? 0) + 1 }), {});
console.log(`best: trial ${best.number}, val_accuracy ${best.value?.toFixed(4)}, ${JSON.stringify(best.params)}`);
console.log(`trials: ${JSON.stringify(states)}`);
