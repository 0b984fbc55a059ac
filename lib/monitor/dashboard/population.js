// The population view of an evolve run: one column per generation, one dot per member at its fitness
// (its trial's value), the best of each generation ringed in black and joined by a line. Generations
// are SVG groups redrawn only when one of their members changed (a member ends, a value moves); the
// whole picture only when the scales change (they grow with head-room). A generation with more members
// than its share of MAX_DOTS shows an even sample by rank, its best and worst included.
import { fmtNum, fmtParams, niceCeil, setAttrs, svgEl, svgText, svgTitle } from './svg.js';

const PAD = { l: 56, r: 16, t: 30, b: 32 };
const MAX_DOTS = 6000;

export function createPopulationView(container) {
  const svg = svgEl('svg', { class: 'view-svg population-svg' }, container);
  const gAxes = svgEl('g', { class: 'axes' }, svg);
  const gGens = svgEl('g', { class: 'generations' }, svg);
  const bestLine = svgEl('path', { class: 'best-line', d: '' }, svg);
  const gLegend = svgEl('g', { class: 'legend' }, svg);
  let shownRun = null;
  let layout = null;
  let scale = null; // { y0, y1, gMax }
  let groups = [];

  const legend = () => {
    gLegend.replaceChildren();
    let x = PAD.l + 170;
    for (const [cls, label] of [['random', 'random'], ['offspring', 'offspring'], ['elite', 'elite'], ['pruned', 'pruned'], ['running', 'running'], ['best', 'best of generation']]) {
      svgEl('circle', { cx: x + 5, cy: 14, r: cls === 'best' ? 5 : 4, class: `member ${cls === 'pruned' || cls === 'running' ? cls : `completed ${cls}`}${cls === 'best' ? ' best' : ''}` }, gLegend);
      svgText(gLegend, x + 14, 18, label, { class: 'legend-text' });
      x += 26 + label.length * 6.3;
    }
  };

  const reset = () => {
    groups = [];
    gGens.replaceChildren();
    gAxes.replaceChildren();
    bestLine.setAttribute('d', '');
    layout = null;
    scale = null;
  };

  return {
    /**
     * p: the run's population model (or undefined); valueOf(trial) → { value, state } of its trial;
     * maximize: whether higher is better. Returns what is drawn: { generations, dots }.
     */
    draw(p, valueOf, maximize) {
      const w = container.clientWidth, h = container.clientHeight;
      if (!p || p.generations.length === 0) {
        reset();
        shownRun = null;
        svgText(gAxes, PAD.l, PAD.t + 30, 'no population yet: tap an evolve() stream with monitorTap', { class: 'placeholder' });
        return { generations: 0, dots: 0 };
      }
      if (shownRun !== p.run) { reset(); shownRun = p.run; }
      const G = p.generations.length;
      let lo = Infinity, hi = -Infinity;
      const gens = [];
      for (let g = 0; g < G; g++) {
        const rows = (p.generations[g]?.members || []).map((x) => {
          const v = valueOf(x.trial) || {};
          const value = typeof v.value === 'number' && Number.isFinite(v.value) ? v.value : undefined;
          if (value !== undefined) { lo = Math.min(lo, value); hi = Math.max(hi, value); }
          return { x, value, state: v.state || 'running' };
        });
        gens.push(rows);
      }
      if (lo === Infinity) { lo = 0; hi = 1; }
      // Positive values over more than two decades (a loss, a distance) are read on a log scale.
      const log = lo > 0 && hi / lo > 100;
      const f = log ? Math.log10 : (v) => v;
      const flo = f(lo), fhi = f(hi);
      const span = fhi - flo || Math.abs(fhi) || 1;
      const fits = scale && scale.log === log && flo >= scale.y0 && fhi <= scale.y1 && scale.y1 - scale.y0 < 4 * span && G <= scale.gMax;
      if (!fits) scale = { y0: flo - span * 0.08, y1: fhi + span * 0.08, gMax: Math.ceil(niceCeil(G)), log };
      const key = `${w}x${h}|${scale.y0}|${scale.y1}|${scale.gMax}|${maximize}|${log}`;
      const full = key !== layout;
      const plotW = w - PAD.l - PAD.r, plotH = h - PAD.t - PAD.b;
      const band = plotW / scale.gMax;
      const X = (g) => PAD.l + (g + 0.5) * band;
      const Y = (v) => PAD.t + (1 - (f(v) - scale.y0) / (scale.y1 - scale.y0 || 1)) * plotH;
      if (full) {
        layout = key;
        gAxes.replaceChildren();
        legend();
        for (let i = 0; i <= 5; i++) {
          const fv = scale.y0 + ((scale.y1 - scale.y0) * i) / 5;
          const v = log ? 10 ** fv : fv, y = Y(v);
          svgEl('line', { x1: PAD.l, x2: w - PAD.r, y1: y, y2: y, class: 'grid' }, gAxes);
          svgText(gAxes, PAD.l - 4, y + 4, fmtNum(Number(v.toPrecision(3))), { class: 'tick', 'text-anchor': 'end' });
        }
        const every = Math.max(1, Math.ceil(28 / band));
        for (let g = 0; g < scale.gMax; g += every) svgText(gAxes, X(g), h - PAD.b + 14, String(g), { class: 'tick', 'text-anchor': 'middle' });
        svgText(gAxes, PAD.l, h - 4, 'generation', { class: 'axis-title' });
        svgText(gAxes, 10, 18, `fitness${log ? ' (log)' : ''}, ${maximize ? 'higher' : 'lower'} is better`, { class: 'axis-title' });
        for (const grp of groups) if (grp) grp.sig = null;
      }
      const cap = Math.max(8, Math.floor(MAX_DOTS / G));
      const better = (a, b) => (maximize ? a > b : a < b);
      const bests = [];
      let dots = 0;
      for (let g = 0; g < G; g++) {
        const rows = gens[g];
        let best = null;
        for (const r of rows) if (r.state === 'completed' && r.value !== undefined && (!best || better(r.value, best.value))) best = r;
        if (best) bests.push([X(g), Y(best.value)]);
        const sig = rows.map((r) => `${r.x.trial}:${r.state}:${r.value}`).join(',') + `|${best ? best.x.trial : ''}`;
        let grp = groups[g];
        if (!grp) {
          grp = groups[g] = { el: svgEl('g', { class: 'generation', 'data-generation': g }, gGens), sig: null, shown: 0 };
        }
        if (grp.sig !== sig) {
          grp.sig = sig;
          grp.shown = drawGeneration(grp.el, g, rows, best, cap, X(g), band, Y, h - PAD.b - 6);
        }
        dots += grp.shown;
      }
      for (let g = G; g < groups.length; g++) groups[g]?.el.remove();
      groups.length = G;
      setAttrs(bestLine, { d: bests.map((p, i) => `${i ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('') });
      return { generations: G, dots };
    },
  };
}

function drawGeneration(el, g, rows, best, cap, cx, band, Y, bottom) {
  el.replaceChildren();
  let shown = rows;
  if (rows.length > cap) {
    // An even sample by rank (valued ones first), keeping the best.
    const sorted = [...rows].sort((a, b) => (a.value === undefined) - (b.value === undefined) || (a.value ?? 0) - (b.value ?? 0));
    const pick = new Set([best].filter(Boolean));
    for (let i = 0; i < cap - 1; i++) pick.add(sorted[Math.round((i * (sorted.length - 1)) / (cap - 2))]);
    shown = [...pick];
  }
  el.setAttribute('data-members', String(rows.length));
  el.setAttribute('data-shown', String(shown.length));
  const spread = Math.min(band * 0.7, rows.length * 7);
  for (const r of shown) {
    const x = cx + (rows.length > 1 ? ((r.x.index + 0.5) / rows.length - 0.5) * spread : 0);
    const origin = r.x.origin || 'random';
    const about = `trial ${r.x.trial} · generation ${g} · ${origin}${r.x.parents && r.x.parents.length ? ` of #${r.x.parents.join(', #')}` : ''}\n${r.state}${r.value !== undefined ? ` ${fmtNum(r.value)}` : ''}\n${fmtParams(r.x.params)}`;
    let dot;
    if (r.value === undefined) {
      // No fitness (failed, or running without a value yet): a mark on the floor of the plot.
      dot = svgEl('path', { d: `M${(x - 3).toFixed(1)},${bottom - 3}l6,6m0,-6l-6,6`, class: `member nofit ${r.state}`, 'data-trial': r.x.trial }, el);
    } else {
      dot = svgEl('circle', { cx: x.toFixed(1), cy: Y(r.value).toFixed(1), r: r === best ? 5 : 3.5, class: `member ${r.state} ${origin}${r === best ? ' best' : ''}`, 'data-trial': r.x.trial }, el);
    }
    svgTitle(dot, about);
  }
  return shown.length;
}
