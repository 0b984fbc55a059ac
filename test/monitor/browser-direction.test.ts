// A maximising run on the dashboard in real Chromium (issue 14 item 4): an evolve() search that
// maximises val_accuracy, beside a plain run judged by val_loss. The ★ is on the highest trial, the
// table sorts best first (highest first for the search), each generation rings its highest member and
// says "higher is better" from generation 0 on, and the parameters view shades the highest darkest.
// The metric column names what the objective and best columns hold. Skipped without Chromium.
import t from 'tap';
import { from, lastValueFrom, of, toArray } from 'rxjs';
import { evolve } from '../../lib/evolve/evolve.js';
import type { Population } from '../../lib/evolve/types.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { space, uniform } from '../../lib/search/space.js';
import { monitorTap } from '../../operators/monitor-tap.js';
import { openDashboard, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = skipWithoutChromium;
/** Higher is better, best at (1, 0): a training stream of one epoch whose val_accuracy is that. */
const accuracy = (p: { x: number; y: number }): number => 1 / (1 + (p.x - 1) ** 2 + p.y ** 2);

t.test('a maximising evolve run: the ★, the sort, the ring and the shading point at the highest', { skip }, async (t) => {
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  const { page, pageErrors } = await openDashboard(t, monitor.url);

  const populations: Population[] = await lastValueFrom(
    evolve(
      space({ x: uniform(-5, 5), y: uniform(-5, 5) }),
      (trial) => of({ type: 'epochEnd', epoch: 1, metrics: { loss: 1, val_accuracy: accuracy(trial.params as never) } }),
      { populationSize: 8, generations: 3, elitism: 1, seed: 4, direction: 'maximize', metric: 'val_accuracy' },
    ).pipe(monitorTap(monitor, { run: 'evolve' }), toArray()),
  );
  // A plain run in the same table, judged by val_loss (lower is better).
  await lastValueFrom(
    from([0.9, 0.5, 0.7].map((v, i) => ({ type: 'epochEnd', epoch: i + 1, metrics: { loss: v, val_loss: v } }))).pipe(monitorTap(monitor, { run: 'retrain', objective: { metric: 'val_loss' } })),
  );
  const members = populations.flatMap((p) => p.members.map((m) => ({ trial: m.trial, value: accuracy(m.params as never), generation: p.generation })));
  const top = [...members].sort((a, b) => b.value - a.value)[0]!;

  await page.waitForFunction((n: number) => window.__rxtrain?.stats().records >= n, monitor.stats().published, { timeout: 120_000 });
  // The ★: on the highest trial, and only there among the search's rows.
  await page.waitForSelector(`tr[data-key="evolve#${top.trial}"].best`, { timeout: 120_000 });
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll('#trials tbody tr')].map((tr: any) => ({
      key: tr.dataset.key,
      name: tr.children[0].textContent,
      metric: tr.children[3].textContent,
      objective: Number(tr.children[4].textContent),
      best: Number(tr.children[5].textContent),
    })),
  );
  const search = rows.filter((r) => r.key.startsWith('evolve#'));
  t.same(search.filter((r) => r.name.includes('★')).map((r) => r.key), [`evolve#${top.trial}`], 'the ★ is on the highest trial only');
  // The sort: best first, the highest value at the top.
  t.equal(rows[0]?.key, `evolve#${top.trial}`, 'the highest trial heads the table');
  const values = search.map((r) => r.objective);
  t.same(values, [...values].sort((a, b) => b - a), 'the search sorts highest first');
  t.ok(search.every((r) => r.metric === 'val_accuracy ↑'), "each search row names its objective's metric and direction");
  const retrain = rows.find((r) => r.key === 'retrain');
  t.match(retrain, { metric: 'val_loss ↓', objective: 0.7, best: 0.5 }, 'the plain run is judged by its own metric: its best is its lowest val_loss');

  // The ring: each generation's highest member, and "higher is better" from generation 0.
  await page.click('#tab-population');
  await page.waitForFunction(() => document.querySelectorAll('#population g.generation').length === 3, undefined, { timeout: 120_000 });
  const gens = await page.evaluate(() => ({
    title: [...document.querySelectorAll('#population .axis-title')].map((e: any) => e.textContent).join(' | '),
    rings: [...document.querySelectorAll('#population g.generation')].map((g: any) => Number(g.querySelector('.member.best')?.dataset.trial)),
  }));
  t.match(gens.title, /higher is better/);
  const highest = populations.map((p) => [...p.members].sort((a, b) => accuracy(b.params as never) - accuracy(a.params as never))[0]!.trial);
  t.same(gens.rings, highest, 'each generation rings its highest member');

  // The shading: in the parameters view the highest line is the darkest, and darker means higher.
  await page.click('#tab-parallel');
  await page.waitForFunction(() => (window.__rxtrain.drawn.parallel?.lines.length ?? 0) > 0, undefined, { timeout: 120_000 });
  const lines: { value: number; lightness: number; best: boolean }[] = await page.evaluate(() => window.__rxtrain.drawn.parallel.lines);
  const byValue = [...lines].sort((a, b) => b.value - a.value);
  t.equal(byValue[0]?.value, top.value, 'the view shows the search (the run with parameters)');
  t.equal(Math.min(...lines.map((l) => l.lightness)), byValue[0]?.lightness, 'the highest trial is drawn darkest');
  t.ok(byValue.every((l, i) => i === 0 || l.lightness >= byValue[i - 1]!.lightness), 'lower values are lighter');
  t.ok(byValue[0]?.best, 'and it is the one marked best');
  t.same(pageErrors, [], 'no errors in the page');
});
