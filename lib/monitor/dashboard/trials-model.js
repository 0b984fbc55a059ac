// What the trials views (history, slice, contour: ./trials-views.js) draw, from a run's trials: pure
// functions of plain data, tested in Node (test/monitor/trials-model.test.ts).
import { tickLabel } from './ticks.js';

/**
 * The finished trials of a run with a value: { trial, value, params, state }[], by trial number.
 * rows: the model's series of the run; valueOf(row): its objective's value.
 */
export function finishedTrials(rows, valueOf) {
  const out = [];
  for (const s of rows) {
    if (s.trial === undefined || s.state !== 'completed') continue;
    const value = valueOf(s);
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ trial: s.trial, value, params: s.params || {}, state: s.state });
  }
  return out.sort((a, b) => a.trial - b.trial);
}

/** The best value so far at each trial (trials in trial order), by the direction: [trial, best][]. */
export function bestSoFar(trials, direction) {
  const max = direction === 'maximize';
  let best;
  return trials.map((t) => {
    if (best === undefined || (max ? t.value > best : t.value < best)) best = t.value;
    return [t.trial, best];
  });
}

/**
 * What is known of each parameter from its values: numeric (with `log` when every value is > 0 and
 * they span two decades or more: a log-distributed parameter, as far as its values tell) or categorical
 * (its categories in order of first sight). Parameter names in order of first sight.
 */
export function paramKinds(trials) {
  const values = new Map();
  for (const t of trials) for (const [k, v] of Object.entries(t.params)) {
    if (!values.has(k)) values.set(k, []);
    values.get(k).push(v);
  }
  const out = [];
  for (const [name, vs] of values) {
    if (vs.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      const lo = Math.min(...vs), hi = Math.max(...vs);
      out.push({ name, kind: 'numeric', lo, hi, log: lo > 0 && hi / lo >= 100 });
    } else {
      out.push({ name, kind: 'categorical', categories: [...new Set(vs.map(String))] });
    }
  }
  return out;
}

/** The slice of one parameter: [x, value, trial][] for the trials that have it (x: the category's index when categorical). */
export function slicePoints(trials, p) {
  const out = [];
  for (const t of trials) {
    if (!(p.name in t.params)) continue;
    const v = t.params[p.name];
    out.push([p.kind === 'categorical' ? p.categories.indexOf(String(v)) : v, t.value, t.trial]);
  }
  return out;
}

/** The bin (0..bins-1) of value v of parameter p: equal widths (in log space when log), a category each. */
export function binOf(p, v, bins) {
  if (p.kind === 'categorical') return p.categories.indexOf(String(v));
  const f = p.log ? Math.log10 : (x) => x;
  const lo = f(p.lo), hi = f(p.hi);
  if (hi === lo) return 0;
  return Math.min(bins - 1, Math.max(0, Math.floor(((f(v) - lo) / (hi - lo)) * bins)));
}

/** What bin i of parameter p holds, in words: `0.001–0.01` (numeric, bounds by tickLabel), or its category. */
export function binText(p, i, bins) {
  if (p.kind === 'categorical') return p.categories[i] ?? '';
  if (p.hi === p.lo) return tickLabel(p.lo);
  const f = p.log ? Math.log10 : (x) => x, inv = p.log ? (x) => 10 ** x : (x) => x;
  const at = (k) => inv(f(p.lo) + ((f(p.hi) - f(p.lo)) * k) / bins);
  return `${tickLabel(at(i))}–${tickLabel(at(i + 1))}`;
}

/** How many bins parameter p gets on a contour axis. */
export const binCount = (p, bins) => (p.kind === 'categorical' ? p.categories.length : p.hi === p.lo ? 1 : bins);

/**
 * The contour of value over parameters px and py: a grid of nx × ny cells, each { n, mean, best } of
 * the trials in it (n 0: empty), best by the direction; cells[iy][ix]. And the trials' points.
 */
export function contourGrid(trials, px, py, direction, bins = 10) {
  const nx = binCount(px, bins), ny = binCount(py, bins);
  const cells = Array.from({ length: ny }, () => Array.from({ length: nx }, () => ({ n: 0, mean: NaN, best: NaN, sum: 0 })));
  const points = [];
  const max = direction === 'maximize';
  for (const t of trials) {
    if (!(px.name in t.params) || !(py.name in t.params)) continue;
    const x = t.params[px.name], y = t.params[py.name];
    const c = cells[binOf(py, y, bins)][binOf(px, x, bins)];
    c.n++; c.sum += t.value; c.mean = c.sum / c.n;
    if (c.n === 1 || (max ? t.value > c.best : t.value < c.best)) c.best = t.value;
    points.push({ trial: t.trial, x, y, value: t.value });
  }
  for (const row of cells) for (const c of row) delete c.sum;
  return { nx, ny, cells, points };
}
