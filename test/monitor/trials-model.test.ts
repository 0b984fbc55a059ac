// The dashboard's trials views draw from lib/monitor/dashboard/trials-model.js (a plain file: the page
// has no build step): the best so far by either direction, what each parameter is, slice points and
// the contour's bins; and round ticks (ticks.js) for their axes.
import t from 'tap';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadDashboard } from '../../lib/monitor/dashboard-assets.js';

const dir = join(fileURLToPath(new URL('../../', import.meta.url)), 'lib', 'monitor', 'dashboard');
type Trial = { trial: number; value: number; params: Record<string, unknown>; state: string };
type Kind = { name: string; kind: 'numeric' | 'categorical'; lo?: number; hi?: number; log?: boolean; categories?: string[] };
type Cell = { n: number; mean: number; best: number };
const load = async () => ({
  tm: (await import(pathToFileURL(join(dir, 'trials-model.js')).href)) as {
    finishedTrials(rows: unknown[], valueOf: (s: { value?: number }) => number | undefined): Trial[];
    bestSoFar(trials: Trial[], direction: string): [number, number][];
    paramKinds(trials: Trial[]): Kind[];
    slicePoints(trials: Trial[], p: Kind): [number, number, number][];
    binOf(p: Kind, v: unknown, bins: number): number;
    binText(p: Kind, i: number, bins: number): string;
    contourGrid(trials: Trial[], px: Kind, py: Kind, direction: string, bins: number): { nx: number; ny: number; cells: Cell[][]; points: unknown[] };
  },
  ticks: (await import(pathToFileURL(join(dir, 'ticks.js')).href)) as {
    linearTicks(lo: number, hi: number, count?: number): number[];
    logTicks(lo: number, hi: number, count?: number): number[];
    tickLabel(v: number): string;
  },
});
const trial = (n: number, value: number, params: Record<string, unknown> = {}): Trial => ({ trial: n, value, params, state: 'completed' });

t.test('finishedTrials: completed trials with a finite value, by trial number', async (t) => {
  const { tm } = await load();
  const rows = [
    { trial: 2, state: 'completed', value: 0.5, params: { a: 1 } },
    { trial: 0, state: 'completed', value: 0.7, params: { a: 2 } },
    { trial: 1, state: 'pruned', value: 0.1, params: { a: 3 } },
    { trial: 3, state: 'running', value: 0.2, params: { a: 4 } },
    { trial: 4, state: 'completed', value: Number.NaN, params: { a: 5 } },
    { trial: undefined, state: 'completed', value: 1 },
  ];
  t.same(tm.finishedTrials(rows, (s) => s.value).map((x) => [x.trial, x.value]), [[0, 0.7], [2, 0.5]]);
});

t.test('bestSoFar honours the direction', async (t) => {
  const { tm } = await load();
  const trials = [trial(0, 3), trial(1, 5), trial(2, 1), trial(4, 4), trial(7, 0.5)];
  t.same(tm.bestSoFar(trials, 'minimize'), [[0, 3], [1, 3], [2, 1], [4, 1], [7, 0.5]], 'minimize: the lowest so far');
  t.same(tm.bestSoFar(trials, 'maximize'), [[0, 3], [1, 5], [2, 5], [4, 5], [7, 5]], 'maximize: the highest so far');
  t.same(tm.bestSoFar([], 'maximize'), []);
});

t.test('paramKinds: numeric, log when over two decades, categorical', async (t) => {
  const { tm } = await load();
  const trials = [trial(0, 1, { lr: 1e-4, units: 8, opt: 'adam', flag: true }), trial(1, 2, { lr: 0.05, units: 64, opt: 'sgd', flag: false }), trial(2, 3, { lr: 0.002, units: 32, opt: 'adam', flag: true })];
  t.same(tm.paramKinds(trials), [
    { name: 'lr', kind: 'numeric', lo: 1e-4, hi: 0.05, log: true },
    { name: 'units', kind: 'numeric', lo: 8, hi: 64, log: false },
    { name: 'opt', kind: 'categorical', categories: ['adam', 'sgd'] },
    { name: 'flag', kind: 'categorical', categories: ['true', 'false'] },
  ]);
  const kinds = tm.paramKinds(trials);
  t.same(tm.slicePoints(trials, kinds[2]!), [[0, 1, 0], [1, 2, 1], [0, 3, 2]], 'a categorical slice: the category index as x');
  t.same(tm.slicePoints(trials, kinds[0]!), [[1e-4, 1, 0], [0.05, 2, 1], [0.002, 3, 2]], 'a numeric slice: the value as x');
  t.same(tm.paramKinds([trial(0, 1, { x: -1 }), trial(1, 1, { x: 1000 })])[0], { name: 'x', kind: 'numeric', lo: -1, hi: 1000, log: false }, 'not log when a value is ≤ 0');
});

