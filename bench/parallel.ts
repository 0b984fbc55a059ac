/**
 * Parallel trials: the same search (8 trials of a digits MLP 64-256-128-10, 20 epochs each, random sampler, no
 * pruner) with concurrency 1 and 2, each trial in a worker thread with its own wasm backend. Rounds
 * alternate (1, 2, 1, 2, ...); reports median trials/s and the median per-round speed-up.
 *
 * Each round also measures what the machine gives two independent copies at that moment: two
 * processes, each running half the trials with concurrency 1, started together (`--solo`). No way of
 * running one study's trials on two threads can beat that pair, so `speedup / pairSpeedup` is the share
 * of the machine's own two-thread speed-up that concurrency 2 reaches.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/parallel.ts [--rounds 3] [--trials 8] [--workload digits|fashion]
 *
 * `--workload fashion`: the trials of bench/fashion-search.ts instead (an MLP 784-256-10 on 10k
 * Fashion-MNIST images, 5 epochs, batch 128, the `tuned` recipe; only the learning rate varies): larger
 * matrix products than the digits MLP's.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { lastValueFrom } from 'rxjs';
import { choice, logUniform, randomSampler, space, study, workerObjective, workerPool } from 'rxtrain';
import { arg, median } from './util.js';

const rounds = Number(arg('rounds', '3'));
const trials = Number(arg('trials', '8'));
const workload = arg('workload', 'digits');
if (workload !== 'digits' && workload !== 'fashion') throw new Error(`--workload must be digits or fashion, not ${workload}`);
const module = fileURLToPath(new URL(workload === 'digits' ? './fixtures/digits-trial.ts' : './fixtures/fashion-trial.ts', import.meta.url));
const searchSpace = () => workload === 'digits'
  ? space({ lr: logUniform(1e-3, 1e-2) })
  : space({ lr: logUniform(1e-3, 1e-2), units: choice([256]), dropout: choice([0.1]), l2: choice([1e-5]), optimizer: choice(['adam']) });
const workloadName = workload === 'digits' ? 'digits MLP 64-256-128-10, 20 epochs, batch 32, wasm' : 'Fashion-MNIST MLP 784-256-10 on 10k images, 5 epochs, batch 128, wasm';

async function run(concurrency: number, round: number): Promise<number> {
  const pool = workerPool({ size: concurrency, backend: 'wasm' });
  await pool.warm(); // thread start-up is not what we measure
  const s = study({ name: `parallel-${concurrency}-${round}`, direction: 'maximize', metric: 'val_accuracy', space: searchSpace(), sampler: randomSampler({ seed: round }) });
  const t0 = performance.now();
  await lastValueFrom(s.optimize(workerObjective(pool, { module, prune: false }), { trials, concurrency }));
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  const failed = s.trials().filter((t) => t.state === 'failed');
  if (failed.length) throw new Error(`${failed.length} trials failed: ${failed[0]!.error}`);
  return trials / seconds;
}

/** `--solo T --round r`: this process runs `trials` trials with concurrency 1, timed from wall-clock time T. */
const soloAt = Number(arg('solo', '0'));
if (soloAt > 0) {
  const pool = workerPool({ size: 1, backend: 'wasm' });
  await pool.warm();
  await new Promise((r) => setTimeout(r, Math.max(0, soloAt - Date.now())));
  const s = study({ name: 'solo', direction: 'maximize', metric: 'val_accuracy', space: searchSpace(), sampler: randomSampler({ seed: Number(arg('round', '0')) }) });
  const t0 = performance.now();
  await lastValueFrom(s.optimize(workerObjective(pool, { module, prune: false }), { trials, concurrency: 1 }));
  console.log((performance.now() - t0) / 1000);
  await pool.close();
  process.exit(0);
}

/** Two processes, half the trials each, started together: trials/s of the pair. */
async function pair(round: number): Promise<number> {
  const at = String(Date.now() + 15_000); // both warmed up by then
  const half = String(Math.ceil(trials / 2));
  const self = fileURLToPath(import.meta.url);
  const one = () => promisify(execFile)(process.execPath, [...process.execArgv, self, '--trials', half, '--solo', at, '--round', String(round), '--workload', workload]);
  const seconds = (await Promise.all([one(), one()])).map((r) => Number(r.stdout.trim()));
  return (2 * Number(half)) / Math.max(...seconds);
}

const one: number[] = [], two: number[] = [], both: number[] = [];
for (let r = 0; r < rounds; r++) {
  one.push(await run(1, r));
  two.push(await run(2, r));
  both.push(await pair(r));
  console.error(`round ${r + 1}: concurrency 1 ${one.at(-1)!.toFixed(3)} trials/s, concurrency 2 ${two.at(-1)!.toFixed(3)}, two processes ${both.at(-1)!.toFixed(3)}`);
}
const speedup = median(two.map((v, i) => v / one[i]!));
const pairSpeedup = median(both.map((v, i) => v / one[i]!));
console.log(JSON.stringify({
  bench: 'parallel', trials, rounds, workload: workloadName,
  trialsPerSecond: { concurrency1: Number(median(one).toFixed(4)), concurrency2: Number(median(two).toFixed(4)), twoProcesses: Number(median(both).toFixed(4)) },
  perRound: { concurrency1: one.map((v) => Number(v.toFixed(4))), concurrency2: two.map((v) => Number(v.toFixed(4))), twoProcesses: both.map((v) => Number(v.toFixed(4))) },
  speedup: Number(speedup.toFixed(3)),
  pairSpeedup: Number(pairSpeedup.toFixed(3)),
  shareOfPair: Number(median(two.map((v, i) => v / both[i]!)).toFixed(3)),
}));
