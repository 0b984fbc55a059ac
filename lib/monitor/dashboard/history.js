// The history view: a study's finished trials, objective against trial number, and the best value so
// far as a step line (the best by the run's direction). Pointing at a point reads out the trial.
import { bestSoFar } from './trials-model.js';
import { drawAxes, scaleOf } from './plot.js';
import { svgEl, svgText, svgTitle } from './svg.js';

const PAD = { l: 64, r: 20, t: 22, b: 40 };

/** Draw `ctx` ({ trials, objective, describe }) into `svg` (w × h). Returns { points, best }. */
export function drawHistory(svg, ctx, w, h) {
  const { trials, objective: o, describe } = ctx;
  const best = bestSoFar(trials, o.direction);
  const sx = scaleOf(trials.map((t) => t.trial), PAD.l, w - PAD.r);
  const sy = scaleOf(trials.map((t) => t.value), h - PAD.b, PAD.t, { log: ctx.log });
  drawAxes(svg, sx, sy, PAD, w, h, 'trial', `${o.metric} ${o.direction === 'maximize' ? '↑' : '↓'}`);
  // A step line: the best holds until a trial beats it.
  let d = '';
  best.forEach(([trial, v], i) => {
    const x = sx.at(trial).toFixed(1), y = sy.at(v).toFixed(1);
    d += i === 0 ? `M${x},${y}` : `H${x}V${y}`;
  });
  if (best.length) d += `H${(w - PAD.r).toFixed(1)}`;
  svgEl('path', { class: 'best-line', d }, svg);
  const g = svgEl('g', { class: 'points' }, svg);
  const bestValue = best.length ? best[best.length - 1][1] : undefined;
  for (const t of trials) {
    const c = svgEl('circle', { class: t.value === bestValue ? 'pt best' : 'pt', cx: sx.at(t.trial).toFixed(1), cy: sy.at(t.value).toFixed(1), r: 3.5, 'data-trial': t.trial }, g);
    svgTitle(c, describe(t));
  }
  const lg = svgEl('g', { class: 'legend' }, svg);
  const x = Math.max(PAD.l, w - PAD.r - 280);
  svgEl('circle', { class: 'pt', cx: x + 5, cy: 10, r: 3.5 }, lg);
  svgText(lg, x + 14, 14, o.metric, { class: 'legend-text' });
  svgEl('path', { class: 'best-line', d: `M${x + 110},10h18` }, lg);
  svgText(lg, x + 134, 14, `best so far (${o.direction})`, { class: 'legend-text' });
  return { points: trials.length, best: bestValue };
}
