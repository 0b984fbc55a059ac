// The dashboard at ordinary window sizes (issue 17, Layout), in real Chromium: at 1280×800 and 1440×900,
// with every tab shown (a study with long parameters, an evolve run, a PBT run; the study's history,
// slice and contour; the curves' smoothing, x axis, run legend and downloads), the control buttons,
// the pause banner, a run selector, the table's range fields and a row's detail panel, no tab, button, label, legend key, banner or column header is
// cut off by its container or the window, nor wrapped inside itself. Skipped without Chromium.
// Saves docs/img/dashboard-1280x800.png, dashboard-1440x900.png and dashboard-detail-1440x900.png
// (RXTRAIN_SCREENSHOTS=1).
import t from 'tap';
import { lastValueFrom, toArray } from 'rxjs';
import { evolve } from '../../lib/evolve/evolve.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { toyMember, toySpace } from '../../lib/pbt/toy.js';
import { space, uniform } from '../../lib/search/space.js';
import { useBackend } from '../../lib/index.js';
import { monitorTap } from '../../operators/monitor-tap.js';
import { openDashboard, screenshotPath, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * In the page: each visible control whose box leaves its window or an ancestor that clips (overflow
 * other than visible), or whose text does not fit on one line of its own box.
 */
function clipped(): string[] {
  const selectors = ['header > *', '#controls button', '.chart-bar > *', '.chart-bar label', '.chart-bar select', '.view-bar label', '.run-key', '#downloads button', '.tab', '#legend .key', '#paused-banner', '.table-bar > *', '#trials thead th', '#trials tbody tr:first-child td button', '#detail .detail-title > *', '#range-panel .range-field', '#range-panel button', '.parallel-bar > *'];
  // (No named functions in here: tsx would wrap them in a helper the page does not have.)
  const out: string[] = [];
  const seen = new Set<any>();
  for (const el of document.querySelectorAll(selectors.join(','))) {
    if (seen.has(el)) continue;
    seen.add(el);
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue; // hidden
    const label = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || '').trim().slice(0, 30)}"`;
    if (r.left < -0.5 || r.right > window.innerWidth + 0.5 || r.top < -0.5 || r.bottom > window.innerHeight + 0.5) out.push(`${label} leaves the window (${Math.round(r.left)}..${Math.round(r.right)} of ${window.innerWidth})`);
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = window.getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const ar = a.getBoundingClientRect();
      if (r.left < ar.left - 0.5 || r.right > ar.right + 0.5 || r.top < ar.top - 0.5 || r.bottom > ar.bottom + 0.5) {
        out.push(`${label} is cut off by ${a.tagName.toLowerCase()}.${a.className} (${Math.round(r.left)}..${Math.round(r.right)} in ${Math.round(ar.left)}..${Math.round(ar.right)})`);
        break;
      }
    }
    if (el.scrollWidth > el.clientWidth + 1 && window.getComputedStyle(el).overflowX !== 'visible') out.push(`${label} has text cut off (${el.scrollWidth} > ${el.clientWidth})`);
    const tag = el.tagName.toLowerCase();
    if ((tag === 'button' || tag === 'th' || el.classList.contains('key')) && r.height > 2.2 * parseFloat(window.getComputedStyle(el).fontSize) + 12) out.push(`${label} wraps (${Math.round(r.height)} px high)`);
  }
  return out;
}

