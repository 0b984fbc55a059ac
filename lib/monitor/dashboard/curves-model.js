// What the curves chart shows, as plain data (tested in Node: test/monitor/curves-model.test.ts): the
// x of a point by epoch, wall time or time since its series began, TensorBoard's smoothing, the point
// nearest the pointer, and the shown curves as CSV and JSON.

/** The x axes a curve can be drawn against. A metric point is [epoch, value, time ms]. */
export const X_AXES = { epoch: 'epoch', wall: 'wall time', relative: 'relative time' };

/**
 * The points of one series as [x, y]: x the epoch, the time the epoch ended (ms since 1970), or the ms
 * since the series' first point. A point without a time is left out of the two time axes.
 */
export function againstX(points, axis) {
  if (axis === 'epoch') return points.map((p) => [p[0], p[1]]);
  const timed = points.filter((p) => typeof p[2] === 'number');
  const t0 = axis === 'relative' && timed.length ? timed[0][2] : 0;
  return timed.map((p) => [p[2] - t0, p[1]]);
}

/**
 * TensorBoard's smoothing: an exponential moving average of weight w (0: none, 0.99: heavy), debiased
 * so that the first points are not pulled towards zero. Non-finite values pass through unsmoothed; a
 * constant series stays as it is.
 */
export function emaSmooth(points, w) {
  if (!(w > 0) || points.length === 0) return points;
  const ys = points.map((p) => p[1]).filter(Number.isFinite);
  if (ys.every((y) => y === ys[0])) return points;
  let last = 0, n = 0;
  return points.map((p) => {
    const v = p[1];
    if (!Number.isFinite(v)) return [p[0], v];
    last = last * w + (1 - w) * v;
    n++;
    return [p[0], last / (1 - w ** n)];
  });
}

/**
 * The point nearest pixel (mx, my) within `radius` px over curves { key, points: [x, y][] }, with
 * X, Y mapping x and y to pixels: { key, index, x, y, d } or null.
 */
export function nearest(curves, X, Y, mx, my, radius = 24) {
  let best = null;
  for (const c of curves) {
    const pts = c.points;
    for (let i = 0; i < pts.length; i++) {
      const dx = X(pts[i][0]) - mx, dy = Y(pts[i][1]) - my;
      const d = Math.hypot(dx, dy);
      if (d <= radius && (!best || d < best.d)) best = { key: c.key, index: i, x: pts[i][0], y: pts[i][1], d };
    }
  }
  return best;
}

/**
 * What is shown, as rows: one per point of each shown curve { run, trial, member, metric, epoch, time,
 * value, smoothed } (smoothed only when smoothing is on). curves: { run, trial?, member?, points:
 * [epoch, value, time][], smoothed?: [x, y][] } (smoothed aligned with points).
 */
export function exportRows(curves, metric) {
  const out = [];
  for (const c of curves) c.points.forEach((p, i) => {
    const row = { run: c.run, trial: c.trial ?? null, member: c.member ?? null, metric, epoch: p[0], time: typeof p[2] === 'number' ? new Date(p[2]).toISOString() : null, value: p[1] };
    if (c.smoothed) row.smoothed = c.smoothed[i]?.[1] ?? null;
    out.push(row);
  });
  return out;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
const field = (v) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Rows (exportRows) as CSV with a header line. */
export function toCSV(rows) {
  const cols = ['run', 'trial', 'member', 'metric', 'epoch', 'time', 'value'];
  if (rows.some((r) => 'smoothed' in r)) cols.push('smoothed');
  return [cols.join(','), ...rows.map((r) => cols.map((c) => field(r[c])).join(','))].join('\n') + '\n';
}

/** Rows (exportRows) as JSON: { metric, smoothing, x, rows }. */
export function toJSON(rows, { metric, smoothing, x }) {
  return JSON.stringify({ metric, smoothing, x, rows }, null, 1);
}
