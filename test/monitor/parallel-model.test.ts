// The parameters view's brushing (lib/monitor/dashboard/parallel-model.js, a plain file: the page has no
// build step): its axes (log for a parameter over two decades), where a value sits on an axis and back,
// the range a brush selects (numbers rounded outwards, categories inside it), which trials pass every
// range, the line colour by the direction, and the line nearest the pointer.
import t from 'tap';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadDashboard } from '../../lib/monitor/dashboard-assets.js';

const dir = join(fileURLToPath(new URL('../../', import.meta.url)), 'lib', 'monitor', 'dashboard');
type Range = { min: number | null; max: number | null } | { categories: string[] };
type Axis = { name: string; title: string; kind: 'numeric' | 'categorical'; lo: number; hi: number; log: boolean; categories: string[]; objective: boolean };
type Row = { trial?: number; params: Record<string, unknown>; value?: number };
type Line = { trial: number; points: ([number, number] | null)[] };
const pm = (await import(pathToFileURL(join(dir, 'parallel-model.js')).href)) as {
  OBJECTIVE: string;
  parallelAxes(trials: Row[], title?: string): Axis[];
  axisPosition(a: Axis, v: unknown): number | null;
  axisValue(a: Axis, p: number): number;
  brushRange(a: Axis, p0: number, p1: number): Range | null;
  rangeSpan(a: Axis, r: Range): [number, number] | null;
  passing(trials: Row[], ranges: Map<string, Range>): boolean[];
  axisTicks(a: Axis): (number | string)[];
  quality(v: unknown, lo: number, hi: number, maximize: boolean): number | null;
  lightness(q: number): number;
  nearestLine(lines: Line[], x: number, y: number, within?: number): Line | null;
};

// lr log-uniform over 1e-5 .. 1e-1, units 16 .. 128, an optimizer.
const trials: Row[] = [
  { trial: 0, params: { lr: 1e-5, units: 16, optimizer: 'adam' }, value: 0.5 },
  { trial: 1, params: { lr: 1e-4, units: 32, optimizer: 'sgd' }, value: 0.7 },
  { trial: 2, params: { lr: 1e-3, units: 64, optimizer: 'adam' }, value: 0.9 },
  { trial: 3, params: { lr: 1e-2, units: 128, optimizer: 'rmsprop' }, value: 0.8 },
  { trial: 4, params: { lr: 1e-1, units: 96, optimizer: 'sgd' }, value: 0.6 },
];
const axes = pm.parallelAxes(trials, 'accuracy ↑');
const axis = (name: string): Axis => axes.find((a) => a.name === name)!;

t.test('axes: a parameter each, then the objective; log for one over two decades', async (t) => {
  t.same(axes.map((a) => [a.name, a.kind, a.log]), [['lr', 'numeric', true], ['units', 'numeric', false], ['optimizer', 'categorical', undefined], ['value', 'numeric', false]]);
  t.equal(axis('value').title, 'accuracy ↑');
  t.same([axis('value').lo, axis('value').hi], [0.5, 0.9], 'the objective axis spans the values');
  t.same(pm.axisTicks(axis('lr')), [1e-5, 1e-4, 0.001, 0.01, 0.1], 'powers of ten on the log axis');
  t.same(pm.axisTicks(axis('units')), [20, 40, 60, 80, 100, 120], 'round steps on a linear one, inside its values');
  t.same(pm.axisTicks(axis('optimizer')), ['adam', 'sgd', 'rmsprop'], 'the categories in order of first sight');
  t.same(pm.parallelAxes([{ params: {} }]).map((a) => a.name), ['value'], 'no parameters: the objective alone');
});

t.test('positions: log in log space, categories spread, and back again', async (t) => {
  t.equal(pm.axisPosition(axis('lr'), 1e-3), 0.5, '1e-3 is half-way from 1e-5 to 1e-1 on a log axis');
  t.equal(pm.axisPosition(axis('units'), 72), 0.5);
  t.same(['adam', 'sgd', 'rmsprop'].map((c) => pm.axisPosition(axis('optimizer'), c)), [0, 0.5, 1]);
  t.equal(pm.axisPosition(axis('optimizer'), 'lion'), null, 'a category the axis lacks');
  t.equal(pm.axisPosition(axis('lr'), undefined), null, 'no value: no point');
  t.equal(pm.axisPosition(axis('lr'), 0), null, 'zero has no place on a log axis');
  t.ok(Math.abs(pm.axisValue(axis('lr'), 0.75) - 1e-2) < 1e-12, 'the inverse, in log space');
  const flat = pm.parallelAxes([{ params: { a: 3 }, value: 1 }, { params: { a: 3 }, value: 1 }])[0]!;
  t.equal(pm.axisPosition(flat, 3), 0.5, 'a parameter with one value sits mid-axis');
});

