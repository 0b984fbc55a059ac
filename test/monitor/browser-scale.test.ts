// The dashboard with 1,000 trials × 100 epochs: it ingests the history, draws it, and keeps redrawing
// fast while a few trials are still running (finished curves sit on a static layer; only live ones are
// redrawn). Skipped where /usr/bin/chromium is missing.
import t from 'tap';
import { openPage, skipWithoutChromium } from './chromium.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';

// The page's globals inside page functions (no DOM types here; the page's CSP forbids string eval).
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = skipWithoutChromium;

t.test('1,000 trials × 100 epochs stay responsive', { skip }, async (t) => {
  const TRIALS = 1000;
  const EPOCHS = 100;
  const RUNNING = 10;
  const monitor = await startMonitor({ history: 200_000, maxClientQueue: 64 * 1024 * 1024 });
  t.teardown(() => monitor.close());
  const curve = (n: number, e: number) => 0.1 + (2 + (n % 7)) / (1 + e * (0.05 + (n % 13) / 100));
  for (let n = 0; n < TRIALS; n++) {
    monitor.publish('big', { type: 'trialStarted', trial: n, params: { lr: 10 ** -(1 + (n % 30) / 10), units: 16 + (n % 8) * 16 }, time: 0 });
    const last = n < RUNNING ? EPOCHS / 2 : EPOCHS;
    for (let e = 0; e < last; e++) monitor.publish('big', { type: 'epochEnd', trial: n, epoch: e, metrics: { loss: curve(n, e), val_loss: curve(n, e) * 1.1 }, value: curve(n, e) * 1.1 });
    if (n >= RUNNING) monitor.publish('big', n % 3 ? { type: 'trialCompleted', trial: n, value: curve(n, EPOCHS) * 1.1, params: {}, durationMs: 1 } : { type: 'trialPruned', trial: n, durationMs: 1 });
  }
  const total = monitor.stats().published;

  const page = await openPage(t);
  const t0 = Date.now();
  await page.goto(monitor.url);
  await page.waitForFunction((n: number) => window.__rxtrain?.stats().records >= n, total, { timeout: 120_000, polling: 100 });
  await page.waitForFunction(() => window.__rxtrain.timings.draws > 0 && window.__rxtrain.timings.tableMs > 0, undefined, { timeout: 30_000 });
  const loadMs = Date.now() - t0;
  const full = await page.evaluate(() => window.__rxtrain.timings.maxChartMs as number);
  t.comment(`${total} records (${TRIALS} trials × ≤${EPOCHS} epochs) loaded and drawn in ${loadMs} ms; slowest full redraw ${full.toFixed(1)} ms`);
  t.ok(full < 1000, 'even a full redraw of every curve takes under a second');

  // Live: the running trials get an epoch every 50 ms; measure the redraws meanwhile.
  await page.evaluate(() => {
    window.__rxtrain.timings.maxChartMs = 0;
    window.__rxtrain.timings.maxTableMs = 0;
  });
  for (let e = EPOCHS / 2; e < EPOCHS / 2 + 40; e++) {
    for (let n = 0; n < RUNNING; n++) monitor.publish('big', { type: 'epochEnd', trial: n, epoch: e, metrics: { loss: curve(n, e), val_loss: curve(n, e) * 1.1 }, value: curve(n, e) * 1.1 });
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.waitForFunction((n: number) => window.__rxtrain.stats().records >= n, monitor.stats().published, { timeout: 30_000 });
  const timings = await page.evaluate(() => window.__rxtrain.timings as { maxChartMs: number; maxTableMs: number; draws: number });
  t.comment(`while 10 trials run: slowest chart redraw ${timings.maxChartMs.toFixed(1)} ms, slowest table update ${timings.maxTableMs.toFixed(1)} ms`);
  t.ok(timings.maxChartMs < 100, 'a live redraw takes well under a frame budget of 100 ms');
  t.ok(timings.maxTableMs < 250, 'a table update stays interactive');
  t.equal(await page.locator('#trials tbody tr').count(), 300, 'at most 300 rows are in the DOM');
});
