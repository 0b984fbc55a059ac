/**
 * Two cores for one training run on wasm, through the public API: `trainStep` in one thread against
 * `dataParallel` with 2 worker threads (each its own tfjs + wasm; each batch split by rows, gradients
 * averaged, the update applied in the main thread), on the same data and model, interleaved round by
 * round, medians.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/wasm-parallel.ts [--model cnn|mlp] [--rounds 3] [--steps 20] [--workers 2] [--no-ceiling]
 *
 * Fashion-MNIST, batch 128, Adam 1e-3, sparse categorical cross-entropy. CNN: conv16-3x3, pool 2,
 * conv32-3x3, pool 2, dense64, dense10 (issue 7's); MLP 784-256-128-10. Each round is a fresh
 * subscription (the workers start at subscription, not timed); the first 3 steps of a round are
 * warm-up, the next `steps` are timed, in wall time and in CPU time of the process (all its threads).
 * Synchronous workers wait for the slower one: the wall-time ratio depends on whether the cores are
 * free; samples per CPU-second show the cost of the split itself. First it checks that 5 steps of
 * `dataParallel` give the weights of 5 steps of `trainStep` from the same start. Each round also
 * measures what the machine gives two threads at that moment: two independent one-thread trainSteps
 * in two processes, timed together (skip with `--no-ceiling`). Tables go to
 * stderr; stdout gets one JSON line.
 */
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type * as tfl from '@tensorflow/tfjs-layers';
import { filter, lastValueFrom, take, tap, type OperatorFunction } from 'rxjs';
import { batches, cnn, fashionMnist, mlp, useBackend, type ArrayDataset, type Batch, type EpochBoundary, type RunStart, type StepEvent } from '../lib/index.js';
import { epochs, trainStep } from '../operators/index.js';
import { dataParallel } from '../operators/index.js';
import { arg, median } from './util.js';

const modelName = arg('model', 'cnn');
const rounds = Number(arg('rounds', '3'));
const steps = Number(arg('steps', '20'));
const workers = Number(arg('workers', '2'));
const noCeiling = process.argv.includes('--no-ceiling');
const warmup = 3;
const batchSize = 128;

await useBackend('wasm');
const data = fashionMnist({ limit: batchSize * 16 }).train;
const build = (): tfl.LayersModel =>
  modelName === 'cnn'
    ? cnn({ inputShape: [28, 28, 1], filters: [16, 32], dense: [64], classes: 10, seed: 1 })
    : mlp({ inputShape: [784], units: [256, 128], classes: 10, seed: 1 });
const flat: ArrayDataset = modelName === 'cnn' ? data : { ...data, xShape: [784] };
const optimizer = { name: 'adam', lr: 1e-3 } as const;
const loss = 'sparseCategoricalCrossentropy';
type Step = OperatorFunction<Batch | EpochBoundary, RunStart | StepEvent | EpochBoundary>;
const ways: Record<string, (m: tfl.LayersModel) => Step> = {
  'trainStep, 1 thread': (m) => trainStep(m, { optimizer, loss }),
  [`dataParallel, ${workers} workers`]: (m) => dataParallel(m, { workers, optimizer, loss }),
};

/**
 * Samples per second over `steps` steps after the warm-up, on a fresh model; and samples per
 * CPU-second of the whole process (all threads), which other jobs on the machine do not inflate.
 */
async function measure(way: (m: tfl.LayersModel) => Step): Promise<{ rate: number; perCpu: number }> {
  const model = build();
  const times: number[] = [];
  let cpu0 = process.cpuUsage();
  let cpu = 0;
  await lastValueFrom(
    batches(flat, { batchSize, shuffle: true, seed: 3, dropRemainder: true }).pipe(
      epochs(1000), way(model), filter((e) => e.type === 'step'), take(warmup + steps),
      tap(() => {
        times.push(performance.now());
        if (times.length === warmup) cpu0 = process.cpuUsage();
        if (times.length === warmup + steps) {
          const used = process.cpuUsage(cpu0);
          cpu = (used.user + used.system) / 1e6;
        }
      }),
    ),
  );
  model.dispose();
  return { rate: (steps * batchSize) / ((times.at(-1)! - times[warmup - 1]!) / 1000), perCpu: (steps * batchSize) / cpu };
}

/**
 * `--solo T`: one trainStep in this process, warmed up, then timed from wall-clock time T, so that
 * two of these run side by side. Prints its samples/s.
 */