t.test('a brush selects a range: numbers rounded outwards, categories inside it', async (t) => {
  // From a quarter to half-way up the lr axis: 1e-4 .. 1e-3, rounded to 3 digits.
  t.same(pm.brushRange(axis('lr'), 0.5, 0.25), { min: 0.0001, max: 0.001 }, 'either direction of drag');
  const r = pm.brushRange(axis('units'), 0.1, 0.4) as { min: number; max: number };
  t.ok(r.min <= 16 + 0.1 * 112 + 1e-9 && r.max >= 16 + 0.4 * 112 - 1e-9, `rounded outwards: ${r.min} .. ${r.max}`);
  t.same([r.min, r.max], [27.2, 60.8]);
  t.same(pm.brushRange(axis('optimizer'), 0.4, 1.2), { categories: ['sgd', 'rmsprop'] }, 'clamped to the axis');
  t.equal(pm.brushRange(axis('optimizer'), 0.1, 0.3), null, 'a brush between two categories holds none');
  t.same(pm.rangeSpan(axis('lr'), { min: 1e-4, max: 1e-3 }), [0.25, 0.5], 'a range drawn back where it was brushed');
  t.same(pm.rangeSpan(axis('units'), { min: null, max: 72 }), [0, 0.5], 'an open end reaches the end of the axis');
  t.same(pm.rangeSpan(axis('optimizer'), { categories: ['sgd'] }), [0.25, 0.75], "a category's brush reaches half-way to its neighbours");
  t.equal(pm.rangeSpan(axis('units'), { min: 500, max: 900 }), null, 'a range off the axis draws no brush');
});

t.test('passing: every range must hold (AND across axes); a trial without the parameter fails', async (t) => {
  const pass = (entries: [string, Range][]): number[] => trials.filter((_, i) => pm.passing(trials, new Map(entries))[i]).map((x) => x.trial!);
  t.same(pass([]), [0, 1, 2, 3, 4], 'no range: all');
  t.same(pass([['lr', { min: 1e-4, max: 1e-2 }]]), [1, 2, 3]);
  t.same(pass([['lr', { min: 1e-4, max: 1e-2 }], ['optimizer', { categories: ['adam', 'rmsprop'] }]]), [2, 3], 'two axes: both');
  t.same(pass([['lr', { min: 1e-4, max: 1e-2 }], [pm.OBJECTIVE, { min: 0.85, max: null }]]), [2], 'the objective axis ranges the value');
  t.same(pass([['momentum', { min: 0, max: 1 }]]), [], 'none has momentum');
});

t.test('colour by direction, and the line nearest the pointer', async (t) => {
  t.equal(pm.quality(0.9, 0.5, 0.9, true), 1, 'maximize: the highest is best');
  t.equal(pm.quality(0.9, 0.5, 0.9, false), 0, 'minimize: the highest is worst');
  t.equal(pm.quality(undefined, 0.5, 0.9, true), null);
  t.ok(pm.lightness(1) < pm.lightness(0), 'the best is the darkest');
  const lines: Line[] = [
    { trial: 7, points: [[0, 0], [100, 100]] },
    { trial: 8, points: [[0, 100], [100, 0]] },
    { trial: 9, points: [[0, 50], null, [100, 50]] },
  ];
  t.equal(pm.nearestLine(lines, 20, 22)?.trial, 7);
  t.equal(pm.nearestLine(lines, 20, 78)?.trial, 8);
  t.equal(pm.nearestLine(lines, 50, 50)?.trial, 7, 'a tie goes to the line drawn on top (first)');
  t.equal(pm.nearestLine(lines, 2, 51)?.trial, 9, 'near the point of a line broken by a missing value');
  t.equal(pm.nearestLine(lines, 70, 50, 4), null, 'nothing within reach: none (the broken line has no segment there)');
});

t.test('the page serves the model and the range filters', async (t) => {
  const served = loadDashboard();
  for (const f of ['parallel.js', 'parallel-model.js', 'range-filters.js']) t.ok(served.has(`/${f}`), f);
});
