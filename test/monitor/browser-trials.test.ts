// A study's trials views on the dashboard in real Chromium (issue 17): history (a uPlot chart: a point
// per finished trial and the best-so-far line), slice (a plot per parameter, log axis for the log-uniform one,
// categories as bands) and contour (two parameters, a point per trial over coloured cells), each with
// a read-out on hover. Saves docs/img/monitor-history.png, monitor-slice.png, monitor-contour.png
// (RXTRAIN_SCREENSHOTS=1). Skipped where Chromium is missing.
import t from 'tap';
import { lastValueFrom, toArray } from 'rxjs';
import { choice, int, logUniform, randomSampler, space, study } from '../../lib/index.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { monitorTap } from '../../operators/monitor-tap.js';
import { inkedPixels, openDashboard, screenshotPath, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

t.test('history, slice and contour of a study', { skip: skipWithoutChromium }, async (t) => {
  const monitor = await startMonitor({ token: 'trials-test' });
  t.teardown(() => monitor.close());
  const { page, pageErrors } = await openDashboard(t, `${monitor.url}?token=trials-test`);
  const s = study({
    name: 'lr-units',
    direction: 'maximize',
    metric: 'accuracy',
    space: space({ lr: logUniform(1e-5, 1e-1), units: int(8, 128), optimizer: choice(['adam', 'sgd', 'rmsprop']) }),
    sampler: randomSampler({ seed: 3 }),
  });
  // Best near lr = 1e-3, more units a little better, adam best.
  await lastValueFrom(s.optimize(({ params: p }) => 0.9 - 0.05 * (Math.log10(p.lr) + 3) ** 2 + p.units / 2000 - (p.optimizer === 'adam' ? 0 : 0.03), { trials: 40 }).pipe(monitorTap(monitor, { run: 'lr-units' }), toArray()));
  const completed = s.trials(['completed']);
  const n = completed.length;
  const best = Math.max(...completed.map((x) => x.value!));
  t.equal(n, 40, 'every trial completed');

  await page.waitForSelector('#tab-history:not([hidden])', { timeout: 120_000 });
  await page.click('#tab-history');
  await page.waitForFunction((k: number) => window.__rxtrain.trials.history.points === k, n, { timeout: 120_000 });
  const history = () => page.evaluate(() => { const h = window.__rxtrain.trials.history; return { points: h.points, best: h.best, bestLine: h.bestLine, yTitle: h.yTitle }; });
  const drawn = await history();
  t.equal(drawn.bestLine.length, n, 'history: a point per finished trial, and the best so far at each');
  t.equal(drawn.best, best, 'the best so far ends at the best trial, by maximize');
  t.ok(drawn.bestLine.every((v: number, i: number) => i === 0 || v >= drawn.bestLine[i - 1]), 'the best-so-far line only rises (maximize)');
  t.equal(drawn.yTitle, 'accuracy ↑', 'the y axis names the metric and its direction');
  t.ok((await inkedPixels(page, ['history-canvas'], { colouredOnly: true })) > 500, 'points and line are on the canvas');
  // Hover near the first trial's point: the read-out names it.
  const first = completed[0]!;
  const at = await page.evaluate((k: number) => window.__rxtrain.trials.history.pixel(k), first.number);
  const box = (await page.locator('#history .history-chart').boundingBox())!;
  await page.mouse.move(box.x + at.px, box.y + at.py);
  await page.waitForFunction((k: number) => document.getElementById('history-readout').textContent.startsWith(`trial ${k} `), first.number, { timeout: 30_000 });
  t.match(await page.textContent('#history-readout'), /· accuracy=[\d.]+ · lr=[\d.e-]+ units=\d+ optimizer=\w+/, 'hover reads out the trial, value and parameters');
  await page.screenshot({ path: screenshotPath('monitor-history.png') });

  await page.click('#tab-slice');
  await page.waitForFunction(() => window.__rxtrain.trials.slice.plots === 3, undefined, { timeout: 120_000 });
  for (const param of ['lr', 'units', 'optimizer']) t.equal(await page.locator(`#slice g.slice[data-param="${param}"] circle.pt`).count(), n, `slice of ${param}: a point per trial`);
  t.match(await page.textContent('#slice g.slice[data-param="lr"] .x-title'), /^lr \(log\)$/, 'the log-uniform parameter is on a log axis');
  // The seeded sample spans 1.2e-5 .. 0.06: with head-room, every power of ten from 1e-5 to 0.1.
  t.same(await page.locator('#slice g.slice[data-param="lr"] .tick[text-anchor="middle"]').allTextContents(), ['1e-5', '1e-4', '0.001', '0.01', '0.1'], '... with powers of ten as ticks');
  t.same((await page.locator('#slice g.slice[data-param="optimizer"] .tick').allTextContents()).filter((x) => /[a-z]/.test(x)).sort(), ['adam', 'rmsprop', 'sgd'], 'the categorical parameter as bands, named');
  await page.hover(`#slice g.slice[data-param="units"] circle.pt[data-trial="${first.number}"]`);
  await page.waitForFunction((k: number) => document.getElementById('slice-readout').textContent.startsWith(`trial ${k} `), first.number, { timeout: 30_000 });
  await page.screenshot({ path: screenshotPath('monitor-slice.png') });

  await page.click('#tab-contour');
  await page.waitForFunction((k: number) => window.__rxtrain.trials.contour.points === k, n, { timeout: 120_000 });
  t.equal(await page.locator('#contour .points circle.pt').count(), n, 'contour: a point per trial');
  t.ok((await page.locator('#contour rect.cell').count()) > 3, 'cells coloured by the objective');
  t.match(await page.textContent('#contour .colour-bar'), /accuracy ↑/, 'a colour legend naming the metric');
  await page.selectOption('#contour-x', 'units');
  await page.selectOption('#contour-y', 'optimizer');
  await page.waitForFunction(() => window.__rxtrain.trials.contour.x === 'units' && window.__rxtrain.trials.contour.y === 'optimizer', undefined, { timeout: 30_000 });
  t.equal(await page.locator('#contour .points circle.pt').count(), n, 'other parameters chosen: still a point per trial');
  // A cell reads out where it lies in both parameters and what its trials scored.
  await page.locator('#contour rect.cell').first().dispatchEvent('mouseover');
  await page.waitForFunction(() => document.getElementById('contour-readout').textContent.startsWith('units '), undefined, { timeout: 30_000 });
  t.match(await page.textContent('#contour-readout'), /^units [\d.]+–[\d.]+ × optimizer (adam|sgd|rmsprop): \d+ trials?, mean accuracy [\d.]+, best [\d.]+$/, 'a cell: its two parameter ranges, its trials, mean and best');
  await page.hover(`#contour .points circle.pt[data-trial="${first.number}"]`);
  await page.waitForFunction((k: number) => document.getElementById('contour-readout').textContent.startsWith(`trial ${k} `), first.number, { timeout: 30_000 });
  await page.screenshot({ path: screenshotPath('monitor-contour.png') });
  t.same(pageErrors, [], 'no errors in the page');
});
