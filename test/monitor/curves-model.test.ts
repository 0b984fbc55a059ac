// The curves chart's data (lib/monitor/dashboard/curves-model.js, a plain file: the page has no build
// step): TensorBoard's debiased EMA smoothing, the x of a point by epoch / wall time / relative time,
// the point nearest the pointer, and what "download" saves (CSV and JSON of the shown curves).
import t from 'tap';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = join(fileURLToPath(new URL('../../', import.meta.url)), 'lib', 'monitor', 'dashboard');
type P = number[];
type Row = Record<string, unknown>;
const load = async () => (await import(pathToFileURL(join(dir, 'curves-model.js')).href)) as {
  againstX(points: P[], axis: string): P[];
  emaSmooth(points: P[], w: number): P[];
  nearest(curves: { key: string; points: P[] }[], X: (x: number) => number, Y: (y: number) => number, mx: number, my: number, radius?: number): { key: string; index: number; x: number; y: number } | null;
  exportRows(curves: { run: string; trial?: number; member?: number; points: P[]; smoothed?: P[] | null }[], metric: string): Row[];
  toCSV(rows: Row[]): string;
  toJSON(rows: Row[], o: { metric: string; smoothing: number; x: string }): string;
};

t.test("emaSmooth is TensorBoard's debiased EMA", async (t) => {
  const cm = await load();
  const pts = [[1, 1], [2, 2], [3, 3]];
  const s = cm.emaSmooth(pts, 0.5);
  // last = last·w + (1−w)·v, divided by 1 − w^n: 0.5/0.5, 1.25/0.75, 2.125/0.875.
  t.same(s.map((p) => p[0]), [1, 2, 3], 'x kept');
  for (const [i, want] of [1, 5 / 3, 2.125 / 0.875].entries()) t.ok(Math.abs(s[i]![1]! - want) < 1e-12, `point ${i}: ${s[i]![1]} = ${want}`);
  t.equal(cm.emaSmooth(pts, 0), pts, 'weight 0: the points themselves');
  t.same(cm.emaSmooth([[0, 2], [1, 2], [2, 2]], 0.9), [[0, 2], [1, 2], [2, 2]], 'a constant series stays as it is');
  const withNaN = cm.emaSmooth([[0, 1], [1, Number.NaN], [2, 3]], 0.5);
  t.ok(Number.isNaN(withNaN[1]![1]), 'a NaN passes through');
  t.ok(Math.abs(withNaN[2]![1]! - 1.75 / 0.75) < 1e-12, '... and does not count in the average');
  const heavy = cm.emaSmooth(Array.from({ length: 200 }, (_, i) => [i, i % 2]), 0.99);
  t.ok(Math.abs(heavy[199]![1]! - 0.5) < 0.05, 'heavy smoothing of 0,1,0,1… tends to 0.5');
});

t.test('againstX: epoch, wall time, time since the series began', async (t) => {
  const cm = await load();
  const pts = [[1, 0.5, 1000], [2, 0.4, 4000], [3, 0.3]];
  t.same(cm.againstX(pts, 'epoch'), [[1, 0.5], [2, 0.4], [3, 0.3]]);
  t.same(cm.againstX(pts, 'wall'), [[1000, 0.5], [4000, 0.4]], 'a point without a time is left out of the time axes');
  t.same(cm.againstX(pts, 'relative'), [[0, 0.5], [3000, 0.4]]);
});

t.test('nearest: the closest point in pixels, within the radius', async (t) => {
  const cm = await load();
  const X = (x: number) => x * 10, Y = (y: number) => 100 - y * 100;
  const curves = [{ key: 'a', points: [[0, 0.5], [1, 0.6]] }, { key: 'b', points: [[0, 0.1], [1, 0.9]] }];
  t.match(cm.nearest(curves, X, Y, 11, 12), { key: 'b', index: 1, x: 1, y: 0.9 });
  t.match(cm.nearest(curves, X, Y, 1, 49), { key: 'a', index: 0 });
  t.equal(cm.nearest(curves, X, Y, 500, 500), null, 'nothing near');
});

t.test('what a download holds: every shown point, smoothed when smoothing', async (t) => {
  const cm = await load();
  const curves = [
    { run: 'study, "a"', trial: 3, points: [[1, 0.5, Date.UTC(2026, 0, 1)], [2, 0.25, Date.UTC(2026, 0, 1, 0, 0, 5)]], smoothed: [[1, 0.5], [2, 1 / 3]] },
    { run: 'pbt', member: 1, points: [[1, 2]], smoothed: [[1, 2]] },
  ];
  const rows = cm.exportRows(curves, 'val_loss');
  t.same(rows, [
    { run: 'study, "a"', trial: 3, member: null, metric: 'val_loss', epoch: 1, time: '2026-01-01T00:00:00.000Z', value: 0.5, smoothed: 0.5 },
    { run: 'study, "a"', trial: 3, member: null, metric: 'val_loss', epoch: 2, time: '2026-01-01T00:00:05.000Z', value: 0.25, smoothed: 1 / 3 },
    { run: 'pbt', trial: null, member: 1, metric: 'val_loss', epoch: 1, time: null, value: 2, smoothed: 2 },
  ]);
  t.equal(cm.toCSV(rows), [
    'run,trial,member,metric,epoch,time,value,smoothed',
    '"study, ""a""",3,,val_loss,1,2026-01-01T00:00:00.000Z,0.5,0.5',
    `"study, ""a""",3,,val_loss,2,2026-01-01T00:00:05.000Z,0.25,${1 / 3}`,
    'pbt,,1,val_loss,1,,2,2',
    '',
  ].join('\n'), 'CSV: a header, a line per point, quoted where needed');
  const plain = cm.exportRows([{ run: 'r', points: [[1, 0.5]], smoothed: null }], 'loss');
  t.equal(cm.toCSV(plain), 'run,trial,member,metric,epoch,time,value\nr,,,loss,1,,0.5\n', 'no smoothed column without smoothing');
  t.same(JSON.parse(cm.toJSON(rows, { metric: 'val_loss', smoothing: 0.6, x: 'epoch' })), { metric: 'val_loss', smoothing: 0.6, x: 'epoch', rows }, 'JSON: the same rows and how they were shown');
});
