/**
 * wasm in Chromium against wasm in Node, on the same MLP and batches (issue 21): samples/s of
 * `trainStep` on the bench MLP (784-256-128-10, batch 128, Adam 1e-3, sparse categorical
 * cross-entropy, 2,048 random samples: speed does not depend on the values), in a cross-origin-isolated
 * page on wasm's threaded SIMD build with 1 thread and with every core (`useBackend('wasm', { threads })`),
 * and in this Node process (wasm, SIMD, one thread). Each Chromium measurement is a fresh page (wasm
 * starts once per page); rounds are interleaved, medians reported, with the threads XNNPACK says it
 * runs on. Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH) and the browser build
 * (`node scripts/build-browser.mjs`, which this runs first).
 *
 *   node --conditions=rxtrain-source --import=tsx bench/browser-wasm.ts [--rounds 3] [--steps 20]
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useBackend } from '../lib/index.js';
import { startDemoServer } from '../examples/browser/serve.js';
import { arg, median } from './util.js';

declare const window: { rxtrainDemo?: { done: boolean; error?: string } };

const rounds = Number(arg('rounds', '3'));
const steps = Number(arg('steps', '20'));
const warmup = 3;
const batchSize = 128;
const samples = batchSize * 16;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

await promisify(execFile)(process.execPath, [fileURLToPath(new URL('../scripts/build-browser.mjs', import.meta.url))]);

/** The same measurement in the page and here: `rx` and `ops` are rxtrain's two entry points. */
const measure = async (rx: typeof import('../lib/index.js'), ops: typeof import('../operators/index.js'), a: { samples: number; batchSize: number; warmup: number; steps: number }) => {
  const x = new Float32Array(a.samples * 784);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  const y = new Float32Array(a.samples).map((_, i) => i % 10);
  const data = { x, xShape: [784], y, yShape: [], length: a.samples };
  const model = rx.mlp({ inputShape: [784], units: [256, 128], classes: 10, seed: 1 });
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

async function inChromium(threads: number): Promise<{ rate: number; threads: number }> {
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
    { threads, args: { samples, batchSize, warmup, steps }, source: `var __name = (f) => f; (${measure.toString()})` }, // tsx's keepNames helper, absent in the page
  );
  await page.close();
  return out;
}

await useBackend('wasm');
const cores = availableParallelism();
const ways: Record<string, () => Promise<{ rate: number; threads: number }>> = {
  'Chromium, threaded SIMD wasm, 1 thread': () => inChromium(1),
  [`Chromium, threaded SIMD wasm, ${cores} threads asked`]: () => inChromium(cores),
  'Node, wasm (SIMD, 1 thread)': async () => ({ rate: await measure(await import('../lib/index.js'), await import('../operators/index.js'), { samples, batchSize, warmup, steps }), threads: 1 }),
};
const results: Record<string, { rates: number[]; threads: number }> = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, way] of Object.entries(ways)) {
    const { rate, threads } = await way();
    (results[name] ??= { rates: [], threads }).rates.push(rate);
    console.error(`round ${r + 1}: ${name}: ${rate.toFixed(0)} samples/s (XNNPACK threads: ${threads})`);
  }
}
await browser.close();
await server.close();
console.error('\n| where | XNNPACK threads | samples/s (median) |\n| --- | --- | --- |');
for (const [name, { rates, threads }] of Object.entries(results)) console.error(`| ${name} | ${threads} | ${median(rates).toFixed(0)} |`);
console.log(JSON.stringify({ bench: 'browser-wasm', model: 'mlp 784-256-128-10', batchSize, steps, rounds, cores, results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { median: Math.round(median(v.rates)), threads: v.threads, rates: v.rates.map(Math.round) }])) }));
