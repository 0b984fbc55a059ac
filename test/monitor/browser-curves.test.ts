// The curves chart's features in real Chromium (issue 17, Charts): axis titles naming the metric, round
// ticks (powers of ten and 1-2-5 on a log axis), x fitted to the data, a hover read-out of run, trial,
// epoch and value, TensorBoard's smoothing, x by epoch / wall time / relative time (the monitor's
// clock, injected: 30 s per epoch), a run legend that hides and shows a run's curves, and downloads
// of what is shown as CSV and JSON. Saves docs/img/monitor-curves.png (RXTRAIN_SCREENSHOTS=1).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { openDashboard, screenshotPath, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

t.test('curves: axes, hover, smoothing, x axes, run legend, downloads', { skip: skipWithoutChromium }, async (t) => {
  let now = Date.UTC(2026, 0, 1, 12);
  const monitor = await startMonitor({ token: 'curves', clock: { now: () => now } });
  t.teardown(() => monitor.close());
  const { page, pageErrors } = await openDashboard(t, `${monitor.url}?token=curves`);
  const loss = (trial: number, e: number) => 1.1 / e + trial / 20;
  for (let trial = 0; trial < 3; trial++) {
    now = Date.UTC(2026, 0, 1, 12) + trial * 60_000;
    monitor.publish('alpha', { type: 'trialStarted', trial, params: { lr: 0.01 * (trial + 1) }, time: now, direction: 'minimize', metric: 'val_loss' });
    for (let e = 1; e <= 10; e++) {
      now += 30_000;
      monitor.publish('alpha', { type: 'epochEnd', trial, epoch: e, metrics: { val_loss: loss(trial, e) }, value: loss(trial, e) });
    }
    monitor.publish('alpha', { type: 'trialCompleted', trial, value: loss(trial, 10), params: { lr: 0.01 * (trial + 1) }, durationMs: 300_000 });
  }
  for (let e = 1; e <= 10; e++) { now += 30_000; monitor.publish('beta', { type: 'epochEnd', epoch: e, metrics: { val_loss: 0.9 / e } }); }
  monitor.publish('beta', { type: 'runEnd', state: 'completed' });
  await page.waitForFunction((n: number) => window.__rxtrain?.stats().records >= n, monitor.stats().published, { timeout: 120_000 });
  await page.waitForFunction(() => window.__rxtrain.curves.curves === 4 && window.__rxtrain.axes.ticks, undefined, { timeout: 120_000 });

  const axes = () => page.evaluate(() => window.__rxtrain.axes.ticks);
  t.match(await axes(), { xTitle: 'epoch', yTitle: 'val_loss' }, 'the axes are titled: epoch and the metric');
  t.same((await axes()).x, ['2', '4', '6', '8', '10'], 'x fitted to the data (epochs 1..10), round ticks');
  const ys: number[] = ((await axes()).y as string[]).map(Number);
  const step = ys[1]! - ys[0]!;
  t.ok(ys.length >= 3 && ys.every((y, i) => i === 0 || Math.abs(y - ys[i - 1]! - step) < 1e-9), `y ticks ${ys.join(', ')}: evenly spaced`);
  t.ok([1, 2, 5].includes(Math.round(step / 10 ** Math.floor(Math.log10(step)))) && ys.every((y) => Math.abs(y / step - Math.round(y / step)) < 1e-9), `... by a round step (${step}), on multiples of it`);
  await page.check('#logy');
  await page.waitForFunction(() => window.__rxtrain.axes.ticks.yTitle === 'val_loss (log)', undefined, { timeout: 30_000 });
  t.same((await axes()).y, ['0.1', '0.2', '0.5', '1'], 'log y: 1, 2, 5 × powers of ten (under two decades)');
  await page.uncheck('#logy');
  await page.waitForFunction(() => window.__rxtrain.axes.ticks.yTitle === 'val_loss', undefined, { timeout: 30_000 });

  // Hover on alpha #2 at epoch 4.
  const hover = async (x: number, y: number) => {
    const at = await page.evaluate(([a, b]: number[]) => window.__rxtrain.chartPixel(a, b), [x, y]);
    const box = (await page.locator('#chart').boundingBox())!;
    await page.mouse.move(box.x + at.px, box.y + at.py);
    await page.waitForSelector('#curve-readout:not([hidden])', { timeout: 30_000 });
    return page.textContent('#curve-readout');
  };
  t.match(await hover(4, loss(2, 4)), new RegExp(`^alpha #2 · epoch 4 · val_loss=${Number(loss(2, 4).toPrecision(4))} · .* · lr=0.03$`), 'hover: trial, epoch, value, parameters');

  // Smoothing 0.6: the read-out gives the smoothed value too; the raw values stay in the download.
  await page.evaluate(() => { const s = document.getElementById('smoothing'); s.value = '0.6'; s.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => window.__rxtrain.curves.smoothing === 0.6, undefined, { timeout: 30_000 });
  t.equal(await page.textContent('#smoothing-value'), '0.60');
  await page.mouse.move(0, 0);
  let w = 0, smoothed = 0;
  for (let e = 1; e <= 4; e++) { w = w * 0.6 + 0.4 * loss(2, e); smoothed = w / (1 - 0.6 ** e); }
  t.match(await hover(4, smoothed), new RegExp(`epoch 4 · val_loss=${Number(loss(2, 4).toPrecision(4))} \\(smoothed ${Number(smoothed.toPrecision(4))}\\)`), 'smoothed as TensorBoard, the raw value beside it');

  const download = async (id: string) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
    return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, 'utf8') };
  };
  const csv = await download('#download-csv');
  t.equal(csv.name, 'val_loss.csv');
  const lines = csv.text.trim().split('\n');
  t.equal(lines[0], 'run,trial,member,metric,epoch,time,value,smoothed', 'CSV header, with the smoothed column');
  t.equal(lines.length, 1 + 40, 'a line per shown point: 4 curves × 10 epochs');
  t.ok(lines.includes(`alpha,2,,val_loss,4,${new Date(Date.UTC(2026, 0, 1, 12) + 2 * 60_000 + 4 * 30_000).toISOString()},${loss(2, 4)},${smoothed}`), 'alpha #2 epoch 4: its time, raw and smoothed value');

  // Hide beta from the legend: 3 curves shown, and downloaded.
  await page.click('#run-legend button[data-run="beta"]');
  await page.waitForFunction(() => window.__rxtrain.curves.curves === 3, undefined, { timeout: 30_000 });
  t.match(await page.getAttribute('#run-legend button[data-run="beta"]', 'class'), /\boff\b/, 'the legend shows beta hidden');
  const json = await download('#download-json');
  const saved = JSON.parse(json.text);
  t.match(saved, { metric: 'val_loss', smoothing: 0.6, x: 'epoch' });
  t.same([...new Set(saved.rows.map((r: { run: string; trial: number }) => `${r.run}#${r.trial}`))], ['alpha#0', 'alpha#1', 'alpha#2'], 'JSON: only what is shown');
  await page.click('#run-legend button[data-run="beta"]');
  await page.waitForFunction(() => window.__rxtrain.curves.curves === 4, undefined, { timeout: 30_000 });

  // Relative time: each trial from 0 to 4m30s (its first epoch at 0); wall time: clock times.
  await page.selectOption('#xaxis', 'relative');
  await page.waitForFunction(() => window.__rxtrain.axes.ticks.xTitle === 'time since the run began', undefined, { timeout: 30_000 });
  t.same((await axes()).x, ['0s', '1m', '2m', '3m', '4m'], 'relative time: whole minutes');
  await page.selectOption('#xaxis', 'wall');
  await page.waitForFunction(() => window.__rxtrain.axes.ticks.xTitle === 'wall time', undefined, { timeout: 30_000 });
  for (const x of (await axes()).x) t.match(x, /^\d\d:\d\d:00$/, `wall time tick ${x}: a clock time on a whole minute`);
  await page.evaluate(() => { const s = document.getElementById('smoothing'); s.value = '0'; s.dispatchEvent(new Event('input')); });
  await page.selectOption('#xaxis', 'epoch');
  await page.waitForFunction(() => window.__rxtrain.curves.smoothing === 0 && window.__rxtrain.curves.x === 'epoch', undefined, { timeout: 30_000 });
  await hover(4, loss(2, 4));
  await page.screenshot({ path: screenshotPath('monitor-curves.png') });
  t.same(pageErrors, [], 'no errors in the page');
});
