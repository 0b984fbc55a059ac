/**
 * wasm in Chromium against wasm in Node, on the same models and batches (issue 21): samples/s of
 * `trainStep` on the bench MLP (784-256-128-10) and the bench CNN (conv16-3x3, pool 2, conv32-3x3,
 * pool 2, dense64, dense10: `cnn({ filters: [16, 32], dense: [64] })`, the CNN of bench/wasm-cnn.ts
 * and bench/blas.ts), batch 128, Adam 1e-3, sparse categorical cross-entropy, 2,048 random 28x28
 * samples (speed does not depend on the values), in a cross-origin-isolated page on wasm's threaded
 * SIMD build with 1 thread and with every core (`useBackend('wasm', { threads })`), and in this Node
 * process: wasm (SIMD, one thread) on its own kernels, and, where the native BLAS add-on is built
 * (`node native/build.cjs`), wasm with its matMuls and convolutions on BLAS (one BLAS thread), which
 * Node's `useBackend('wasm')` takes by default. Each Chromium measurement is a fresh page (wasm starts once per
 * page); rounds are interleaved (per round: each model, each place), medians reported, with the
 * threads XNNPACK says it runs on and the load average before and after. Needs Chromium at
 * /usr/bin/chromium (or CHROMIUM_PATH) and the browser build (`node scripts/build-browser.mjs`, which
 * this runs first).
 *
 *   node --conditions=rxtrain-source --import=tsx bench/browser-wasm.ts [--rounds 3] [--steps 20] [--models mlp,cnn]
 */
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useBackend } from '../lib/index.js';
import { chooseBlas } from '../lib/backend/blas/blas-state.js';
import { startDemoServer } from '../examples/browser/serve.js';
import { arg, median } from './util.js';

declare const window: { rxtrainDemo?: { done: boolean; error?: string } };

const rounds = Number(arg('rounds', '3'));
const steps = Number(arg('steps', '20'));
const modelNames = arg('models', 'mlp,cnn').split(',') as Array<'mlp' | 'cnn'>;
const warmup = 3;
const batchSize = 128;
const samples = batchSize * 16;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

await promisify(execFile)(process.execPath, [fileURLToPath(new URL('../scripts/build-browser.mjs', import.meta.url))]);

/** The same measurement in the page and here: `rx` and `ops` are rxtrain's two entry points. */
const measure = async (rx: typeof import('../lib/index.js'), ops: typeof import('../operators/index.js'), a: { model: 'mlp' | 'cnn'; samples: number; batchSize: number; warmup: number; steps: number }) => {
  const x = new Float32Array(a.samples * 784);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  const y = new Float32Array(a.samples).map((_, i) => i % 10);
  const data = { x, xShape: a.model === 'mlp' ? [784] : [28, 28, 1], y, yShape: [], length: a.samples };
  const model = a.model === 'mlp'
    ? rx.mlp({ inputShape: [784], units: [256, 128], classes: 10, seed: 1 })
    : rx.cnn({ inputShape: [28, 28, 1], filters: [16, 32], dense: [64], classes: 10, seed: 1 });
  const times: number[] = [];
  await new Promise<void>((resolve, reject) =>
    rx.batches(data, { batchSize: a.batchSize, shuffle: true, seed: 3, dropRemainder: true })
      .pipe(ops.epochs(1000), ops.trainStep(model, { optimizer: { name: 'adam', lr: 1e-3 }, loss: 'sparseCategoricalCrossentropy' }))
      .subscribe({
        next: (e: { type: string }) => {
          if (e.type !== 'step') return;
          times.push(performance.now());
          if (times.length === a.warmup + a.steps) resolve();
        },
        error: reject,
      }),
  );
  model.dispose();
  return (a.steps * a.batchSize) / ((times[times.length - 1]! - times[a.warmup - 1]!) / 1000);
};

const server = await startDemoServer(0, true);
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });

