/**
 * Is the dashboard page responsive with a big study? Measured in Chromium (Debian's, driven by
 * playwright-core), in two scenarios (issue 17, "Scale and speed"):
 *
 * - `history`: a monitor holding 1,000 trials × 100 epochs (≈ 100,000 records) is opened; then 10
 *   trials keep reporting an epoch every 100 ms.
 * - `live`: 20 trials each report an epoch every 100 ms (200 records/s) on an empty monitor.
 *
 * In each, after the page has loaded and drawn, a window of `--seconds` of live updates is observed from
 * inside the page: long tasks (the browser's own `longtask` entries: main-thread work over 50 ms,
 * which delays input) and frame intervals (requestAnimationFrame to requestAnimationFrame; 16.7 ms is
 * 60 frames/s). Reported: load-and-draw time, long tasks in the window (count, total, longest), frame
 * interval median / 95th percentile / longest, for each of `--rounds` rounds (a new page each), and
 * the medians over rounds. Headless Chromium with `--disable-gpu` draws in software, so frame times
 * are an upper bound of a desktop browser's.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/dashboard-responsiveness.ts [--rounds 3] [--seconds 10]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMonitor, type Monitor } from '../lib/monitor/start-monitor.js';
import { arg, median } from './util.js';

// The page's globals inside page functions.
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const rounds = Number(arg('rounds', '3'));
const seconds = Number(arg('seconds', '10'));

interface Window {
  readonly loadMs: number;
  readonly longTasks: number;
  readonly longTaskMs: number;
  readonly longestTaskMs: number;
  readonly frameP50: number;
  readonly frameP95: number;
  readonly frameMax: number;
  readonly records: number;
}

const curve = (n: number, e: number): number => 0.1 + (2 + (n % 7)) / (1 + e * (0.05 + (n % 13) / 100));
const epochEnd = (n: number, e: number) => ({ type: 'epochEnd', trial: n, epoch: e, metrics: { loss: curve(n, e), val_loss: curve(n, e) * 1.1 }, value: curve(n, e) * 1.1 });

/** 1,000 trials × 100 epochs, 10 of them still running at epoch 50. */
function publishHistory(monitor: Monitor): void {
  for (let n = 0; n < 1000; n++) {
    monitor.publish('big', { type: 'trialStarted', trial: n, params: { lr: 10 ** -(1 + (n % 30) / 10), units: 16 + (n % 8) * 16 }, time: 0 });
    const last = n < 10 ? 50 : 100;
    for (let e = 1; e <= last; e++) monitor.publish('big', epochEnd(n, e));
    if (n >= 10) monitor.publish('big', { type: 'trialCompleted', trial: n, value: curve(n, 100) * 1.1, params: {}, durationMs: 1 });
  }
}

async function measure(scenario: 'history' | 'live'): Promise<Window> {
  const { chromium } = await import('playwright-core');
  const monitor = await startMonitor({ history: 200_000, maxClientQueue: 64 * 1024 * 1024, importance: false });
  const profile = mkdtempSync(join(tmpdir(), 'rxtrain-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: 1440, height: 900 },
  });
  const running = scenario === 'history' ? 10 : 20;
  let epoch = scenario === 'history' ? 50 : 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    if (scenario === 'history') publishHistory(monitor);
    else for (let n = 0; n < running; n++) monitor.publish('live', { type: 'trialStarted', trial: n, params: { lr: 10 ** -(1 + n / 10) }, time: 0 });
    const run = scenario === 'history' ? 'big' : 'live';
    const page = context.pages()[0] ?? (await context.newPage());
    // Observers from the page's first script on: every long task and every frame is seen.
    // A string, not a function: tsx would wrap a function's inner functions in a helper the page lacks.
    await page.addInitScript({
      content: `
        const bench = { longTasks: [], frames: [], observing: false };
        window.__bench = bench;
        new PerformanceObserver((list) => { if (bench.observing) for (const e of list.getEntries()) bench.longTasks.push(e.duration); }).observe({ entryTypes: ['longtask'] });
        let last = performance.now();
        const frame = (now) => { if (bench.observing) bench.frames.push(now - last); last = now; requestAnimationFrame(frame); };
        requestAnimationFrame(frame);
      `,
    });
    const t0 = Date.now();
    await page.goto(monitor.url);
    const published = monitor.stats().published;
    await page.waitForFunction((n: number) => window.__rxtrain?.stats().records >= n && window.__rxtrain.timings.draws > 0, published, { timeout: 300_000, polling: 100 });
    const loadMs = Date.now() - t0;
    await page.evaluate(() => (window.__bench.observing = true));
    // The live part: every 100 ms each running trial reports its next epoch.
    timer = setInterval(() => {
      epoch++;
      for (let n = 0; n < running; n++) monitor.publish(run, epochEnd(n, epoch));
    }, 100);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(timer);
    timer = undefined;
    const { longTasks, frames, records } = await page.evaluate(() => ({ longTasks: window.__bench.longTasks as number[], frames: window.__bench.frames as number[], records: window.__rxtrain.stats().records as number }));
    const sorted = [...frames].sort((a, b) => a - b);
    return {
      loadMs,
      longTasks: longTasks.length,
      longTaskMs: longTasks.reduce((a, b) => a + b, 0),
      longestTaskMs: Math.max(0, ...longTasks),
      frameP50: median(sorted),
      frameP95: sorted[Math.floor(0.95 * (sorted.length - 1))] ?? NaN,
      frameMax: sorted.at(-1) ?? NaN,
      records,
    };
  } finally {
    if (timer) clearInterval(timer);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await monitor.close();
  }
}

if (!existsSync(CHROMIUM)) {
  console.error(`dashboard-responsiveness: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); skipped`);
  console.log(JSON.stringify({ bench: 'dashboard-responsiveness', skipped: `no Chromium at ${CHROMIUM}` }));
} else {
  const results: Record<string, Window[]> = { history: [], live: [] };
  for (let r = 0; r < rounds; r++) {
    for (const scenario of ['history', 'live'] as const) {
      const w = await measure(scenario);
      results[scenario]!.push(w);
      console.error(`round ${r + 1} ${scenario}: loaded in ${w.loadMs} ms; ${w.longTasks} long tasks (${w.longTaskMs.toFixed(0)} ms, longest ${w.longestTaskMs.toFixed(0)} ms) in ${seconds} s; frames p50 ${w.frameP50.toFixed(1)} ms, p95 ${w.frameP95.toFixed(1)} ms, max ${w.frameMax.toFixed(1)} ms; ${w.records} records`);
    }
  }
  const summary = Object.fromEntries(
    Object.entries(results).map(([k, ws]) => [k, Object.fromEntries((Object.keys(ws[0]!) as (keyof Window)[]).map((f) => [f, median(ws.map((w) => w[f]))]))]),
  );
  console.log(JSON.stringify({ bench: 'dashboard-responsiveness', rounds, seconds, summary }));
}
