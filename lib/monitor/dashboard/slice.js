// The slice view: one small plot per parameter, the objective against the parameter's value, on a log
// axis for a parameter whose values span decades, categories as bands. Pointing at a point reads out
// the trial.
import { paramKinds, slicePoints } from './trials-model.js';
import { drawAxes, scaleOf } from './plot.js';
import { svgEl, svgTitle, viridis } from './svg.js';

const PAD = { l: 56, r: 12, t: 10, b: 36 };

/** Draw `ctx` ({ trials, objective, describe }) into `svg` (w × h), a grid of plots. Returns { plots, points }. */
export function drawSlice(svg, ctx, w, h) {
  const { trials, objective: o, describe } = ctx;
  const kinds = paramKinds(trials);
  const cols = Math.max(1, Math.min(kinds.length, Math.floor(w / 240)));
  const rows = Math.max(1, Math.ceil(kinds.length / cols));
  const cw = w / cols, ch = h / rows;
  const byTrial = new Map(trials.map((t) => [t.trial, t]));
  const last = Math.max(1, ...trials.map((t) => t.trial));
  const points = [];
  kinds.forEach((p, i) => {
    const g = svgEl('g', { class: 'slice', 'data-param': p.name, transform: `translate(${((i % cols) * cw).toFixed(1)},${(Math.floor(i / cols) * ch).toFixed(1)})` }, svg);
    const pts = slicePoints(trials, p);
    const sx = scaleOf(pts.map((q) => q[0]), PAD.l, cw - PAD.r, p.kind === 'categorical' ? { categories: p.categories } : { log: p.log });
    const sy = scaleOf(trials.map((t) => t.value), ch - PAD.b, PAD.t);
    if (sx.categories) {
      sx.categories.forEach((_, k) => {
        if (k % 2) svgEl('rect', { class: 'band', x: (sx.at(k) - sx.band / 2).toFixed(1), y: PAD.t, width: sx.band.toFixed(1), height: Math.max(0, ch - PAD.b - PAD.t).toFixed(1) }, g);
      });
    }
    drawAxes(g, sx, sy, PAD, cw, ch, p.name, o.metric);
    const dots = svgEl('g', { class: 'points' }, g);
    for (const [x, v, trial] of pts) {
      // Within a band the points spread a little, by trial number, so that equal ones stay apart.
      const jitter = sx.categories ? ((trial * 0.618) % 1 - 0.5) * sx.band * 0.5 : 0;
      const c = svgEl('circle', { class: 'pt', cx: (sx.at(x) + jitter).toFixed(1), cy: sy.at(v).toFixed(1), r: 3, fill: viridis(trial / last), 'data-trial': trial }, dots);
      svgTitle(c, describe(byTrial.get(trial)));
    }
    points.push(pts.length);
  });
  return { plots: kinds.length, points };
}
