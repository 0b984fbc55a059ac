// What the parameters view (parallel coordinates, ./parallel.js) draws and selects, as pure functions
// of plain data, tested in Node (test/monitor/parallel-model.test.ts): its axes (log for a parameter
// whose values span two decades or more, as ./trials-model.js paramKinds decides for the slice and
// contour), where a value sits on an axis and back, what a brush drawn on an axis selects, the trials
// that pass every brush, the colour of a line and the line nearest the pointer.
import { inRange, rowInRanges } from './table-filter.js';
import { ticksFor } from './ticks.js';
import { paramKinds } from './trials-model.js';

/** The objective's axis is named `value`, as the table's filter calls it. */
export const OBJECTIVE = 'value';

/**
 * The axes of `trials` ({ params, value }[]): one per parameter (in order of first sight), then the
 * objective's (titled `title`). Each: { name, title, kind: 'numeric' | 'categorical', lo, hi, log,
 * categories, objective }.
 */
export function parallelAxes(trials, title = 'objective') {
  const rows = trials.filter((t) => t.params && Object.keys(t.params).length);
  const axes = paramKinds(rows).map((p) => ({ ...p, title: p.name, objective: false }));
  const values = rows.map((t) => t.value).filter((v) => typeof v === 'number' && Number.isFinite(v));
  const lo = values.length ? Math.min(...values) : 0, hi = values.length ? Math.max(...values) : 1;
  axes.push({ name: OBJECTIVE, title, kind: 'numeric', lo, hi, log: lo > 0 && hi / lo >= 100, objective: true });
  return axes;
}

const f = (a) => (a.log ? Math.log10 : (x) => x);

/** Where value v sits on axis a: 0 (bottom) to 1 (top), or null (no value, or not one of its kind). */
export function axisPosition(a, v) {
  if (v === undefined || v === null) return null;
  if (a.kind === 'categorical') {
    const i = a.categories.indexOf(String(v));
    return i < 0 ? null : a.categories.length === 1 ? 0.5 : i / (a.categories.length - 1);
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || (a.log && v <= 0)) return null;
  if (a.hi === a.lo) return 0.5;
  return (f(a)(v) - f(a)(a.lo)) / (f(a)(a.hi) - f(a)(a.lo));
}

/** The value at position p (0..1) of a numeric axis: the inverse of axisPosition. */
export function axisValue(a, p) {
  if (a.hi === a.lo) return a.lo;
  const x = f(a)(a.lo) + p * (f(a)(a.hi) - f(a)(a.lo));
  return a.log ? 10 ** x : x;
}

/** A bound from a brush: 3 significant digits, rounded outwards so the brushed line stays in. */
function roundBound(v, up) {
  v = Number(v.toPrecision(12)); // 10 ** -3 is 0.0010000000000000002: not a reason to round up to 0.00101
  if (v === 0) return 0;
  const step = 10 ** (Math.floor(Math.log10(Math.abs(v))) - 2);
  const k = Number((v / step).toPrecision(12)); // 0.001 / 1e-5 is 100.00000000000001
  return Number(((up ? Math.ceil(k) : Math.floor(k)) * step).toPrecision(3));
}

/**
 * The range a brush from position p0 to p1 on axis a selects: { min, max } on a numeric axis (3
 * significant digits), { categories } (those inside it) on a categorical one; null if it holds none.
 */
export function brushRange(a, p0, p1) {
  const lo = Math.max(0, Math.min(p0, p1)), hi = Math.min(1, Math.max(p0, p1));
  if (a.kind === 'categorical') {
    const categories = a.categories.filter((c) => { const p = axisPosition(a, c); return p >= lo - 1e-9 && p <= hi + 1e-9; });
    return categories.length ? { categories } : null;
  }
  return { min: roundBound(axisValue(a, lo), false), max: roundBound(axisValue(a, hi), true) };
}

/**
 * Where a range lies on axis a, to draw its brush: [p0, p1] within 0..1 (a category's brush reaches
 * half-way to its neighbours), or null when none of the axis is in it.
 */
export function rangeSpan(a, range) {
  if (a.kind === 'categorical') {
    const ps = a.categories.filter((c) => inRange(c, range)).map((c) => axisPosition(a, c));
    if (!ps.length) return null;
    const half = a.categories.length > 1 ? 0.5 / (a.categories.length - 1) : 0.5;
    return [Math.max(0, Math.min(...ps) - half), Math.min(1, Math.max(...ps) + half)];
  }
  if (range.categories) return null;
  const at = (v, dflt) => (v === null ? dflt : a.log && v <= 0 ? 0 : axisPosition(a, v));
  const p0 = Math.max(0, at(range.min, 0)), p1 = Math.min(1, at(range.max, 1));
  return p0 <= p1 ? [p0, p1] : null;
}

/** Which of `trials` ({ params, value }) pass every range (a Map: axis name → range): a boolean each. */
export const passing = (trials, ranges) => trials.map((t) => rowInRanges(t, ranges));

/** Round tick values of axis a: powers of ten on a log axis, 1, 2, 5 × 10^k steps else; its categories. */
export function axisTicks(a) {
  if (a.kind === 'categorical') return a.categories;
  if (a.hi === a.lo) return [a.lo];
  const ticks = ticksFor(a.lo, a.hi, a.log, a.log ? 6 : 5);
  return ticks.length ? ticks : [a.lo, a.hi];
}

/**
 * How good a value is, 0 (worst) to 1 (best) over [lo, hi] by the direction; null without a value.
 * The line's colour: the better, the darker and more opaque (lightness 80% → 30%).
 */
export function quality(v, lo, hi, maximize) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  if (hi === lo) return 1;
  return maximize ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo);
}
export const lightness = (q) => Math.round(80 - q * 50);
export const lineColour = (q) => `hsla(220, 75%, ${lightness(q)}%, ${(0.25 + 0.7 * q).toFixed(2)})`;

/** Distance from point (x, y) to the segment from a to b (each [x, y]). */
function segmentDistance(x, y, a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len));
  return Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy));
}

/**
 * The line nearest (x, y) within `within` pixels, or null. lines: { points: ([x, y] | null)[], ... }
 * (null: the trial has no value on that axis; the line breaks there). Earlier lines win ties, so pass
 * the ones drawn on top first.
 */
export function nearestLine(lines, x, y, within = 8) {
  let best = null, bestD = within;
  for (const line of lines) {
    const pts = line.points;
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i];
      if (!a) continue;
      const b = pts[i + 1];
      const d = b ? segmentDistance(x, y, a, b) : Math.hypot(x - a[0], y - a[1]);
      if (d < bestD) { bestD = d; best = line; }
    }
  }
  return best;
}
