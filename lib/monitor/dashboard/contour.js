// The contour view: two chosen parameters as the axes, the objective as colour: a grid of cells, each
// coloured by the mean objective of the trials in it (empty cells left blank), the trials on top as
// points coloured by their own value, and a colour bar saying which end is better.
import { binCount, binText, contourGrid } from './trials-model.js';
import { drawAxes, scaleOf } from './plot.js';
import { fmtNum, svgEl, svgText, svgTitle, viridis } from './svg.js';

const PAD = { l: 64, r: 90, t: 12, b: 40 };
const BINS = 10;

/**
 * Draw `ctx` ({ trials, objective, describe }) over parameters px, py (./trials-model.js paramKinds)
 * into `svg` (w × h). Returns { points, cells } (cells: those with trials).
 */
export function drawContour(svg, ctx, px, py, w, h) {
  const { trials, objective: o, describe } = ctx;
  const grid = contourGrid(trials, px, py, o.direction, BINS);
  const values = grid.points.map((q) => q.value);
  const lo = Math.min(...values), hi = Math.max(...values);
  // Yellow is better: the top of the colour bar is the best end.
  const tone = (v) => viridis(hi === lo ? 0.5 : o.direction === 'maximize' ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo));
  const axis = (p, a, b) => (p.kind === 'categorical' ? scaleOf([], a, b, { categories: p.categories }) : scaleOf([p.lo, p.hi], a, b, { log: p.log }));
  const sx = axis(px, PAD.l, w - PAD.r), sy = axis(py, h - PAD.b, PAD.t);
  const cellsG = svgEl('g', { class: 'cells' }, svg);
  // A cell's edges: the bin's bounds (in log space for a log parameter), or the category's band.
  const edges = (p, s, n) => Array.from({ length: n + 1 }, (_, i) => {
    if (p.kind === 'categorical') return s.at(i - 0.5);
    const f = p.log ? Math.log10 : (x) => x, inv = p.log ? (x) => 10 ** x : (x) => x;
    return n === 1 ? s.at(p.lo) + (i ? 20 : -20) : s.at(inv(f(p.lo) + ((f(p.hi) - f(p.lo)) * i) / n));
  });
  const ex = edges(px, sx, binCount(px, BINS)), ey = edges(py, sy, binCount(py, BINS));
  let filled = 0;
  grid.cells.forEach((row, iy) => row.forEach((c, ix) => {
    if (!c.n) return;
    filled++;
    const x = Math.min(ex[ix], ex[ix + 1]), y = Math.min(ey[iy], ey[iy + 1]);
    // The read-out of a cell (./trials-views.js shows data-readout): where it is and what is in it.
    const text = `${px.name} ${binText(px, ix, BINS)} × ${py.name} ${binText(py, iy, BINS)}: ${c.n} trial${c.n > 1 ? 's' : ''}, mean ${o.metric} ${fmtNum(c.mean)}, best ${fmtNum(c.best)}`;
    const r = svgEl('rect', { class: 'cell', x: x.toFixed(1), y: y.toFixed(1), width: Math.abs(ex[ix + 1] - ex[ix]).toFixed(1), height: Math.abs(ey[iy + 1] - ey[iy]).toFixed(1), fill: tone(c.mean), 'data-readout': text }, cellsG);
    svgTitle(r, text);
  }));
  drawAxes(svg, sx, sy, PAD, w, h, px.name, py.name);
  const g = svgEl('g', { class: 'points' }, svg);
  const byTrial = new Map(trials.map((t) => [t.trial, t]));
  const at = (p, s, v) => (p.kind === 'categorical' ? s.at(p.categories.indexOf(String(v))) : s.at(v));
  for (const q of grid.points) {
    const c = svgEl('circle', { class: 'pt', cx: at(px, sx, q.x).toFixed(1), cy: at(py, sy, q.y).toFixed(1), r: 4, fill: tone(q.value), 'data-trial': q.trial }, g);
    svgTitle(c, describe(byTrial.get(q.trial)));
  }
  colourBar(svg, w, h, o, lo, hi);
  return { points: grid.points.length, cells: filled };
}

/** The colour legend at the right: best at the top. */
function colourBar(svg, w, h, o, lo, hi) {
  const g = svgEl('g', { class: 'colour-bar' }, svg);
  const x = w - PAD.r + 18, top = PAD.t + 14, bottom = h - PAD.b, steps = 24;
  const max = o.direction === 'maximize';
  for (let i = 0; i < steps; i++) {
    const y = top + ((bottom - top) * i) / steps;
    svgEl('rect', { x, y: y.toFixed(1), width: 14, height: ((bottom - top) / steps + 0.5).toFixed(1), fill: viridis(1 - i / (steps - 1)) }, g);
  }
  svgText(g, x - 10, PAD.t + 6, `${o.metric} ${max ? '↑' : '↓'}`, { class: 'legend-text' });
  svgText(g, x + 18, top + 10, fmtNum(max ? hi : lo), { class: 'tick colour-best' });
  svgText(g, x + 18, bottom, fmtNum(max ? lo : hi), { class: 'tick colour-worst' });
}