t.test('nothing clipped at 1280×800 and 1440×900', { skip: skipWithoutChromium }, async (t) => {
  await useBackend('cpu');
  const monitor = await startMonitor({ token: 'layout' });
  t.teardown(() => monitor.close());
  const { page, pageErrors } = await openDashboard(t, `${monitor.url}?token=layout`);

  // A study whose trials have many parameters, two of them still running (their stop and lr buttons).
  const params = (n: number) => ({ learningRate: 0.001 * (n + 1), hiddenUnits: 32 * (n + 1), dropout: 0.1, weightDecay: 1e-5, optimizer: 'rmsprop', batchSize: 64, momentum: 0.9 });
  for (let n = 0; n < 8; n++) {
    monitor.publish('a-study-with-a-long-name', { type: 'trialStarted', trial: n, params: params(n), time: 0, direction: 'maximize', metric: 'val_accuracy' });
    for (let e = 0; e < 10; e++) monitor.publish('a-study-with-a-long-name', { type: 'epochEnd', trial: n, epoch: e, metrics: { loss: 1 / (e + 1), val_loss: 1.1 / (e + 1) + n / 40, accuracy: 0.5 + e / 25, val_accuracy: 0.5 + e / 30 + n / 100 }, value: 0.5 + e / 30 + n / 100 });
    if (n < 6) monitor.publish('a-study-with-a-long-name', { type: 'trialCompleted', trial: n, value: 0.8 + n / 100, params: params(n), durationMs: 1000 });
  }
  await lastValueFrom(pbt(toySpace, () => toyMember({ lr: 0.02 }), { populationSize: 4, epochs: 12, readyEvery: 4, metric: 'Q', direction: 'maximize', seed: 2 }).pipe(monitorTap(monitor, { run: 'toy-pbt' }), toArray()));
  await lastValueFrom(evolve(space({ x: uniform(-5, 5), y: uniform(-5, 5) }), (trial) => (trial.params.x - 1) ** 2 + trial.params.y ** 2, { populationSize: 6, generations: 3, seed: 4 }).pipe(monitorTap(monitor, { run: 'sphere-evolve' }), toArray()));
  await lastValueFrom(evolve(space({ x: uniform(-5, 5) }), (trial) => trial.params.x ** 2, { populationSize: 4, generations: 2, seed: 5 }).pipe(monitorTap(monitor, { run: 'second-evolve' }), toArray()));
  await page.waitForFunction((n: number) => window.__rxtrain?.stats().records >= n, monitor.stats().published, { timeout: 120_000 });
  await page.click('#pause-all');
  await page.waitForSelector('#paused-banner:not([hidden])', { timeout: 120_000 });
  await page.waitForSelector('#trials tbody button.stop', { timeout: 120_000 });
  // A row's detail panel open under the table.
  await page.click('tr[data-key="a-study-with-a-long-name#7"] td:first-child');
  await page.waitForSelector('#detail:not([hidden]) .detail-title', { timeout: 120_000 });
  // One of the table's range fields set (a pair per numeric parameter); they are open while checked.
  await page.click('#ranges-toggle');
  await page.fill('#range-panel input.range-min[data-param="learningRate"]', '0.002');
  await page.waitForSelector('#ranges-toggle.active', { timeout: 120_000 });
  await page.click('#ranges-toggle');

  for (const [width, height] of [[1280, 800], [1440, 900]] as const) {
    await page.setViewportSize({ width, height });
    await page.click('#ranges-toggle');
    await page.waitForSelector('#range-panel:not([hidden])', { timeout: 120_000 });
    for (const tab of ['curves', 'parallel', 'population', 'lineage', 'history', 'slice', 'contour']) {
      // Clicked in the page, not by pointer: a tab that is cut off is reported below, not timed out on.
      await page.evaluate((id: string) => document.getElementById(id).click(), `tab-${tab}`);
      await page.waitForFunction((id: string) => document.getElementById(id)?.classList.contains('active'), `tab-${tab}`);
      // Two frames: the view's bar (its selectors) is synced when it draws.
      await page.evaluate(() => new Promise((r) => window.requestAnimationFrame(() => window.requestAnimationFrame(r))));
      await page.waitForTimeout(250);
      t.same(await page.evaluate(clipped), [], `${width}×${height}, ${tab}: nothing clipped`);
    }
    t.same(await page.evaluate(() => {
      const [p, b] = [document.getElementById('range-panel').getBoundingClientRect(), document.querySelector('.table-bar').getBoundingClientRect()];
      return p.top >= b.bottom - 0.5;
    }), true, `${width}×${height}: the range fields open under the table's bar, not over it`);
    await page.click('#ranges-toggle');
    await page.evaluate(() => document.getElementById('tab-curves').click());
    // The screenshot without the detail panel, then the panel open again for the next size.
    await page.click('#detail button.close');
    await page.waitForSelector('#detail[hidden]', { state: 'attached', timeout: 120_000 });
    await page.screenshot({ path: screenshotPath(`dashboard-${width}x${height}.png`) });
    await page.click('tr[data-key="a-study-with-a-long-name#7"] td:first-child');
    await page.waitForSelector('#detail:not([hidden]) .detail-title', { timeout: 120_000 });
    if (width === 1440) await page.screenshot({ path: screenshotPath('dashboard-detail-1440x900.png') });
  }
  t.same(pageErrors, [], 'no errors on the page');
});
