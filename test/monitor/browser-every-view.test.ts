// Every view of the dashboard renders for each kind of run (issue 17, "done when"): a small study, an
// evolve() run and a pbt() run, each training tiny MLPs on the bundled digits for a few epochs and
// tapped with monitorTap, in this process. For each run, each tab its kind offers is opened and what it
// drew is checked as a user sees it (ink on its canvas or shapes in its SVG, its text, the table's rows,
// the detail panel), not how it is drawn: the charts change library under this test.
//
// The views each kind offers: curves, parameters (parallel coordinates), the table and a row's detail
// for all three; history, slice, contour and importance for the runs made of trials (the study, and the
// evolve run, whose members are trials); population for the evolve run; lineage for the PBT run. A PBT
// run has no trials (its members train for the whole run, their hyperparameters change as they go), so
// the per-trial views do not apply to it; the Pareto view is for multi-objective studies only
// (browser-pareto.test.ts). Skipped where Chromium is missing.
import t from 'tap';
import { finalize, lastValueFrom, toArray } from 'rxjs';
import { digits, evolve, int, layersMember, logUniform, mlp, optimizer, pbt, randomSampler, space, split, study, train, useBackend } from '../../lib/index.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { monitorTap } from '../../operators/monitor-tap.js';
import { openDashboard, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const STUDY = 'views-study';
const EVOLVE = 'views-evolve';
const PBT = 'views-pbt';

/** What a panel shows: shapes drawn in its SVGs, inked pixels on its canvases, and its text. */
interface Shown {
  readonly hidden: boolean;
  readonly shapes: number;
  readonly ink: number;
  readonly text: string;
}

t.test('every view renders for a study, an evolve() run and a pbt() run', { skip: skipWithoutChromium }, async (t) => {
  await useBackend('cpu');
  const { train: data, validation } = split(digits(), { validation: 0.25, test: 0, seed: 1 });
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  const { page, pageErrors } = await openDashboard(t, monitor.url);

  const model = (units: number, seed: number) => mlp({ inputShape: [64], units: [units], classes: 10, seed });
  const fit = (p: { lr: number; units: number }, seed: number, epochs: number) => {
    const m = model(p.units, seed);
    const opt = optimizer({ name: 'adam', lr: p.lr });
    return train(m, data, { epochs, optimizer: opt, validation, batchSize: 128, seed }).pipe(
      finalize(() => {
        m.dispose();
        opt.dispose();
      }),
    );
  };
  const searchSpace = space({ lr: logUniform(1e-3, 1e-1), units: int(4, 16) });

  const s = study({ name: STUDY, direction: 'maximize', metric: 'val_accuracy', space: searchSpace, sampler: randomSampler({ seed: 1 }), seed: 1 });
  await lastValueFrom(s.optimize((trial) => fit(trial.params, trial.seed, 3), { trials: 6 }).pipe(monitorTap(monitor, { run: STUDY }), toArray()));
  const studyTrials = s.trials(['completed']).length;
  t.equal(studyTrials, 6, 'the study completed its trials');

  const populations = await lastValueFrom(
    evolve(searchSpace, (trial) => fit(trial.params, trial.seed, 2), { populationSize: 4, generations: 2, elitism: 1, metric: 'val_accuracy', direction: 'maximize', seed: 2 }).pipe(
      monitorTap(monitor, { run: EVOLVE }),
      toArray(),
    ),
  );
  // An elite keeps its trial (and its number) in the next generation: count each trial once.
  const evolveTrials = new Set(populations.flatMap((p) => p.members.map((m) => m.trial))).size;
  t.equal(populations.length, 2, 'two generations');

  const pbtEvents = await lastValueFrom(
    pbt(space({ lr: logUniform(1e-3, 0.5) }), ({ seed, params }) => layersMember({ model: model(8, seed), optimizer: optimizer({ name: 'adam', lr: params.lr }), data, validation, batchSize: 128, seed }), {
      populationSize: 4,
      epochs: 4,
      readyEvery: 2,
      metric: 'val_accuracy',
      direction: 'maximize',
      exploit: { quantile: 0.25 },
      seed: 3,
    }).pipe(monitorTap(monitor, { run: PBT }), toArray()),
  );
  t.equal(pbtEvents.at(-1)?.type, 'pbtCompleted', 'the PBT run completed');

  await page.waitForFunction((n: number) => window.__rxtrain?.stats().records >= n, monitor.stats().published, { timeout: 120_000 });

  /** Open tab `view` and read panel `panel` once it has drawn something (ink, shapes) and `ok` holds of its text. */
  const open = async (view: string, panel: string, ok: RegExp = /./): Promise<Shown> => {
    await page.waitForSelector(`#tab-${view}:not([hidden])`, { timeout: 120_000 });
    await page.click(`#tab-${view}`);
    const shown = (): Promise<Shown> =>
      page.evaluate((id: string) => {
        const el = document.getElementById(id);
        let ink = 0;
        for (const c of el.querySelectorAll('canvas')) {
          if (c.width === 0 || c.height === 0) continue;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
        }
        const shapes = [...el.querySelectorAll('svg path, svg circle, svg rect, svg line, svg polyline, svg polygon')].filter((s: any) => {
          const b = s.getBBox();
          return b.width > 0 || b.height > 0;
        }).length;
        return { hidden: el.hidden, shapes, ink, text: el.textContent };
      }, panel);
    await page
      .waitForFunction(
        ([id, source]: [string, string]) => {
          const el = document.getElementById(id);
          if (!el || el.hidden || !new RegExp(source).test(el.textContent)) return false;
          if (el.querySelector('svg path, svg circle, svg rect, svg line')) return true;
          return [...el.querySelectorAll('canvas')].some((c: any) => c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v: number, i: number) => i % 4 === 3 && v > 0));
        },
        [panel, ok.source] as [string, string],
        { timeout: 120_000 },
      )
      .catch(async (err: Error) => {
        throw new Error(`${view}: ${err.message}; shown: ${JSON.stringify(await shown())}; page errors: ${pageErrors.join('; ')}`);
      });
    return shown();
  };
  // A digest of what a panel shows (its text, SVG markup and canvas pixels): it changes when the drawing does.
  await page.evaluate(() => {
    window.__digest = (id: string): string => {
      const el = document.getElementById(id);
      // (No named inner functions: the test's compiler would wrap them in a helper the page lacks.)
      let h = 5381;
      const text = el.textContent + [...el.querySelectorAll('svg')].map((s: any) => s.outerHTML).join('');
      for (let i = 0; i < text.length; i++) h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
      for (const c of el.querySelectorAll('canvas')) {
        if (c.width === 0 || c.height === 0) continue;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 7) h = ((h * 33) ^ d[i]) >>> 0;
      }
      return String(h);
    };
  });
  /** Choose `run` in the selector of panel `panel` and wait for the panel to draw it (a new drawing, if another run was shown). */
  const choose = async (selector: string, panel: string, run: string): Promise<void> => {
    await page.waitForFunction(([sel, r]: [string, string]) => [...(document.querySelector(sel)?.options ?? [])].some((o: any) => o.value === r), [selector, run] as [string, string], { timeout: 120_000 });
    if ((await page.locator(selector).inputValue()) === run) return;
    const before = await page.evaluate((id: string) => window.__digest(id), panel);
    await page.selectOption(selector, run);
    await page.waitForFunction(([id, was]: [string, string]) => window.__digest(id) !== was, [panel, before] as [string, string], { timeout: 120_000 });
  };
  const drawn = (x: Shown): boolean => !x.hidden && (x.ink > 0 || x.shapes > 0);

  // Curves: every run's curves, its name in the run legend.
  const curves = await open('curves', 'chart');
  t.ok(drawn(curves), `curves drawn (${curves.ink} px)`);
  const legend = await page.textContent('#run-legend');
  for (const run of [STUDY, EVOLVE, PBT]) t.match(legend, run, `the run legend names ${run}`);

  // Parameters: each run's parameters, chosen in the bar.
  for (const run of [STUDY, EVOLVE, PBT]) {
    await open('parallel', 'parallel');
    await choose('#view-run', 'parallel', run);
    const p = await open('parallel', 'parallel');
    t.ok(drawn(p), `parameters of ${run} drawn (${p.ink} px)`);
  }

  // History, slice, contour and importance: the runs made of trials.
  for (const run of [STUDY, EVOLVE]) {
    const finished = run === STUDY ? studyTrials : evolveTrials;
    for (const view of ['history', 'slice', 'contour']) {
      await open(view, view);
      await choose(`#${view}-run`, view, run);
      // History is drawn by uPlot on a canvas (its metric's axis title too): its legend is the text there.
      const v = await open(view, view, view === 'history' ? /best so far/ : /val_accuracy/);
      t.ok(drawn(v), `${view} of ${run} drawn (${v.shapes} shapes, ${v.ink} px)`);
      t.notMatch(v.text, /no finished trial|no study trials|needs two parameters/, `${view} of ${run} is no placeholder`);
      t.ok(v.shapes + v.ink >= finished, `${view} of ${run}: at least a mark per finished trial (${finished})`);
    }
    // Its bars are plain HTML (element widths): a share per parameter, over the run's trials.
    await page.click('#tab-importance');
    await choose('#importance select', 'importance', run);
    await page.waitForFunction((n: number) => new RegExp(`over ${n} completed trials`).test(document.getElementById('importance').textContent), finished, { timeout: 120_000 });
    const imp = (await page.textContent('#importance'))!;
    t.match(imp, /lr\s*[\d.]+%/, `importance of ${run}: a share for lr`);
    t.match(imp, /units\s*[\d.]+%/, `importance of ${run}: a share for units`);
    t.ok((await page.locator('#importance .importance-body *').count()) >= 2, 'bars drawn');
  }

  // Population: the evolve run's generations; lineage: the PBT run's members.
  const population = await open('population', 'population', /generation/);
  t.ok(drawn(population), `population of ${EVOLVE} drawn (${population.shapes} shapes)`);
  t.notMatch(population.text, /no population yet/);
  const lineage = await open('lineage', 'lineage', /member/);
  t.ok(drawn(lineage), `lineage of ${PBT} drawn (${lineage.shapes} shapes)`);
  t.match(lineage.text, /colour: lr/, 'the lineage is coloured by the learning rate');

  // The table: a row per trial or member of each run, and a row's detail panel.
  await page.click('#tab-curves');
  const rows = (prefix: string) => page.locator(`#trials tbody tr[data-key^="${prefix}"]`).count();
  await page.waitForFunction(() => document.querySelectorAll('#trials tbody tr[data-key]').length > 0, undefined, { timeout: 120_000 });
  t.equal(await rows(`${STUDY}#`), studyTrials, 'the table: a row per study trial');
  t.equal(await rows(`${EVOLVE}#`), evolveTrials, 'a row per evolve member (trial)');
  t.equal(await rows(`${PBT}@`), 4, 'a row per PBT member');
  for (const key of [`${STUDY}#0`, `${EVOLVE}#0`, `${PBT}@0`]) {
    await page.click(`#trials tbody tr[data-key="${key}"] td:first-child`);
    await page.waitForFunction(() => !document.getElementById('detail').hidden, undefined, { timeout: 30_000 });
    const detail = await page.textContent('#detail');
    t.match(detail, /lr/, `the detail of ${key} shows its parameters`);
    t.match(detail, /val_accuracy/, `... and its metrics`);
    await page.click(`#trials tbody tr[data-key="${key}"] td:first-child`);
    await page.waitForFunction(() => document.getElementById('detail').hidden, undefined, { timeout: 30_000 });
  }
  t.same(pageErrors, [], 'no errors in the page');
});
