// A two-objective study (ZDT1, NSGA-II, a constraint) on the dashboard in real Chromium: the Pareto
// view shows every completed trial, the front ringed (as many points as study.paretoFront()), the
// infeasible trials apart, a read-out on hover; the importance view shows a bar per parameter for each
// objective, computed by the monitor over the completed trials. Skipped where Chromium is missing.
import t from 'tap';
import { lastValueFrom, toArray } from 'rxjs';
import { nsga2Sampler, space, study, uniform } from '../../lib/index.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { monitorTap } from '../../operators/monitor-tap.js';
import { openDashboard, screenshotPath, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

t.test('the Pareto front and the parameter importance of a two-objective study', { skip: skipWithoutChromium }, async (t) => {
  const monitor = await startMonitor({ token: 'pareto-test' });
  t.teardown(() => monitor.close());
  const { page, pageErrors } = await openDashboard(t, `${monitor.url}?token=pareto-test`);

  const params = ['x0', 'x1', 'x2', 'x3'];
  const s = study({
    name: 'zdt1',
    directions: ['minimize', 'minimize'],
    metrics: ['f1', 'f2'],
    space: space({ x0: uniform(0, 1), x1: uniform(0, 1), x2: uniform(0, 1), x3: uniform(0, 1) }),
    sampler: nsga2Sampler({ seed: 2, populationSize: 12 }),
    // Feasible when f1 ≥ 0.1: some trials break it.
    constraints: (trial) => [0.1 - trial.values![0]!],
  });
  const events = await lastValueFrom(
    s.optimize(({ params: p }) => {
      const g = 1 + (9 * (p.x1 + p.x2 + p.x3)) / 3;
      return [p.x0, g * (1 - Math.sqrt(p.x0 / g))];
    }, { trials: 60 }).pipe(monitorTap(monitor, { run: 'zdt1' }), toArray()),
  );
  t.ok(events.some((e) => e.type === 'studyCompleted'), 'the study completed');
  const completed = s.trials(['completed']);
  const front = s.paretoFront();
  const infeasible = completed.filter((x) => x.constraints!.some((c) => c > 0)).length;
  t.ok(infeasible > 0 && front.length > 2, `${front.length} trials on the front, ${infeasible} infeasible`);

  await page.waitForSelector('#tab-pareto:not([hidden])', { timeout: 120_000 });
  await page.click('#tab-pareto');
  await page.waitForFunction((n: number) => window.__rxtrain.study.pareto.points === n, completed.length, { timeout: 120_000 });
  t.equal(await page.locator('#pareto .points circle.pt.front').count(), front.length, 'the front: as many ringed points as study.paretoFront()');
  t.same(await page.locator('#pareto .points circle.pt.front').evaluateAll((els: any[]) => els.map((e) => Number(e.dataset.trial)).sort((a, b) => a - b)), front.map((x) => x.number), '... the same trials');
  t.equal(await page.locator('#pareto .points path.pt.infeasible').count(), infeasible, 'infeasible trials drawn apart');
  t.match(await page.textContent('#pareto .x-title'), /f1 ↓ \(minimize\)/, 'the horizontal axis names its metric and direction');
  t.match(await page.textContent('#pareto .y-title'), /f2 ↓ \(minimize\)/, 'the vertical axis too');
  t.match(await page.getAttribute('#pareto path.front-line', 'd'), new RegExp(`^M[\\d.,]+(L[\\d.,]+){${front.length - 1}}$`), 'the front is joined');
  const first = front[0]!;
  await page.hover(`#pareto .points circle.pt.front[data-trial="${first.number}"]`);
  await page.waitForFunction((n: number) => document.getElementById('pareto-readout').textContent.startsWith(`trial ${n} `), first.number, { timeout: 30_000 });
  t.match(await page.textContent('#pareto-readout'), /on the front · f1=[\d.e-]+ f2=[\d.e-]+ · x0=[\d.e-]+ x1=/, 'hover reads out the trial, its values and parameters');
  await page.screenshot({ path: screenshotPath('monitor-pareto.png') });

  await page.waitForSelector('#tab-importance:not([hidden])', { timeout: 120_000 });
  await page.click('#tab-importance');
  // The monitor's last computation is at studyCompleted, over every completed trial.
  await page.waitForFunction((n: number) => window.__rxtrain.study.importance.trials === n, completed.length, { timeout: 120_000 });
  for (const objective of ['f1 ↓', 'f2 ↓']) t.ok((await page.locator('#importance h3', { hasText: objective }).count()) === 1, `a bar chart for ${objective}`);
  const names = await page.locator('#importance .importance-objective').first().locator('.importance-row').evaluateAll((els: any[]) => els.map((e) => e.dataset.param));
  t.same([...names].sort(), params, 'a bar per parameter');
  t.equal(names[0], 'x0', 'f1 is x0: it is the most important parameter of f1');
  await page.hover('#importance .importance-objective:first-child .importance-row[data-param="x0"] .importance-track');
  await page.waitForFunction(() => document.getElementById('importance-readout').textContent.startsWith('x0: '), undefined, { timeout: 30_000 });
  t.match(await page.textContent('#importance-readout'), /^x0: [\d.]+% of the importance for f1 ↓ \(rank 1 of 4\)$/, 'hover reads out the parameter, its share, of which objective and its rank');
  t.same(pageErrors, [], 'no errors in the page');
  await page.screenshot({ path: screenshotPath('monitor-importance.png') });
});
