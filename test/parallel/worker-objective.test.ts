import t from 'tap';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { workerPool } from '../../lib/parallel/worker-pool.js';
import { workerObjective } from '../../lib/parallel/worker-objective.js';
import { study } from '../../lib/study/study.js';
import { space, logUniform } from '../../lib/search/space.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { successiveHalvingPruner } from '../../lib/search/pruners/successive-halving-pruner.js';
import type { StudyEvent } from '../../lib/study/study-events.js';

const module = fileURLToPath(new URL('./fixtures/trial.ts', import.meta.url));

t.test('a study runs its trials in two worker threads, with pruning decided in the study', async (t) => {
  const pool = workerPool({ size: 2, backend: 'wasm' });
  t.teardown(() => pool.close());
  await pool.warm();
  const s = study({
    name: 'workers', direction: 'maximize', metric: 'val_accuracy',
    space: space({ lr: logUniform(1e-4, 3e-2) }), sampler: randomSampler({ seed: 3 }),
    pruner: successiveHalvingPruner({ minResource: 1, reductionFactor: 2 }),
  });
  const events = await lastValueFrom(s.optimize(workerObjective(pool, { module }), { trials: 6, concurrency: 2 }).pipe(toArray()));
  const ends = events.filter((e: StudyEvent) => e.type === 'trialCompleted' || e.type === 'trialPruned' || e.type === 'trialFailed');
  t.equal(ends.length, 6, 'every trial ended once');
  t.equal(events.filter((e) => e.type === 'trialFailed').length, 0, 'none failed');
  t.ok(events.some((e) => e.type === 'epochEnd'), 'epochs come back from the workers');
  const best = s.best();
  t.ok(best && best.value! > 0.8, `best val_accuracy ${best?.value}`);
  // Two trials overlapped in time: the second started before the first ended.
  const firstEnd = events.findIndex((e) => e.type === 'trialCompleted' || e.type === 'trialPruned');
  t.ok(events.slice(0, firstEnd).filter((e) => e.type === 'trialStarted').length >= 2, 'two trials ran at once');
});

t.test('bad arguments', async (t) => {
  t.throws(() => workerObjective({} as never, { module }), /workerObjective\(\): option 'pool' must be a workerPool\(\)/);
  const pool = workerPool({ size: 1 });
  t.throws(() => workerObjective(pool, { module: '' }), /'module' must be a non-empty string/);
  t.throws(() => workerObjective(pool, { module, prune: 'yes' } as never), /'prune' must be true or false/);
  await pool.close();
});
