// Populations and PBT lineage on the dashboard in real Chromium: the paper's toy PBT and a small
// evolve() search are tapped with monitorTap while the page watches; the lineage view draws one arrow
// per exploit and a row per member (its schedule on hover and in the table), the population view a
// column per generation with the best of each ringed. Skipped where /usr/bin/chromium is missing.
// Saves docs/img/monitor-lineage.png and docs/img/monitor-population.png (RXTRAIN_SCREENSHOTS=1).
import t from 'tap';
import { lastValueFrom, toArray } from 'rxjs';
import { evolve } from '../../lib/evolve/evolve.js';
import type { Population } from '../../lib/evolve/types.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { toyMember, toySpace } from '../../lib/pbt/toy.js';
import type { PbtEvent } from '../../lib/pbt/types.js';
import { space, uniform } from '../../lib/search/space.js';
import { useBackend } from '../../lib/index.js';
import { monitorTap } from '../../operators/monitor-tap.js';
import { openDashboard, screenshotPath, skipWithoutChromium } from './chromium.js';

// The page's own globals, inside page functions (this project compiles without the DOM types; the
// page's CSP forbids evaluating strings, so page code is passed as functions).
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = skipWithoutChromium;

t.test('the lineage view draws every exploit; the population view every generation', { skip }, async (t) => {
  await useBackend('cpu');
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  const { page, pageErrors } = await openDashboard(t, monitor.url);

  // The paper's toy (Jaderberg et al. 2017, Fig. 2) with 8 members: 2 exploits at each ready time.
  const events: PbtEvent[] = await lastValueFrom(
    pbt(toySpace, () => toyMember({ lr: 0.02 }), { populationSize: 8, epochs: 40, readyEvery: 4, metric: 'Q', direction: 'maximize', exploit: { quantile: 0.25 }, explore: { perturb: [0.8, 1.2] }, seed: 2 }).pipe(
      monitorTap(monitor, { run: 'toy-pbt' }),
      toArray(),
    ),
  );
  const exploits = events.filter((e) => e.type === 'exploit');
  const explores = events.filter((e) => e.type === 'explore');
  t.equal(exploits.length, 18, '2 exploits at each of 9 ready times');

  // A small genetic search: the sphere around (1, 0), minimised.
  const populations: Population[] = await lastValueFrom(
    evolve(space({ x: uniform(-5, 5), y: uniform(-5, 5) }), (trial) => (trial.params.x - 1) ** 2 + trial.params.y ** 2, { populationSize: 8, generations: 6, elitism: 1, seed: 4 }).pipe(
      monitorTap(monitor, { run: 'sphere-evolve' }),
      toArray(),
    ),
  );
  t.equal(populations.length, 6);

  await page.waitForFunction((n: number) => window.__rxtrain?.stats().records >= n, monitor.stats().published, { timeout: 120_000 });
  await page.waitForSelector('#tab-lineage:not([hidden])', { timeout: 120_000 });
  await page.click('#tab-lineage');
  await page
    .waitForFunction((n: number) => document.querySelectorAll('#lineage path.exploit[data-n]').length >= n, exploits.length, { timeout: 120_000 })
    .catch(async (err: Error) => {
      throw new Error(`${err.message}; page errors: ${pageErrors.join('; ')}; drawn: ${JSON.stringify(await page.evaluate(() => window.__rxtrain.drawn))}`);
    });
  const drawn = await page.evaluate(() => {
    const arrows = [...document.querySelectorAll('#lineage path.exploit[data-n]')];
    return {
      arrows: arrows.length,
      counted: arrows.reduce((n: number, a: any) => n + Number(a.dataset.n), 0),
      pairs: arrows.map((a: any) => `${a.dataset.epoch}:${a.dataset.donor}>${a.dataset.member}`).sort(),
      rows: document.querySelectorAll('#lineage g.member-row').length,
      segments: document.querySelectorAll('#lineage line.segment').length,
      best: document.querySelector('#lineage .row-label.best')?.textContent,
    };
  });
  t.equal(drawn.arrows, exploits.length, `one arrow per exploit (${drawn.arrows})`);
  t.equal(drawn.counted, exploits.length, 'their counts add up to the exploits');
  t.same(drawn.pairs, exploits.map((e) => `${e.epoch}:${e.donor}>${e.member}`).sort(), 'each from its donor to its member, at its epoch');
  t.equal(drawn.rows, 8, 'a row per member');
  t.equal(drawn.segments, 8 + explores.length, 'a segment per schedule step (the start, then each explore)');
  const end = events.at(-1);
  t.equal(end?.type, 'pbtCompleted');
  if (end?.type === 'pbtCompleted') t.equal(drawn.best, `★ member ${end.best.member}`, 'the best member is starred');

  // Hovering a row shows its schedule.
  const row = await page.locator('#lineage g.member-row[data-member="3"] line.segment').first().boundingBox();
  t.ok(row, 'member 3 has a row');
  await page.mouse.move(row!.x + row!.width / 2 + 40, row!.y + row!.height / 2);
  await page.waitForSelector('#lineage .tooltip:not([hidden])', { timeout: 5000 });
  t.match(await page.textContent('#lineage .tooltip'), /member 3[\s\S]*its schedule:[\s\S]*from epoch 1: h0=/, 'the tooltip lists the schedule');
  await page.mouse.move(5, 5);
  // The members first in the table (by name, descending), for the screenshot.
  await page.click('th[data-sort="name"]');
  await page.click('th[data-sort="name"]');
  await page.waitForSelector('#trials tbody tr:first-child[data-key^="toy-pbt@"]', { timeout: 5000 });
  // And the table lists each member with its schedule.
  await page.waitForSelector('tr[data-key="toy-pbt@3"]', { timeout: 120_000 });
  t.match(await page.textContent('tr[data-key="toy-pbt@3"] td.params'), /^1: h0=/, "a member's row shows its schedule");
  t.equal(await page.locator('tr[data-key="toy-pbt@3"] button').count(), 0, 'no stop button on a PBT member');
  await page.waitForTimeout(200);
  await page.screenshot({ path: screenshotPath('monitor-lineage.png') });

  await page.click('#tab-population');
  await page.waitForFunction(() => document.querySelectorAll('#population g.generation').length === 6, undefined, { timeout: 120_000 });
  const gens = await page.evaluate(() =>
    [...document.querySelectorAll('#population g.generation')].map((g: any) => ({
      generation: Number(g.dataset.generation),
      members: Number(g.dataset.members),
      dots: g.querySelectorAll('.member').length,
      best: g.querySelectorAll('.member.best').length,
      bestTrial: Number(g.querySelector('.member.best')?.dataset.trial),
    })),
  );
  t.same(gens.map((g) => g.generation), [0, 1, 2, 3, 4, 5], 'a column per generation');
  t.ok(gens.every((g) => g.members === 8 && g.dots === 8), 'a dot per member');
  t.ok(gens.every((g) => g.best === 1), 'one best per generation');
  // The ringed one is the generation's lowest value (the direction is read from evolve's `best`).
  const sphere = (p: { x: number; y: number }) => (p.x - 1) ** 2 + p.y ** 2;
  const lowest = populations.map((p) => [...p.members].sort((a, b) => sphere(a.params as never) - sphere(b.params as never))[0]!.trial);
  t.same(gens.map((g) => g.bestTrial), lowest, 'the best of each generation is its lowest value');
  t.same(pageErrors, [], 'no errors in the page');
  await page.waitForTimeout(200);
  await page.screenshot({ path: screenshotPath('monitor-population.png') });
});
