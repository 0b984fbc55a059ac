/**
 * Parallel trials: the same search (8 trials of a digits MLP 64-256-128-10, 20 epochs each, random sampler, no
 * pruner) with concurrency 1 and 2, each trial in a worker thread with its own wasm backend. Rounds
 * alternate (1, 2, 1, 2, ...); reports median trials/s and the median per-round speed-up.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/parallel.ts [--rounds 3] [--trials 8]
 */
import { fileURLToPath } from 'node:url';
import { lastValueFrom } from 'rxjs';
import { logUniform, randomSampler, space, study, workerObjective, workerPool } from 'rxtrain';
import { arg, median } from './util.js';

const rounds = Number(arg('rounds', '3'));
const trials = Number(arg('trials', '8'));
const module = fileURLToPath(new URL('./fixtures/digits-trial.ts', import.meta.url));

async function run(concurrency: number, round: number): Promise<number> {
  const pool = workerPool({ size: concurrency, backend: 'wasm' });
  await pool.warm(); // thread start-up is not what we measure
  const s = study({ name: `parallel-${concurrency}-${round}`, direction: 'maximize', metric: 'val_accuracy', space: space({ lr: logUniform(1e-3, 1e-2) }), sampler: randomSampler({ seed: round }) });
  const t0 = performance.now();
  await lastValueFrom(s.optimize(workerObjective(pool, { module, prune: false }), { trials, concurrency }));
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  const failed = s.trials().filter((t) => t.state === 'failed');
  if (failed.length) throw new Error(`${failed.length} trials failed: ${failed[0]!.error}`);
  return trials / seconds;
}

const one: number[] = [], two: number[] = [];
for (let r = 0; r < rounds; r++) {
  one.push(await run(1, r));
  two.push(await run(2, r));
  console.error(`round ${r + 1}: concurrency 1 ${one.at(-1)!.toFixed(3)} trials/s, concurrency 2 ${two.at(-1)!.toFixed(3)} trials/s`);
}
console.log(JSON.stringify({
  bench: 'parallel', trials, rounds, workload: 'digits MLP 64-256-128-10, 20 epochs, batch 32, wasm',
  trialsPerSecond: { concurrency1: Number(median(one).toFixed(4)), concurrency2: Number(median(two).toFixed(4)) },
  speedup: Number(median(two.map((v, i) => v / one[i]!)).toFixed(3)),
}));
