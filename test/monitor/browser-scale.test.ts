// The dashboard with 1,000 trials × 100 epochs: it ingests the history, draws it, and keeps redrawing
// fast while a few trials are still running (finished curves sit on a static layer; only live ones are
// redrawn), and its table holds every trial while only the rows in view are in the DOM. Skipped where
// /usr/bin/chromium is missing.
// The times are printed, not asserted: a test that fails when CI shares its two cores with other jobs
// says nothing about the page (one did: a 245 ms redraw at load 9). The targets and their numbers are
// in bench/dashboard-responsiveness.ts and docs/benchmarks.md; here only what holds on any machine.
import t from 'tap';
import { openPage, skipWithoutChromium } from './chromium.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';

// The page's globals inside page functions (no DOM types here; the page's CSP forbids string eval).
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

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
  await page.waitForFunction(() => window.__rxtrain.timings.draws > 0 && window.__rxtrain.timings.tableMs > 0, undefined, { timeout: 120_000 });
  const loadMs = Date.now() - t0;
  const full = await page.evaluate(() => window.__rxtrain.timings.maxChartMs as number);
  t.comment(`${total} records (${TRIALS} trials × ≤${EPOCHS} epochs) loaded and drawn in ${loadMs} ms; slowest full redraw ${full.toFixed(1)} ms`);

  // Live: the running trials get an epoch every 50 ms; measure the redraws meanwhile.
  const fixedBefore = await page.evaluate(() => window.__rxtrain.axes.fixedDraws as number);
  const drawsBefore = await page.evaluate(() => {
    window.__rxtrain.timings.maxChartMs = 0;
    window.__rxtrain.timings.maxTableMs = 0;
    return window.__rxtrain.timings.draws as number;
  });
  for (let e = EPOCHS / 2; e < EPOCHS / 2 + 40; e++) {
    for (let n = 0; n < RUNNING; n++) monitor.publish('big', { type: 'epochEnd', trial: n, epoch: e, metrics: { loss: curve(n, e), val_loss: curve(n, e) * 1.1 }, value: curve(n, e) * 1.1 });
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.waitForFunction((n: number) => window.__rxtrain.stats().records >= n, monitor.stats().published, { timeout: 120_000 });
  const timings = await page.evaluate(() => window.__rxtrain.timings as { maxChartMs: number; maxTableMs: number; draws: number });
  t.equal(await page.evaluate(() => window.__rxtrain.axes.fixedDraws), fixedBefore, 'the finished curves were not drawn again: each update redrew the running ones only');
  t.comment(`while 10 trials run: slowest chart redraw ${timings.maxChartMs.toFixed(1)} ms, slowest table update ${timings.maxTableMs.toFixed(1)} ms`);
  t.ok(timings.draws > drawsBefore, 'the chart redrew while trials ran');
  // Smoothed (TensorBoard's EMA over every curve, a raw trace behind each): still fast while live.
  await page.evaluate(() => {
    window.__rxtrain.timings.maxChartMs = 0;
    const s = document.getElementById('smoothing');
    s.value = '0.6';
    s.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction(() => window.__rxtrain.curves.smoothing === 0.6, undefined, { timeout: 120_000 });
  const smoothFull = await page.evaluate(() => window.__rxtrain.timings.maxChartMs as number);
  t.comment(`the full redraw that smoothing starts: ${smoothFull.toFixed(1)} ms`);
  await page.evaluate(() => { window.__rxtrain.timings.maxChartMs = 0; });
  for (let e = EPOCHS / 2 + 40; e < EPOCHS / 2 + 50; e++) {
    for (let n = 0; n < RUNNING; n++) monitor.publish('big', { type: 'epochEnd', trial: n, epoch: e, metrics: { loss: curve(n, e), val_loss: curve(n, e) * 1.1 }, value: curve(n, e) * 1.1 });
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.waitForFunction((n: number) => window.__rxtrain.stats().records >= n, monitor.stats().published, { timeout: 120_000 });
  const smoothMs = await page.evaluate(() => window.__rxtrain.timings.maxChartMs as number);
  t.comment(`smoothed (0.6), while 10 trials run: slowest chart redraw ${smoothMs.toFixed(1)} ms`);

  // Every trial is in the table, but only the rows in view are in the DOM (the table is virtualised).
  const inDom = await page.locator('#trials tbody tr').count();
  const visible = await page.evaluate(() => Math.ceil(document.querySelector('.table-scroll').clientHeight / document.querySelector('#trials tbody tr').offsetHeight));
  t.ok(inDom >= visible && inDom <= visible + 20, `${inDom} rows in the DOM for ${visible} in view`);
  t.match(await page.textContent('#table-info'), /^1000 of 1000 runs\/trials/, 'all 1,000 rows reachable');
  const top = await page.evaluate(() => [...document.querySelectorAll('#trials tbody tr')].map((r: any) => r.dataset.key));
  const topValues = await page.evaluate(() => [...document.querySelectorAll('#trials tbody tr td:nth-child(5)')].map((td: any) => Number(td.textContent)).filter((v: number) => v > 0));
  // Scrolled to the end, the last rows by the sort are drawn, still only a window of them.
  const tall = await page.evaluate(() => {
    const box = document.querySelector('.table-scroll');
    box.scrollTop = box.scrollHeight;
    return box.scrollHeight > 1000 * 20;
  });
  t.ok(tall, 'the scroll height is that of all the rows');
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('#trials tbody tr');
    const box = document.querySelector('.table-scroll').getBoundingClientRect();
    const last = rows[rows.length - 1]?.getBoundingClientRect();
    return last && last.bottom <= box.bottom + 1 && last.bottom > box.bottom - 40;
  }, undefined, { timeout: 30_000 });
  const end = await page.evaluate(() => [...document.querySelectorAll('#trials tbody tr')].map((r: any) => r.dataset.key));
  t.ok(end.length <= visible + 20, `after scrolling: ${end.length} rows in the DOM`);
  t.same(end.filter((k: string) => top.includes(k)), [], 'other rows than at the top');
  // val_loss is minimised: the objective column ascends down the table, to its end.
  const objective = (): Promise<number[]> => page.evaluate(() => [...document.querySelectorAll('#trials tbody tr td:nth-child(5)')].map((td: any) => Number(td.textContent)).filter((v: number) => v > 0));
  const ends = await objective();
  t.ok(ends.every((v, i) => i === 0 || v >= ends[i - 1]!) && ends[0]! >= topValues[topValues.length - 1]!, `the end of the sort: ${ends[0]} .. ${ends[ends.length - 1]} after ${topValues[0]} .. ${topValues[topValues.length - 1]} at the top`);
});

