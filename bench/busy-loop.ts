/**
 * What this machine gives two busy threads right now: a pure-JavaScript loop (no memory traffic, no
 * tfjs) in one worker thread, then in two at once. A speed-up well under 2x means the host's vCPUs are
 * shared: no way of running trials in parallel can beat it (bench/parallel.ts quotes it beside its own).
 *
 *   node --conditions=rxtrain-source --import=tsx bench/busy-loop.ts [--rounds 3] [--iterations 400000000] [--kind loop|sum]
 *
 * `--kind sum` sums a 64 MB Float64Array 20 times instead (memory traffic rather than arithmetic).
 */
import { Worker } from 'node:worker_threads';
import { arg, median } from './util.js';

const rounds = Number(arg('rounds', '3'));
const iterations = Number(arg('iterations', '400000000'));
const kind = arg('kind', 'loop');
if (kind !== 'loop' && kind !== 'sum') throw new Error(`--kind must be loop or sum, not ${kind}`);
const code = kind === 'loop' ? `
const { parentPort, workerData } = require('node:worker_threads');
let x = 0;
const t = performance.now();
for (let i = 0; i < workerData; i++) x = (x + i * 7) % 1000003;
parentPort.postMessage([performance.now() - t, x]);` : `
const { parentPort } = require('node:worker_threads');
const a = new Float64Array(64 * 131072);
for (let i = 0; i < a.length; i++) a[i] = i % 7;
let s = 0;
const t = performance.now();
for (let r = 0; r < 20; r++) for (let i = 0; i < a.length; i++) s += a[i];
parentPort.postMessage([performance.now() - t, s]);`;

function run(threads: number): Promise<number[]> {
  return Promise.all(Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
    new Worker(code, { eval: true, workerData: iterations }).once('message', (m: [number, number]) => resolve(m[0])).once('error', reject);
  })));
}

const speedups: number[] = [];
for (let r = 0; r < rounds; r++) {
  const [one] = await run(1);
  const two = await run(2);
  const speedup = (2 * one!) / Math.max(...two);
  speedups.push(speedup);
  console.error(`round ${r + 1}: 1 thread ${one!.toFixed(0)} ms, 2 threads ${two.map((v) => v.toFixed(0)).join(' / ')} ms: ${speedup.toFixed(2)}x`);
}
console.log(JSON.stringify({ bench: 'busy-loop', kind, rounds, ...(kind === 'loop' ? { iterations } : { megabytes: 64 }), speedups: speedups.map((v) => Number(v.toFixed(3))), medianSpeedup: Number(median(speedups).toFixed(3)) }));