async function inChromium(model: 'mlp' | 'cnn', threads: number): Promise<{ rate: number; threads: number }> {
  const page = await browser.newPage();
  // The example page with no search: it loads the import map, chooses no backend, runs nothing.
  await page.goto(`${server.url}?backend=none&trials=0`);
  await page.waitForFunction(() => window.rxtrainDemo?.done === true || window.rxtrainDemo?.error !== undefined, undefined, { timeout: 120_000 });
  const out = await page.evaluate(
    async ({ threads, args, source }) => {
      // The page's import map resolves 'rxtrain' to the browser build (typed here by Node's resolution).
      const rx = (await import('rxtrain')) as unknown as typeof import('../lib/browser.js');
      const ops = await import('rxtrain/operators');
      const info = await rx.useBackend('wasm', { wasmPaths: '/rxtrain/vendor/', threads });
      const run = (0, eval)(source) as (r: unknown, o: unknown, a: unknown) => Promise<number>;
      return { rate: await run(rx, ops, args), threads: info.threads ?? 1 };
    },
    { threads, args: { model, samples, batchSize, warmup, steps }, source: `var __name = (f) => f; (${measure.toString()})` }, // tsx's keepNames helper, absent in the page
  );
  await page.close();
  return out;
}

const blas = (await useBackend('wasm')).blas;
const cores = availableParallelism();
const inNode = async (model: 'mlp' | 'cnn', onBlas: boolean): Promise<{ rate: number; threads: number }> => {
  chooseBlas({ enabled: onBlas });
  return { rate: await measure(await import('../lib/index.js'), await import('../operators/index.js'), { model, samples, batchSize, warmup, steps }), threads: 1 };
};
const ways: Record<string, (model: 'mlp' | 'cnn') => Promise<{ rate: number; threads: number }>> = {
  'Chromium, threaded SIMD wasm, 1 thread': (model) => inChromium(model, 1),
  [`Chromium, threaded SIMD wasm, ${cores} threads asked`]: (model) => inChromium(model, cores),
  'Node, wasm (SIMD, 1 thread, its own kernels)': (model) => inNode(model, false),
  ...(blas ? { [`Node, wasm + native BLAS (${blas.library.split(' ').slice(0, 2).join(' ')}, 1 thread)`]: (model: 'mlp' | 'cnn') => inNode(model, true) } : {}),
};
if (!blas) console.error('Node without the BLAS add-on (node native/build.cjs builds it): its row is left out');
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadBefore = load();
console.error(`${new Date().toISOString()}: load average (1, 5, 15 min) before: ${loadBefore}; ${cores} cores`);
const results: Record<string, { rates: number[]; threads: number }> = {};
for (let r = 0; r < rounds; r++) {
  for (const model of modelNames) {
    for (const [name, way] of Object.entries(ways)) {
      const { rate, threads } = await way(model);
      (results[`${model}: ${name}`] ??= { rates: [], threads }).rates.push(rate);
      console.error(`round ${r + 1}: ${model}: ${name}: ${rate.toFixed(0)} samples/s (XNNPACK threads: ${threads}; load ${load()})`);
    }
  }
}
await browser.close();
await server.close();
const loadAfter = load();
console.error(`${new Date().toISOString()}: load average after: ${loadAfter}`);
console.error('\n| model | where | XNNPACK threads | samples/s per round | median |\n| --- | --- | --- | --- | --- |');
for (const [key, { rates, threads }] of Object.entries(results)) {
  const [model, name] = key.split(': ');
  console.error(`| ${model} | ${name} | ${threads} | ${rates.map((x) => x.toFixed(0)).join(', ')} | ${median(rates).toFixed(0)} |`);
}
console.log(JSON.stringify({ bench: 'browser-wasm', models: modelNames, batchSize, steps, rounds, cores, loadBefore, loadAfter, results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { median: Math.round(median(v.rates)), threads: v.threads, rates: v.rates.map(Math.round) }])) }));
