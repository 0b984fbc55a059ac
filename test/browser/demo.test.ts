// The browser example (examples/browser/) in real Chromium (issue 21): the page imports the browser
// build through an import map and runs a TPE + ASHA digits search on WebGL (software GL in headless
// Chromium) and on wasm's threaded SIMD build in a cross-origin-isolated page; a study in IndexedDB
// survives a reload and resumes; stop ends a search; a trial paused in its Web Worker holds while the
// other worker goes on; no tensor outlives a search. Each test waits on
// the page's own state (window.rxtrainDemo), never on time. Skipped without Chromium.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../examples/browser/serve.js';
import { CHROMIUM, screenshotPath, skipWithoutChromium } from '../monitor/chromium.js';

declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = skipWithoutChromium;
const root = new URL('../../', import.meta.url).pathname;

interface Demo {
  workers: string[];
  holds: Array<{ type: 'held' | 'released'; trial: number; worker: string }>;
  backend?: { name: string; tfjsName: string; threads?: number; skipped: string[] };
  crossOriginIsolated: boolean;
  runStart: string[];
  events: Array<{ type: string; trial?: number; value?: number }>;
  atOpen: Array<{ number: number; state: string; value?: number }>;
  tensorsBefore: number;
  tensorsAfter?: number;
  done: boolean;
  error?: string;
}

if (!skip) await promisify(execFile)(process.execPath, [join(root, 'scripts/build-browser.mjs')]); // dist/browser/

async function open(t: { teardown(fn: () => unknown): void }, isolated = true): Promise<{ page: Page; server: DemoServer; wasmFiles: string[]; errors: string[] }> {
  const server = await startDemoServer(0, isolated);
  t.teardown(() => server.close());
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'rxtrain-chromium-'));
  t.teardown(() => rmSync(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
  t.teardown(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  const wasmFiles: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasmFiles.push(r.url().split('/').pop()!));
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, server, wasmFiles, errors };
}

const demoState = (page: Page): Promise<Demo> => page.evaluate(() => JSON.parse(JSON.stringify(window.rxtrainDemo)));
async function finished(page: Page): Promise<Demo> {
  await page.waitForFunction(() => window.rxtrainDemo?.done || window.rxtrainDemo?.error !== undefined, undefined, { timeout: 240_000 });
  return demoState(page);
}
const ended = (d: Demo) => d.events.filter((e) => e.type === 'trialCompleted' || e.type === 'trialPruned');

t.test("'auto' picks the fastest backend that starts (WebGL here), the search trains on it, and no tensor is left", { skip }, async (t) => {
  const { page, server, errors } = await open(t);
  await page.goto(`${server.url}?backend=auto&trials=3&epochs=2`);
  const d = await finished(page);
  t.equal(d.error, undefined, 'no error');
  t.same(errors, []);
  t.ok(['webgpu', 'webgl'].includes(d.backend!.name), `auto chose ${d.backend!.name} (skipped: ${d.backend!.skipped.join('; ') || 'none'})`);
  t.same([...new Set(d.runStart)], [d.backend!.tfjsName], 'every trial reports that backend in runStart');
  t.equal(ended(d).length, 3, 'three trials finished');
  t.ok(Math.max(...ended(d).map((e) => e.value ?? 0)) > 0.3, 'the best trial learned (chance is 0.1)');
  t.equal(d.tensorsAfter, d.tensorsBefore, `tensors back to ${d.tensorsBefore} after the search`);
  await page.screenshot({ path: screenshotPath('browser-demo.png') }); // docs/browser.md's picture, with RXTRAIN_SCREENSHOTS=1
});

t.test('wasm in a cross-origin-isolated page runs the threaded SIMD build; not isolated, the single-threaded one', { skip }, async (t) => {
  const isolated = await open(t, true);
  await isolated.page.goto(`${isolated.server.url}?backend=wasm&trials=2&epochs=2`);
  const d = await finished(isolated.page);
  t.equal(d.error, undefined);
  t.equal(d.crossOriginIsolated, true, 'COOP + COEP from the demo server');
  t.same(isolated.wasmFiles, ['tfjs-backend-wasm-threaded-simd.wasm'], 'the threaded SIMD binary');
  t.same([...new Set(d.runStart)], ['wasm']);
  t.equal(ended(d).length, 2);
  t.equal(d.tensorsAfter, d.tensorsBefore, 'no tensor left');

  const plain = await open(t, false);
  await plain.page.goto(`${plain.server.url}?backend=wasm&trials=1&epochs=1`);
  const p = await finished(plain.page);
  t.equal(p.error, undefined);
  t.equal(p.crossOriginIsolated, false);
  t.same(plain.wasmFiles, ['tfjs-backend-wasm-simd.wasm'], 'without isolation: SIMD, one thread');
  t.equal(p.backend!.threads, 1);
});

