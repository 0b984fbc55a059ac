// Scales and axes of the SVG plots (Pareto front, history, slice, contour): round ticks (./ticks.js),
// a log scale where asked, categories as bands, and axis titles naming what is drawn.
import { svgEl, svgText } from './svg.js';
import { tickLabel, ticksFor } from './ticks.js';

/**
 * A map of values onto pixels [a, b] with 6% head-room. opts.log: true, false, or 'auto' (positive values
 * over two decades or more); opts.categories: names, drawn as bands (value = index).
 */
export function scaleOf(values, a, b, opts = {}) {
  if (opts.categories) {
    const n = Math.max(1, opts.categories.length);
    return { log: false, categories: opts.categories, lo: -0.5, hi: n - 0.5, at: (i) => a + ((i + 0.5) / n) * (b - a), band: Math.abs(b - a) / n };
  }
  const fin = values.filter(Number.isFinite);
  const lo = fin.length ? Math.min(...fin) : 0, hi = fin.length ? Math.max(...fin) : 1;
  const log = opts.log === 'auto' ? lo > 0 && hi / lo >= 100 : !!opts.log && lo > 0;
  const f = log ? Math.log10 : (x) => x;
  let flo = f(lo), fhi = f(hi);
  const span = fhi - flo || Math.abs(fhi) || 1;
  flo -= span * 0.06; fhi += span * 0.06;
  const inv = (fx) => (log ? 10 ** fx : fx);
  return { log, lo: inv(flo), hi: inv(fhi), at: (x) => a + ((f(x) - flo) / (fhi - flo)) * (b - a) };
}

/** Grid, round ticks and titles of a plot in box { l, r, t, b } (pixels from the SVG's edges) of a w × h SVG. */
export function drawAxes(svg, sx, sy, box, w, h, xTitle, yTitle) {
  const g = svgEl('g', { class: 'axes' }, svg);
  const x0 = box.l, x1 = w - box.r, y0 = box.t, y1 = h - box.b;
  const ticks = (s) => (s.categories ? s.categories.map((_, i) => i) : ticksFor(s.lo, s.hi, s.log, 5));
  const label = (s, v) => (s.categories ? short(String(s.categories[v])) : tickLabel(v));
  for (const v of ticks(sy)) {
    const y = sy.at(v);
    svgEl('line', { x1: x0, x2: x1, y1: y, y2: y, class: 'grid' }, g);
    svgText(g, x0 - 4, y + 4, label(sy, v), { class: 'tick', 'text-anchor': 'end' });
  }
  for (const v of ticks(sx)) {
    const x = sx.at(v);
    svgEl('line', { x1: x, x2: x, y1: y0, y2: y1, class: 'grid' }, g);
    svgText(g, x, y1 + 14, label(sx, v), { class: 'tick', 'text-anchor': 'middle' });
  }
  svgText(g, (x0 + x1) / 2, h - 6, `${xTitle}${sx.log ? ' (log)' : ''}`, { class: 'axis-title x-title', 'text-anchor': 'middle' });
  svgText(g, 0, 0, `${yTitle}${sy.log ? ' (log)' : ''}`, { class: 'axis-title y-title', 'text-anchor': 'middle', transform: `translate(12,${(y0 + y1) / 2}) rotate(-90)` });
  return g;
}

const short = (s) => (s.length > 10 ? `${s.slice(0, 9)}…` : s);