const soloAt = Number(arg('solo', '0'));
if (soloAt > 0) {
  const model = build();
  const run = (n: number) => lastValueFrom(batches(flat, { batchSize, dropRemainder: true }).pipe(epochs(1000), trainStep(model, { optimizer, loss }), filter((e) => e.type === 'step'), take(n)));
  await run(warmup);
  await new Promise((r) => setTimeout(r, Math.max(0, soloAt - Date.now())));
  const t0 = performance.now();
  await run(steps);
  console.log(JSON.stringify({ rate: (steps * batchSize) / ((performance.now() - t0) / 1000) }));
  process.exit(0);
}

/**
 * What the machine gives two threads now: two independent one-thread trainSteps in two processes,
 * timed over the same interval; their samples/s added. Synchronous data parallelism cannot beat it.
 */
async function ceiling(): Promise<number> {
  const at = String(Date.now() + 8000); // both processes loaded and warmed up by then
  const self = fileURLToPath(import.meta.url);
  const one = () => promisify(execFile)(process.execPath, [...process.execArgv, self, '--model', modelName, '--steps', String(steps), '--solo', at]);
  const outs = await Promise.all([one(), one()]);
  return outs.reduce((sum, o) => sum + (JSON.parse(o.stdout.trim().split('\n').at(-1)!) as { rate: number }).rate, 0);
}

// The same 5 steps both ways, from the same weights: the averaged gradients are the batch's gradient.
const start = build();
const copies = Object.values(ways).map((way) => {
  const m = build();
  m.setWeights(start.getWeights());
  return { m, way };
});
for (const { m, way } of copies) {
  await lastValueFrom(batches(flat, { batchSize }).pipe(epochs(1), way(m), filter((e) => e.type === 'step'), take(5)));
}
const [a, b] = copies.map(({ m }) => m.getWeights().map((w) => w.dataSync()));
let diff = 0;
let scale = 0;
a!.forEach((w, i) => w.forEach((v, j) => {
  diff = Math.max(diff, Math.abs(v - b![i]![j]!));
  scale = Math.max(scale, Math.abs(v));
}));
console.error(`${modelName}: after 5 steps, dataParallel's weights differ from trainStep's by ${(diff / scale).toExponential(2)} (max difference / max weight)`);
start.dispose();
for (const c of copies) c.m.dispose();

const loadBefore = loadavg()[0]!;
const rates: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
const perCpu: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
const twoProcesses = '2 independent trainSteps (2 processes), sum';
const bound: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const [k, way] of Object.entries(ways)) {
    const m = await measure(way);
    rates[k]!.push(m.rate);
    perCpu[k]!.push(m.perCpu);
  }
  if (!noCeiling) bound.push(await ceiling());
}
const load = [loadBefore, loadavg()[0]!];
const [base, candidate] = Object.keys(ways).map((k) => median(rates[k]!));
console.error(`\n| ${modelName} on wasm, batch ${batchSize} | samples/s (median) | per round | samples per CPU-second (median) |`);
console.error('| --- | --- | --- | --- |');
for (const [k, v] of Object.entries(rates)) console.error(`| ${k} | ${median(v).toFixed(0)} | ${v.map((x) => x.toFixed(0)).join(', ')} | ${median(perCpu[k]!).toFixed(0)} |`);
if (bound.length > 0) console.error(`| ${twoProcesses} | ${median(bound).toFixed(0)} | ${bound.map((x) => x.toFixed(0)).join(', ')} | |`);
// Synchronous replicas wait for the slowest: the other processes on the machine decide the outcome.
console.error(`dataParallel / trainStep = ${(candidate! / base!).toFixed(2)}x (1-minute load average ${load.map((l) => l.toFixed(1)).join(' -> ')} on ${availableParallelism()} cores)`);
if (bound.length > 0) console.error(`2 independent processes / trainStep = ${(median(bound) / base!).toFixed(2)}x: what two threads can get now; dataParallel reaches ${((100 * candidate!) / median(bound)).toFixed(0)}% of it`);
console.log(JSON.stringify({
  bench: 'wasm-parallel', model: modelName, batchSize, rounds, steps, workers,
  samplesPerSec: Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, { median: median(v), perRound: v }])),
  samplesPerCpuSec: Object.fromEntries(Object.entries(perCpu).map(([k, v]) => [k, { median: median(v), perRound: v }])),
  ...(bound.length > 0 ? { twoProcessesSamplesPerSec: { median: median(bound), perRound: bound } } : {}),
  speedup: candidate! / base!, relativeWeightDiffAfter5Steps: diff / scale, loadAverage: load,
}));