t.test('a study in IndexedDB survives a reload and resumes: finished trials kept, the cut one retried, numbering continues', { skip }, async (t) => {
  const { page, server } = await open(t);
  const url = `${server.url}?backend=wasm&storage=indexeddb&db=reload-test&trials=4&epochs=3`;
  await page.goto(url);
  await page.waitForFunction(() => window.rxtrainDemo.events.filter((e: { type: string }) => e.type === 'trialCompleted' || e.type === 'trialPruned').length >= 2 || window.rxtrainDemo.error !== undefined, undefined, { timeout: 240_000 });
  t.equal((await demoState(page)).error, undefined, 'the study opened in IndexedDB');
  await page.evaluate(() => window.rxtrainDemo.flush());
  const before = ended(await demoState(page));
  await page.reload();
  await page.waitForFunction(() => window.rxtrainDemo?.error !== undefined || (window.rxtrainDemo?.backend !== undefined && window.rxtrainDemo.done), undefined, { timeout: 240_000 });
  const d = await demoState(page);
  t.equal(d.error, undefined);
  const kept = d.atOpen.filter((x) => x.state === 'completed' || x.state === 'pruned');
  t.ok(kept.length >= before.length, `the ${before.length} trials seen finishing are in IndexedDB after the reload (${kept.length})`);
  for (const e of before) t.equal(d.atOpen.find((x) => x.number === e.trial)?.value, e.value, `trial ${e.trial} kept its value`);
  const cut = d.atOpen.filter((x) => x.state === 'failed');
  t.ok(cut.every((x) => x.number >= before.length), 'only a trial that was running is marked interrupted');
  const total = kept.length + ended(d).length;
  t.equal(total, 4, 'the search ran to its 4 finished trials across the reload');
  const requeued = d.atOpen.filter((x) => x.state === 'waiting').map((x) => x.number);
  t.equal(requeued.length, cut.length, 'each interrupted trial was queued again (onInterrupted: retry)');
  const started = d.events.filter((e) => e.type === 'trialStarted').map((e) => e.trial!);
  t.ok(started.every((n) => requeued.includes(n) || n >= d.atOpen.length), `after the reload: the requeued trials ${JSON.stringify(requeued)}, then new numbers from ${d.atOpen.length} (${JSON.stringify(started)})`);
});

t.test('stop ends the search at once and frees what it held', { skip }, async (t) => {
  const { page, server } = await open(t);
  await page.goto(`${server.url}?backend=wasm&trials=50&epochs=5`);
  await page.waitForFunction(() => window.rxtrainDemo.events.some((e: { type: string }) => e.type === 'epochEnd') || window.rxtrainDemo.error !== undefined, undefined, { timeout: 240_000 });
  await page.click('#stop');
  const d = await finished(page);
  t.match(await page.textContent('#status'), /^stopped: /);
  t.ok(ended(d).length < 50, 'not every trial ran');
  t.equal(d.tensorsAfter, d.tensorsBefore, 'tensors back where they were');
});

t.test('a page that chooses no backend: the first training step chooses the browser\'s auto, and runStart says so', { skip }, async (t) => {
  const { page, server } = await open(t);
  await page.goto(`${server.url}?backend=none&trials=1&epochs=1`);
  const d = await finished(page);
  t.equal(d.error, undefined);
  t.match(d.runStart[0], /^(webgpu|webgl) \(auto-chosen\)$/, `runStart: ${d.runStart[0]}`);
});

t.test("trials run in two Web Workers, two at a time, and the page's pruner still decides", { skip }, async (t) => {
  const { page, server, errors } = await open(t);
  await page.goto(`${server.url}?backend=wasm&trials=4&epochs=2&workers=2`);
  const d = await finished(page);
  t.equal(d.error, undefined);
  t.same(errors, []);
  t.same([...new Set(d.workers)].sort(), ['rxtrain-worker-0', 'rxtrain-worker-1'], `each trial's worker: ${d.workers.join(', ')}`);
  t.equal(ended(d).length, 4, `four trials finished; the study's trial events: ${d.events.filter((e) => e.type.startsWith('trial')).map((e) => `${e.type} ${e.trial}${'error' in e ? ` (${String((e as { error?: unknown }).error)})` : ''}`).join(', ')}`);
  const order = d.events.filter((e) => ['trialStarted', 'trialCompleted', 'trialPruned'].includes(e.type));
  const firstEnd = order.findIndex((e) => e.type !== 'trialStarted');
  t.ok(order.slice(0, firstEnd).length >= 2, 'a second trial started before the first ended');
  t.ok(d.events.some((e) => e.type === 'epochEnd' && e.trial !== undefined), 'epochs came back from the workers to the study');
});

const epochsOf = (d: Demo, which: (trial: number) => boolean) => d.events.filter((e) => e.type === 'epochEnd' && which(e.trial!)).length;