t.test('binOf and contourGrid: equal bins (in log space when log), a bin per category, mean and best per cell', async (t) => {
  const { tm } = await load();
  const lr: Kind = { name: 'lr', kind: 'numeric', lo: 1e-4, hi: 1, log: true };
  t.same([1e-4, 9e-4, 1e-3, 0.0101, 0.5, 1].map((v) => tm.binOf(lr, v, 4)), [0, 0, 1, 2, 3, 3], 'log bins: a decade each');
  const x: Kind = { name: 'x', kind: 'numeric', lo: 0, hi: 10, log: false };
  t.same([0, 2.49, 2.5, 9.99, 10].map((v) => tm.binOf(x, v, 4)), [0, 0, 1, 3, 3], 'linear bins, the top one closed');
  const opt: Kind = { name: 'opt', kind: 'categorical', categories: ['adam', 'sgd'] };
  const trials = [trial(0, 0.5, { x: 1, opt: 'adam' }), trial(1, 0.9, { x: 2, opt: 'adam' }), trial(2, 0.2, { x: 9, opt: 'sgd' }), trial(3, 0.4, { x: 9.5 })];
  const g = tm.contourGrid(trials, x, opt, 'maximize', 4);
  t.same([g.nx, g.ny], [4, 2], '4 bins of x, 2 categories');
  t.equal(g.points.length, 3, 'a trial without one of the parameters is left out');
  t.same(g.cells[0]![0], { n: 2, mean: 0.7, best: 0.9 }, 'the cell of adam, x in [0, 2.5): two trials, mean and best (maximize)');
  t.same(g.cells[1]![3], { n: 1, mean: 0.2, best: 0.2 });
  t.equal(g.cells.flat().filter((c) => c.n > 0).length, 2, 'the others are empty');
  t.equal(tm.contourGrid(trials, x, opt, 'minimize', 4).cells[0]![0]!.best, 0.5, 'best by minimize');
  t.same([0, 3].map((i) => tm.binText(lr, i, 4)), ['1e-4–0.001', '0.1–1'], "a log bin's bounds, a decade each (the contour cell's read-out)");
  t.equal(tm.binText(x, 1, 4), '2.5–5', 'a linear bin');
  t.equal(tm.binText(opt, 1, 4), 'sgd', 'a category');
  t.equal(tm.binText({ name: 'k', kind: 'numeric', lo: 3, hi: 3, log: false }, 0, 4), '3', 'a parameter with one value');
});

t.test('round ticks: 1-2-5 steps on a linear axis, powers of ten on a log one', async (t) => {
  const { ticks } = await load();
  t.same(ticks.linearTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  t.same(ticks.linearTicks(0.1234, 0.987), [0.2, 0.4, 0.6, 0.8]);
  t.same(ticks.linearTicks(-3, 17), [0, 5, 10, 15]);
  t.same(ticks.linearTicks(0.7, 0.95), [0.7, 0.75, 0.8, 0.85, 0.9, 0.95], 'no 0.7500000001');
  t.same(ticks.logTicks(1e-5, 0.2), [1e-5, 1e-4, 1e-3, 1e-2, 0.1]);
  t.same(ticks.logTicks(1e-12, 1e3), [1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3], 'many decades: every third power');
  t.same(ticks.logTicks(0.003, 0.08), [0.005, 0.01, 0.02, 0.05], 'under two decades: 1, 2 and 5 × 10^k');
  t.same(['2e-5', '12.3k', '1.5M', '0.25', '0'], [2e-5, 12345, 1.5e6, 0.25, 0].map(ticks.tickLabel), 'labels');
});

t.test('the monitor serves every file the trials views import', async (t) => {
  const served = loadDashboard();
  for (const f of ['ticks.js', 'plot.js', 'view-panel.js', 'trials-model.js', 'trials-views.js', 'history.js', 'slice.js', 'contour.js']) t.ok(served.has(`/${f}`), f);
});
