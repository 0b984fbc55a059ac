/**
 * Issue 19: training throughput on wasm, on wasm + the BLAS add-on, and in PyTorch, measured side by
 * side in one run.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/blas.ts [--rounds 5] [--mlp-steps 100]
 *        [--cnn-steps 20] [--torch-threads 1,2] [--no-torch] [--parallel] [--profile]
 *
 * The models of bench/wasm-models.ts (MLP 784-256-128-10, the CNN of bench/wasm-cnn.ts), Fashion-MNIST,
 * batch 128, Adam 1e-3, four resident batches, no per-step read. Each round runs, in turn: each model
 * on pure wasm and on wasm+blas (one BLAS thread), then PyTorch on each model at each thread count of
 * --torch-threads (bench/reference/throughput_torch.py, a process per measurement, OPENBLAS_NUM_THREADS
 * set to match), then a 1024×1024 matMul on wasm (XNNPACK) and on the BLAS (its sgemm peak here).
 * Medians over rounds of samples/s (wall) and per CPU-second; ratios against PyTorch on one thread and
 * at its best thread count, both measured in this run; the share of the BLAS's own sgemm peak that
 * training reaches. --parallel adds, each round, the CNN on both cores: `dataParallel` with 2 workers
 * on wasm+blas (bench/wasm-parallel.ts --rounds 1, a process per round), against PyTorch's best.
 * --profile adds where a wasm+blas step spends its time, by kernel. Tables go to
 * stderr; stdout gets one JSON line (as bench/run.ts expects). Needs the add-on built (npm install, or
 * npx node-gyp rebuild) and, for the PyTorch columns, Debian's python3-torch at /usr/bin/python3.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, replaceStockWasmKernels } from '../lib/backend/register-wasm-kernels.js';
import { blasUnavailable, chooseBlas } from '../lib/backend/blas/blas-state.js';
import { fashionMnist } from '../lib/data/fashion-mnist.js';
import { flopsPerSample, type ModelName } from './wasm-models.js';
import { batchSize, makeRunner, matMulGflops } from './train-runner.js';
import { median } from './util.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1]!;
}
const rounds = Number(option('rounds', '5'));
const steps: Record<ModelName, number> = { mlp: Number(option('mlp-steps', '100')), cnn: Number(option('cnn-steps', '20')) };
const torchThreads = process.argv.includes('--no-torch') ? [] : option('torch-threads', '1,2').split(',').map(Number);
const profile = process.argv.includes('--profile');
const parallel = process.argv.includes('--parallel');
const PYTHON = '/usr/bin/python3';

await tf.setBackend('wasm');
registerWasmTrainingKernels();
replaceStockWasmKernels();
const blas = chooseBlas({ threads: 1 });
if (!blas) {
  console.error(`bench/blas.ts skipped: it needs the BLAS add-on: ${blasUnavailable()}`);
  console.log(JSON.stringify({ bench: 'blas', skipped: blasUnavailable() }));
  process.exit(0);
}
console.error(`BLAS: ${blas.library}, ${blas.threads} thread(s)`);
const { train } = fashionMnist();

interface Config { key: string; model: ModelName; blas: boolean }
const configs: Config[] = (['mlp', 'cnn'] as const).flatMap((model) => [
  { key: `${model} wasm`, model, blas: false },
  { key: `${model} wasm+blas`, model, blas: true },
]);
const runners = new Map(configs.map((c) => [c, makeRunner(c.model, train)]));
for (const c of configs) {
  chooseBlas({ enabled: c.blas, threads: 1 });
  runners.get(c)!.run(2); // optimizer slots, XNNPACK operators
}

function torch(model: ModelName, threads: number): { samplesPerSec: number; samplesPerCpuSec: number } | string {
  const r = spawnSync(PYTHON, ['bench/reference/throughput_torch.py', '--model', model, '--threads', String(threads), '--steps', String(model === 'mlp' ? 200 : 40)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) return r.error?.message ?? r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`;
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { samplesPerSec: number; samplesPerCpuSec: number };
}

const loadBefore = loadavg()[0]!;
const wall = new Map<string, number[]>();
const perCpu = new Map<string, number[]>();
const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);
const peaks = { wasm: [] as number[], blas: [] as number[] };
let torchProblem: string | undefined;
for (let round = 0; round < rounds; round++) {
  for (const c of configs) {
    chooseBlas({ enabled: c.blas, threads: 1 });
    const { wall: ms, cpu } = runners.get(c)!.run(steps[c.model]);
    push(wall, c.key, (steps[c.model] * batchSize) / (ms / 1000));
    push(perCpu, c.key, (steps[c.model] * batchSize) / (cpu / 1000));
  }
  for (const model of ['mlp', 'cnn'] as const) {
    for (const threads of torchThreads) {
      if (torchProblem) break;
      const r = torch(model, threads);
      if (typeof r === 'string') {
        torchProblem = r;
        console.error(`PyTorch reference skipped: ${r} (apt-get install python3-torch libopenblas0-pthread)`);
        break;
      }
      push(wall, `${model} pytorch ${threads}t`, r.samplesPerSec);
      push(perCpu, `${model} pytorch ${threads}t`, r.samplesPerCpuSec);
    }
  }
  if (parallel) {
    const r = spawnSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', 'bench/wasm-parallel.ts', '--model', 'cnn', '--rounds', '1', '--steps', String(steps.cnn), '--no-ceiling'], { encoding: 'utf8' });
    const line = r.status === 0 ? r.stdout.trim().split('\n').at(-1) : undefined;
    if (line === undefined) console.error(`dataParallel round failed: ${r.stderr.trim().split('\n').at(-1)}`);
    else {
      const out = JSON.parse(line) as { samplesPerSec: Record<string, { median: number }>; samplesPerCpuSec: Record<string, { median: number }> };
      push(wall, 'cnn wasm+blas dataParallel 2 workers', out.samplesPerSec['dataParallel, 2 workers']!.median);
      push(perCpu, 'cnn wasm+blas dataParallel 2 workers', out.samplesPerCpuSec['dataParallel, 2 workers']!.median);
    }
  }
  chooseBlas({ enabled: false });
  peaks.wasm.push(matMulGflops());
  chooseBlas({ threads: 1 });
  peaks.blas.push(matMulGflops());
  console.error(`round ${round + 1}/${rounds} done`);
}

const results: Record<string, unknown> = { bench: 'blas', batchSize, rounds, steps, blas: blas.library, loadAverageBefore: loadBefore, loadAverageAfter: loadavg()[0] };
const blasPeak = median(peaks.blas);
const wasmPeak = median(peaks.wasm);
results.matMulGflops = { wasm: wasmPeak, blas: blasPeak, perRound: peaks };
console.error(`\n1-minute load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`);
console.error(`1024×1024 matMul: wasm (XNNPACK) ${wasmPeak.toFixed(1)} GFLOP/s, BLAS sgemm (1 thread) ${blasPeak.toFixed(1)} GFLOP/s (medians)`);
console.error('\n| model | runs on | samples/s (median) | per round | per CPU-second | GFLOP/s | share of BLAS sgemm peak | vs PyTorch 1 thread | vs PyTorch best |');
console.error('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const model of ['mlp', 'cnn'] as const) {
  const torchKeys = torchThreads.map((t) => `${model} pytorch ${t}t`).filter((k) => wall.has(k));
  const best = torchKeys.reduce<string | undefined>((b, k) => (b === undefined || median(wall.get(k)!) > median(wall.get(b)!) ? k : b), undefined);
  const one = wall.has(`${model} pytorch 1t`) ? median(wall.get(`${model} pytorch 1t`)!) : undefined;
  const bestValue = best ? median(wall.get(best)!) : undefined;
  results[`${model} pytorch best`] = best?.split(' ').at(-1);
  const mine = [`${model} wasm`, `${model} wasm+blas`, `${model} wasm+blas dataParallel 2 workers`].filter((k) => wall.has(k));
  for (const key of [...mine, ...torchKeys]) {
    const v = wall.get(key)!;
    const s = median(v);
    const g = (s * flopsPerSample[model]) / 1e9;
    const cpu = median(perCpu.get(key)!);
    results[key] = { samplesPerSec: s, perRound: v, samplesPerCpuSecond: cpu, gflops: g, shareOfBlasPeak: g / blasPeak, vsPytorch1: one && s / one, vsPytorchBest: bestValue && s / bestValue };
    const ratio = (x: number | undefined) => (x ? `${(s / x).toFixed(2)}×` : '—');
    console.error(`| ${model} | ${key.slice(model.length + 1)} | ${s.toFixed(0)} | ${v.map((x) => x.toFixed(0)).join(', ')} | ${cpu.toFixed(0)} | ${g.toFixed(1)} | ${((100 * g) / blasPeak).toFixed(0)}% | ${ratio(one)} | ${ratio(bestValue)}${key === best ? ' (best)' : ''} |`);
  }
  console.error(`${model}: wasm+blas / wasm = ${(median(wall.get(`${model} wasm+blas`)!) / median(wall.get(`${model} wasm`)!)).toFixed(2)}×`);
}

if (profile) {
  for (const c of configs.filter((x) => x.blas)) {
    chooseBlas({ threads: 1 });
    const r = runners.get(c)!;
    const profiled = 5;
    const info = await tf.profile(() => { for (let i = 0; i < profiled; i++) r.step(i); });
    const byKernel = new Map<string, number>();
    for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number) / profiled);
    const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
    console.error(`\n${c.key} step (mean of ${profiled}), kernel time by kernel (total ${total.toFixed(2)} ms):`);
    results[`${c.key} profileMsPerStep`] = Object.fromEntries([...byKernel].sort((a, b) => b[1] - a[1]));
    for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.error(`  ${name.padEnd(28)} ${ms.toFixed(3).padStart(8)} ms  ${((100 * ms) / total).toFixed(1)}%`);
    }
  }
}

for (const r of runners.values()) r.dispose();
console.log(JSON.stringify(results));
