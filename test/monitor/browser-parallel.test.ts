// The parameters view (parallel coordinates) and the table's range filters in real Chromium (issue 17):
// log axes with powers of ten, a colour legend naming the best end, brushing an axis (the lines outside
// dimmed, a count, the table keeping the same trials), two brushes combined, clearing by a click outside
// the brush, a double-click and the clear button; the table's min and max fields showing the brushed
// range, filtering by what is typed, and saying on the field what is wrong; a hover read-out on a line
// and its detail on a click. Saves docs/img/monitor-parameters-brush.png and monitor-range-filters.png
// (RXTRAIN_SCREENSHOTS=1).
import t from 'tap';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { openDashboard, screenshotPath, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

type Params = { lr: number; units: number; optimizer: string };
const N = 40;
const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'];
// lr log-spaced over 1e-5 .. 1e-1, best near 1e-3; units and optimizer spread.
const paramsOf = (n: number): Params => ({ lr: Number((10 ** (-5 + (4 * n) / (N - 1))).toPrecision(4)), units: 16 + ((n * 53) % 113), optimizer: OPTIMIZERS[n % 3]! });
const valueOf = (p: Params): number => Number((0.9 - 0.05 * (Math.log10(p.lr) + 3) ** 2 + p.units / 2000).toFixed(4));

t.test('brush the parameters view; the table keeps the same trials; range fields; hover', { skip: skipWithoutChromium }, async (t) => {
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  const { page, pageErrors } = await openDashboard(t, monitor.url);
  const trials = Array.from({ length: N }, (_, n) => ({ n, params: paramsOf(n), value: valueOf(paramsOf(n)) }));
  for (const { n, params, value } of trials) {
    monitor.publish('search', { type: 'trialStarted', trial: n, params, time: 0, direction: 'maximize', metric: 'accuracy' });
    monitor.publish('search', { type: 'epochEnd', trial: n, epoch: 0, metrics: { accuracy: value }, value });
    monitor.publish('search', { type: 'trialCompleted', trial: n, value, params, durationMs: 1 });
  }
  await page.waitForFunction((n: number) => window.__rxtrain.stats().records >= n, monitor.stats().published, { timeout: 120_000 });
  await page.click('#tab-parallel');
  await page.waitForFunction((n: number) => window.__rxtrain.drawn.parallel?.total === n, N, { timeout: 120_000 });

  // Axes: lr on a log axis with powers of ten; the objective last, named with its direction.
  const axes: { name: string; log: boolean; ticks: unknown[] }[] = await page.evaluate(() => window.__rxtrain.drawn.parallel.axes);
  t.same(axes.map((a) => a.name), ['lr', 'units', 'optimizer', 'value']);
  t.ok(axes[0]!.log, 'lr on a log axis');
  t.same(await page.locator('#parallel g.axis[data-axis="lr"] .tick').allTextContents(), ['1e-5', '1e-4', '0.001', '0.01', '0.1'], '... with powers of ten as ticks');
  t.match(await page.textContent('#parallel g.axis[data-axis="lr"] .axis-title'), /^lr \(log\)$/);
  t.match(await page.textContent('#parallel g.axis[data-axis="value"] .axis-title'), /^accuracy ↑$/);
  const best = Math.max(...trials.map((x) => x.value)), worst = Math.min(...trials.map((x) => x.value));
  t.match(await page.textContent('#parallel .colour-legend .colour-best'), new RegExp(`^best ${best}$`), 'the legend: the best end (highest, the run maximises) and its value');
  t.match(await page.textContent('#parallel .colour-legend .colour-worst'), new RegExp(`^worst ${worst}$`), '... and the worst');
  t.match(await page.textContent('#parallel-count'), /^40 trials · drag along an axis to select$/);

  // Where position p (0 bottom, 1 top) of an axis is on the page: its strip spans the axis with 6 px either end.
  // (Measured in one step in the page: a redraw between finding the strip and measuring it replaces it.)
  const at = (axis: string, p: number): Promise<[number, number]> =>
    page.evaluate(([name, pos]: [string, number]) => {
      const box = document.querySelector(`#parallel g.axis[data-axis="${name}"] rect.axis-hit`).getBoundingClientRect();
      return [box.x + box.width / 2, box.y + 6 + (1 - pos) * (box.height - 12)] as [number, number];
    }, [axis, p] as [string, number]);
  const drag = async (axis: string, from: number, to: number): Promise<void> => {
    const [x0, y0] = await at(axis, from), [, y1] = await at(axis, to);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0, y1, { steps: 6 });
    await page.mouse.up();
  };
  const ranges = (): Promise<Record<string, { min?: number; max?: number; categories?: string[] }>> => page.evaluate(() => Object.fromEntries(window.__rxtrain.ranges));
  const tableKeys = (): Promise<string[]> => page.evaluate(() => [...document.querySelectorAll('#trials tbody tr[data-key]')].map((r: any) => r.dataset.key).sort());
  const expectShown = async (pass: (x: (typeof trials)[number]) => boolean, what: string): Promise<void> => {
    const want = trials.filter(pass).map((x) => `search#${x.n}`).sort();
    await page.waitForFunction((n: number) => window.__rxtrain.drawn.parallel.shown === n, want.length, { timeout: 30_000 });
    await page.waitForFunction((n: number) => document.querySelectorAll('#trials tbody tr[data-key]').length === n, want.length, { timeout: 30_000 });
    t.same(await tableKeys(), want, `${what}: the table keeps the same ${want.length} trials`);
    t.match(await page.textContent('#parallel-count'), new RegExp(`^${want.length} of 40 trials · `), `${what}: counted`);
  };

  // Brush lr from a quarter to three quarters up: about 1e-4 .. 1e-2.
  await drag('lr', 0.75, 0.25);
  await page.waitForFunction(() => window.__rxtrain.ranges.has('lr'), undefined, { timeout: 30_000 });
  const lr = (await ranges()).lr as { min: number; max: number };
  t.ok(Math.abs(Math.log10(lr.min) + 4) < 0.1 && Math.abs(Math.log10(lr.max) + 2) < 0.1, `the brush holds lr ${lr.min} .. ${lr.max}: a quarter to three quarters of the log axis`);
  const inLr = (x: (typeof trials)[number]): boolean => x.params.lr >= lr.min && x.params.lr <= lr.max;
  await expectShown(inLr, 'lr brushed');
  const lines: { passes: boolean; lightness: number }[] = await page.evaluate(() => window.__rxtrain.drawn.parallel.lines);
  t.equal(lines.filter((l) => l.passes).length, trials.filter(inLr).length, 'the other lines are dimmed');
  t.equal(await page.locator('#parallel rect.brush[data-axis="lr"]').count(), 1, 'the brush is drawn on its axis');
  t.match(await page.textContent('#parallel-count'), /0\.0001 ≤ lr ≤ 0\.01/, 'the count says the range');

  // A second brush, on the choice axis: adam only (the bottom stop). Both must hold.
  await drag('optimizer', 0.12, -0.05);
  await page.waitForFunction(() => window.__rxtrain.ranges.has('optimizer'), undefined, { timeout: 30_000 });
  t.same((await ranges()).optimizer, { categories: ['adam'] });
  await expectShown((x) => inLr(x) && x.params.optimizer === 'adam', 'lr and optimizer brushed');
  await page.screenshot({ path: screenshotPath('monitor-parameters-brush.png') });

  // The table's range fields show the brushed range; typing one filters both.
  await page.click('#ranges-toggle');
  await page.waitForSelector('#range-panel:not([hidden])', { timeout: 30_000 });
  t.match(await page.textContent('#ranges-toggle'), /ranges \(2\)/, 'the button counts the ranges');
  t.equal(await page.inputValue('#range-panel input.range-min[data-param="lr"]'), String(lr.min), 'the lr fields show the brush');
  t.equal(await page.inputValue('#range-panel input.range-max[data-param="lr"]'), String(lr.max));
  t.match(await page.textContent('#range-panel .range-chip[data-param="optimizer"]'), /optimizer ∈ \{adam\}/, "the choice's range as a chip");
  await page.fill('#range-panel input.range-min[data-param="units"]', '60');
  await expectShown((x) => inLr(x) && x.params.optimizer === 'adam' && x.params.units >= 60, 'units ≥ 60 typed');
  await page.waitForSelector('#parallel rect.brush[data-axis="units"]', { timeout: 30_000 });
  t.pass('a typed range is drawn as a brush too');
  await page.screenshot({ path: screenshotPath('monitor-range-filters.png') });

  // What cannot be read is said on the field, and that range filters nothing until it is fixed.
  await page.fill('#range-panel input.range-min[data-param="units"]', '6o');
  await page.waitForSelector('#range-panel input.range-min[data-param="units"].bad', { timeout: 30_000 });
  t.equal(await page.getAttribute('#range-panel input.range-min[data-param="units"]', 'title'), 'min: "6o" is not a number');
  t.equal(await page.getAttribute('#range-panel input.range-min[data-param="units"]', 'aria-invalid'), 'true');
  t.match(await page.textContent('#range-problem'), /units: min: "6o" is not a number/);
  await expectShown((x) => inLr(x) && x.params.optimizer === 'adam', 'an unreadable units range');
  await page.fill('#range-panel input.range-min[data-param="units"]', '100');
  await page.fill('#range-panel input.range-max[data-param="units"]', '50');
  await page.waitForSelector('#range-panel input.range-max[data-param="units"].bad', { timeout: 30_000 });
  t.equal(await page.getAttribute('#range-panel input.range-min[data-param="units"]', 'title'), 'min 100 is above max 50: nothing could pass', 'min above max: said on both fields');
  t.ok(await page.locator('#range-panel input.range-min[data-param="units"].bad').count(), 'the min field marked too');
  await page.fill('#range-panel input.range-max[data-param="units"]', '');
  await expectShown((x) => inLr(x) && x.params.optimizer === 'adam' && x.params.units >= 100, 'fixed: units ≥ 100');
  t.equal(await page.locator('#range-panel input.bad').count(), 0, 'no field marked once it reads');
  t.equal(await page.textContent('#range-problem'), '');

  // Clearing: a click on the axis outside its brush, a double-click, the clear button.
  const [cx, cy] = await at('lr', 0.95);
  await page.mouse.click(cx, cy);
  await page.waitForFunction(() => !window.__rxtrain.ranges.has('lr'), undefined, { timeout: 30_000 });
  t.pass('a click on the lr axis outside its brush drops it');
  const [dx, dy] = await at('optimizer', 0.5);
  await page.mouse.dblclick(dx, dy);
  await page.waitForFunction(() => !window.__rxtrain.ranges.has('optimizer'), undefined, { timeout: 30_000 });
  t.pass('a double-click on the optimizer axis drops its brush');
  await expectShown((x) => x.params.units >= 100, 'units alone');
  await page.click('#parallel-clear');
  await page.waitForFunction(() => window.__rxtrain.ranges.size === 0 && window.__rxtrain.drawn.parallel.shown === 40, undefined, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('#trials tbody tr[data-key]').length === 40, undefined, { timeout: 30_000 });
  t.equal(await page.inputValue('#range-panel input.range-min[data-param="units"]'), '', 'cleared: the fields too');
  t.match(await page.textContent('#parallel-count'), /^40 trials/);
  await page.fill('#range-panel input.range-max[data-param="lr"]', 'x');
  await page.waitForSelector('#range-panel input.range-max[data-param="lr"].bad', { timeout: 30_000 });
  await page.click('#ranges-clear');
  await page.waitForFunction(() => document.querySelectorAll('#range-panel input.bad').length === 0 && document.getElementById('range-problem').textContent === '', undefined, { timeout: 30_000 });
  t.equal(await page.inputValue('#range-panel input.range-max[data-param="lr"]'), '', 'clear ranges also drops what was typed wrong');

  // Hover: on the lr axis each trial has its own height; pointing there reads the trial out. A click opens it.
  const pick = trials[17]!;
  const [hx, hy] = await at('lr', (Math.log10(pick.params.lr) + 5) / 4);
  await page.mouse.move(hx + 3, hy);
  await page.waitForFunction((k: number) => document.getElementById('parallel-readout').textContent.startsWith(`trial ${k} `), pick.n, { timeout: 30_000 });
  t.equal(await page.textContent('#parallel-readout'), `trial ${pick.n} · accuracy=${pick.value} · lr=${pick.params.lr} units=${pick.params.units} optimizer=${pick.params.optimizer}`, 'the read-out: trial, objective, each parameter');
  t.equal(await page.getAttribute('#parallel path.hover-line', 'data-trial'), String(pick.n), 'its line is highlighted');
  const [px, py] = await at('units', (pick.params.units - 16) / (Math.max(...trials.map((x) => x.params.units)) - 16));
  await page.mouse.move((hx + px) / 2, hy + (py - hy) / 2);
  await page.waitForFunction((k: number) => document.getElementById('parallel-readout').textContent.startsWith(`trial ${k} `), pick.n, { timeout: 30_000 });
  await page.mouse.click((hx + px) / 2, hy + (py - hy) / 2);
  await page.waitForSelector('#detail:not([hidden]) .detail-title', { timeout: 30_000 });
  t.match(await page.textContent('#detail .detail-title'), new RegExp(`search #${pick.n}\\b`), 'a click on the line opens its trial');
  t.same(pageErrors, [], 'no errors on the page');
});