t.test('pause reaches a trial in its Web Worker: it holds at its epoch boundary while the other worker goes on, and finishes once resumed', { skip }, async (t) => {
  const { page, server, errors } = await open(t);
  await page.goto(`${server.url}?backend=wasm&trials=3&epochs=20&workers=2&pruner=none`);
  await page.waitForFunction(() => window.rxtrainDemo.events.some((e: { type: string }) => e.type === 'epochEnd') || window.rxtrainDemo.error !== undefined, undefined, { timeout: 240_000 });
  const paused = (await demoState(page)).events.find((e) => e.type === 'epochEnd')!.trial!;
  await page.click(`#trial-${paused} .pause`); // its row's button
  await page.waitForFunction((n) => window.rxtrainDemo.holds.some((h: { type: string; trial: number }) => h.type === 'held' && h.trial === n) || window.rxtrainDemo.error !== undefined, paused, { timeout: 240_000 });
  const atHold = await demoState(page);
  t.equal(atHold.error, undefined);
  const heldAt = epochsOf(atHold, (n) => n === paused);
  const othersAt = epochsOf(atHold, (n) => n !== paused);
  t.ok(heldAt < 20, `trial ${paused} held after ${heldAt} of its 20 epochs`);
  // The other worker's epochs keep arriving: wait for two more of them.
  await page.waitForFunction(
    ([n, k]) => window.rxtrainDemo.events.filter((e: { type: string; trial: number }) => e.type === 'epochEnd' && e.trial !== n).length >= k + 2 || window.rxtrainDemo.error !== undefined,
    [paused, othersAt] as const,
    { timeout: 240_000 },
  );
  const during = await demoState(page);
  t.ok(epochsOf(during, (n) => n !== paused) >= othersAt + 2, `the other worker went on: ${othersAt} → ${epochsOf(during, (n) => n !== paused)} epochs`);
  t.equal(epochsOf(during, (n) => n === paused), heldAt, `no epoch came from trial ${paused} while it was held`);
  t.equal(await page.textContent(`#trial-${paused} .state`), 'paused', 'its row says paused');
  await page.click(`#trial-${paused} .pause`); // resume
  const d = await finished(page);
  t.equal(d.error, undefined);
  t.same(errors, []);
  t.equal(epochsOf(d, (n) => n === paused), 20, `trial ${paused} ran its 20 epochs once resumed`);
  t.ok(d.events.some((e) => e.type === 'trialCompleted' && e.trial === paused), 'and completed');
  t.equal(ended(d).length, 3, 'every trial finished');
  t.same(d.holds.filter((h) => h.trial === paused).map((h) => h.type), ['held', 'released'], 'the worker acknowledged the hold and the release');
  t.equal(d.tensorsAfter, d.tensorsBefore, 'no tensor left in the page');
});

t.test("WebGPU where the browser has it: 'auto' says which backend it chose and why it skipped the others; 'webgpu' by name fails naming the cause", { skip }, async (t) => {
  const { page, server } = await open(t);
  await page.goto(`${server.url}?backend=webgpu&trials=1&epochs=1`);
  await page.waitForFunction(() => window.rxtrainDemo?.done || window.rxtrainDemo?.error !== undefined, undefined, { timeout: 240_000 });
  const d = await demoState(page);
  // Asked of the browser itself, as useBackend does not: is there a WebGPU adapter here?
  const gpu: 'none' | 'no adapter' | 'adapter' = await page.evaluate(async () => {
    const g = (window.navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return !g ? 'none' : (await g.requestAdapter()) ? 'adapter' : 'no adapter';
  });
  const why = gpu === 'none' ? /no navigator\.gpu/ : /navigator\.gpu\.requestAdapter\(\) found no adapter: no WebGPU-capable GPU or driver/;
  // The page's own rxtrain (its import map's browser build), not Node's.
  const auto: { name: string; requestedBy: string; skipped: string[] } = await page.evaluate(() => import('rxtrain' as string).then((m) => m.useBackend('auto', { wasmPaths: '/rxtrain/vendor/' })));
  t.equal(auto.requestedBy, 'auto');
  if (gpu === 'adapter') {
    t.equal(d.error, undefined, 'webgpu by name starts where there is an adapter');
    t.equal(d.backend!.name, 'webgpu');
    t.same([auto.name, auto.skipped], ['webgpu', []], 'auto takes WebGPU first');
    return;
  }
  t.comment(`this Chromium: ${gpu === 'none' ? 'no navigator.gpu' : 'navigator.gpu without an adapter'}`);
  t.match(d.error, /backend 'webgpu' cannot be started in this browser/, 'webgpu by name fails');
  t.match(d.error, why, `and names the cause: ${d.error!.split('\n')[0]}`);
  t.notMatch(d.error, /failed to initialise|Cannot read properties of null/, "not tfjs's TypeError, nor a bare 'failed'");
  t.equal(auto.name, 'webgl', 'auto took WebGL (software GL here)');
  t.equal(auto.skipped.length, 1, `skipped: ${auto.skipped.join('; ')}`);
  t.match(auto.skipped[0], /^webgpu: /);
  t.match(auto.skipped[0], why, 'the skip names the cause');
});