t.test('a PBT of 64 members × 2,000 epochs and an evolve of 100 generations × 100 stay responsive', { skip }, async (t) => {
  const MEMBERS = 64;
  const EPOCHS = 2000;
  const READY = 4;
  const monitor = await startMonitor({ history: 400_000, maxClientQueue: 256 * 1024 * 1024 });
  t.teardown(() => monitor.close());
  // A synthetic PBT: every 4 epochs the bottom quarter copies a member of the top quarter and perturbs lr.
  const lr = Array.from({ length: MEMBERS }, (_, m) => 10 ** (-4 + (3 * m) / MEMBERS));
  monitor.publish('big-pbt', { type: 'pbtStarted', dir: '/tmp/x', epoch: 0, members: lr.map((v, member) => ({ member, params: { lr: v } })) });
  let exploits = 0;
  const ready = (epoch: number): void => {
    const ranked = [...lr.keys()].sort((a, b) => ((a * 7919 + epoch) % MEMBERS) - ((b * 7919 + epoch) % MEMBERS));
    monitor.publish('big-pbt', { type: 'ready', epoch, ranking: ranked.map((member) => ({ member, value: member })) });
    for (let k = 0; k < MEMBERS / 4; k++) {
      const member = ranked[MEMBERS - 1 - k]!, donor = ranked[k]!;
      monitor.publish('big-pbt', { type: 'exploit', member, donor, epoch, value: 0.1, donorValue: 0.9, checkpoint: 'c' });
      exploits++;
      const next = Math.min(0.5, Math.max(1e-5, lr[donor]! * (k % 2 ? 1.2 : 0.8)));
      monitor.publish('big-pbt', { type: 'explore', member, epoch, oldParams: { lr: lr[member] }, fromParams: { lr: lr[donor] }, newParams: { lr: next } });
      lr[member] = next;
    }
  };
  const epoch = (e: number): void => {
    for (let member = 0; member < MEMBERS; member++) monitor.publish('big-pbt', { type: 'epochEnd', member, epoch: e, metrics: { val_accuracy: 0.5 + 0.4 * (1 - 1 / (1 + e / 100)) }, value: 0.5 });
    if ((e + 1) % READY === 0) ready(e + 1);
  };
  for (let e = 0; e < EPOCHS; e++) epoch(e);
  // A synthetic evolve run: 100 generations of 100 members.
  for (let g = 0; g < 100; g++) {
    monitor.publish('big-evolve', { type: 'generationStarted', generation: g, members: Array.from({ length: 100 }, (_, i) => ({ index: i, trial: g * 100 + i, params: { x: i }, origin: g && !i ? 'elite' : g ? 'offspring' : 'random', parents: [] })) });
    for (let i = 0; i < 100; i++) monitor.publish('big-evolve', { type: 'trialCompleted', trial: g * 100 + i, value: 1 / (1 + g) + ((i * 37) % 100) / 100, params: {}, durationMs: 1 });
  }
  const total = monitor.stats().published;

  const page = await openPage(t);
  const t0 = Date.now();
  await page.goto(monitor.url);
  await page.waitForFunction((n: number) => window.__rxtrain?.stats().records >= n, total, { timeout: 180_000, polling: 200 });
  const loadMs = Date.now() - t0;
  await page.click('#tab-lineage');
  await page.waitForFunction((n: number) => window.__rxtrain.drawn.lineage.exploits === n, exploits, { timeout: 120_000 });
  const full = await page.evaluate(() => ({ ms: window.__rxtrain.timings.chartMs as number, drawn: window.__rxtrain.drawn.lineage, elements: document.querySelectorAll('#lineage svg *').length as number }));
  const counted = await page.evaluate(() => [...document.querySelectorAll('#lineage path.exploit[data-n]')].reduce((n: number, a: any) => n + Number(a.dataset.n), 0));
  t.comment(`${total} records loaded in ${loadMs} ms; lineage of ${MEMBERS} × ${EPOCHS} epochs, ${exploits} exploits drawn in ${full.ms.toFixed(0)} ms as ${full.drawn.arrows} arrows and arrow bundles, ${full.elements} SVG elements`);
  t.equal(counted, exploits, 'the arrows count every exploit');
  t.ok(full.drawn.arrows <= 800 + exploits / 250, 'a bounded number of elements: arrows of their own, then in bulk');

  // Live: 40 more epochs (10 ready times) while the lineage is shown; each redraw only adds.
  await page.evaluate(() => { window.__rxtrain.timings.maxChartMs = 0; });
  for (let e = EPOCHS; e < EPOCHS + 40; e++) {
    epoch(e);
    await new Promise((r) => setTimeout(r, 30));
  }
  await page.waitForFunction((n: number) => window.__rxtrain.drawn.lineage.exploits === n, exploits, { timeout: 120_000 });
  const live = await page.evaluate(() => window.__rxtrain.timings.maxChartMs as number);
  t.comment(`while it runs: slowest lineage redraw ${live.toFixed(1)} ms`);

  await page.click('#tab-population');
  await page.selectOption('#view-run', 'big-evolve').catch(() => undefined);
  await page.waitForFunction(() => window.__rxtrain.drawn.population.generations === 100, undefined, { timeout: 120_000 });
  const pop = await page.evaluate(() => ({ ms: window.__rxtrain.timings.chartMs as number, drawn: window.__rxtrain.drawn.population }));
  t.comment(`population of 100 generations × 100 members drawn in ${pop.ms.toFixed(0)} ms as ${pop.drawn.dots} dots`);
  t.ok(pop.drawn.dots <= 6100, 'downsampled to a bounded number of dots');
});
