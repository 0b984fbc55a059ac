// The Pareto view of a multi-objective study: its completed trials as points in the plane of two of its
// objectives (chosen above the plot), the non-dominated front (over all objectives, feasible trials
// only) ringed and joined in order of the horizontal objective, trials that break a constraint drawn
// apart as grey crosses. Pointing at a point reads out its trial, values and parameters.
import { paretoView } from './pareto-model.js';
import { drawAxes, scaleOf } from './plot.js';
import { fmtNum, fmtParams, svgEl, svgText, svgTitle } from './svg.js';

const PAD = { l: 64, r: 20, t: 16, b: 40 };

const arrow = (d) => (d === 'maximize' ? '↑' : '↓');

export function createParetoView(container) {
  const bar = document.createElement('div');
  bar.className = 'view-bar';
  const pick = (label) => {
    const l = document.createElement('label');
    const sel = document.createElement('select');
    l.append(`${label} `, sel);
    bar.append(l);
    return { label: l, sel };
  };
  const runPick = pick('run');
  const xPick = pick('x');
  const yPick = pick('y');
  xPick.sel.id = 'pareto-x';
  yPick.sel.id = 'pareto-y';
  const readout = document.createElement('span');
  readout.id = 'pareto-readout';
  readout.className = 'readout';
  bar.append(readout);
  container.append(bar);
  const svg = svgEl('svg', { class: 'view-svg pareto-svg' }, container);
  const chosen = { run: null, x: 0, y: 1 };
  let onChange = () => {};
  let shown = null; // what is drawn: { view, byTrial } for the read-out
  let drawnKey = null, drawnResult = null; // redrawn only when the trials, the axes or the size changed

  runPick.sel.addEventListener('change', () => { chosen.run = runPick.sel.value; onChange(); });
  xPick.sel.addEventListener('change', () => { chosen.x = Number(xPick.sel.value); onChange(); });
  yPick.sel.addEventListener('change', () => { chosen.y = Number(yPick.sel.value); onChange(); });
  svg.addEventListener('mouseover', (e) => {
    const el = e.target.closest?.('[data-trial]');
    const t = el && shown?.byTrial.get(Number(el.dataset.trial));
    if (t) readout.textContent = describe(t, shown.view);
  });

  const options = (sel, items, value) => {
    const text = items.map((o) => `${o.value}:${o.text}`).join('\n');
    if (sel.dataset.items !== text) { sel.replaceChildren(...items.map((o) => new Option(o.text, o.value))); sel.dataset.items = text; }
    if (sel.value !== String(value)) sel.value = String(value);
  };

  return {
    /** Called when a selector changed (the page redraws). */
    onChange(fn) { onChange = fn; },
    /** m: the page's model. Returns what is drawn: { run, points, front, infeasible }. */
    draw(m) {
      const runs = [...m.pareto.keys()];
      const run = runs.includes(chosen.run) ? chosen.run : runs[runs.length - 1] ?? null;
      runPick.label.hidden = runs.length < 2;
      options(runPick.sel, runs.map((r) => ({ value: r, text: r })), run ?? '');
      const w = svg.clientWidth || container.clientWidth, h = svg.clientHeight || Math.max(120, container.clientHeight - bar.offsetHeight);
      const p = run === null ? null : m.pareto.get(run);
      const key = p && `${run}|${p.version}|${chosen.x}|${chosen.y}|${w}x${h}`;
      if (key !== null && key === drawnKey) return drawnResult;
      drawnKey = key;
      svg.replaceChildren();
      if (run === null) {
        xPick.label.hidden = yPick.label.hidden = true;
        svgText(svg, PAD.l, PAD.t + 30, 'no multi-objective study yet: tap one (study({ directions: [...] })) with monitorTap', { class: 'placeholder' });
        shown = null;
        return { run: null, points: 0, front: 0, infeasible: 0 };
      }
      const v = paretoView(p);
      const n = v.directions.length;
      const objectives = v.metrics.map((name, i) => ({ value: i, text: `${name} ${arrow(v.directions[i])}` }));
      const xi = chosen.x < n ? chosen.x : 0;
      const yi = chosen.y < n && chosen.y !== xi ? chosen.y : xi === 0 ? 1 : 0;
      xPick.label.hidden = yPick.label.hidden = false;
      options(xPick.sel, objectives, xi);
      options(yPick.sel, objectives, yi);
      const all = [...v.feasible, ...v.infeasible];
      const byTrial = new Map(all.map((t) => [t.trial, t]));
      shown = { view: v, byTrial };
      const sx = scaleOf(all.map((t) => t.values[xi]), PAD.l, w - PAD.r, { log: 'auto' });
      const sy = scaleOf(all.map((t) => t.values[yi]), h - PAD.b, PAD.t, { log: 'auto' });
      drawAxes(svg, sx, sy, PAD, w, h, `${v.metrics[xi]} ${arrow(v.directions[xi])} (${v.directions[xi]})`, `${v.metrics[yi]} ${arrow(v.directions[yi])} (${v.directions[yi]})`);
      const onFront = new Set(v.front);
      const line = [...v.front].sort((a, b) => a.values[xi] - b.values[xi] || a.values[yi] - b.values[yi]);
      svgEl('path', { class: 'front-line', d: line.map((t, i) => `${i ? 'L' : 'M'}${sx.at(t.values[xi]).toFixed(1)},${sy.at(t.values[yi]).toFixed(1)}`).join('') }, svg);
      const g = svgEl('g', { class: 'points' }, svg);
      for (const t of v.infeasible) {
        const x = sx.at(t.values[xi]), y = sy.at(t.values[yi]);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        svgTitle(svgEl('path', { class: 'pt infeasible', d: `M${(x - 3.5).toFixed(1)},${(y - 3.5).toFixed(1)}l7,7m0,-7l-7,7`, 'data-trial': t.trial }, g), describe(t, v));
      }
      for (const t of v.feasible) {
        if (onFront.has(t)) continue;
        svgTitle(svgEl('circle', { class: 'pt', cx: sx.at(t.values[xi]).toFixed(1), cy: sy.at(t.values[yi]).toFixed(1), r: 3.5, 'data-trial': t.trial }, g), describe(t, v));
      }
      for (const t of v.front) {
        svgTitle(svgEl('circle', { class: 'pt front', cx: sx.at(t.values[xi]).toFixed(1), cy: sy.at(t.values[yi]).toFixed(1), r: 5, 'data-trial': t.trial }, g), describe(t, v));
      }
      legend(svg, w, v);
      drawnResult = { run, points: all.length, front: v.front.length, infeasible: v.infeasible.length };
      return drawnResult;
    },
  };
}

function describe(t, v) {
  const values = t.values.map((x, i) => `${v.metrics[i]}=${fmtNum(x)}`).join(' ');
  const front = v.front.includes(t) ? ' · on the front' : '';
  const infeasible = t.feasible ? '' : ` · infeasible${t.constraints ? ` (constraints ${t.constraints.map(fmtNum).join(', ')})` : ''}`;
  return `trial ${t.trial}${front}${infeasible} · ${values} · ${fmtParams(t.params)}`;
}

function legend(svg, w, v) {
  const g = svgEl('g', { class: 'legend' }, svg);
  let x = w - PAD.r - 330;
  const items = [['pt front', `Pareto front (${v.front.length})`], ['pt', 'dominated'], ['pt infeasible', `infeasible (${v.infeasible.length})`]];
  for (const [cls, label] of items) {
    if (cls === 'pt infeasible') svgEl('path', { class: cls, d: `M${x + 1.5},${PAD.t + 3.5}l7,7m0,-7l-7,7` }, g);
    else svgEl('circle', { class: cls, cx: x + 5, cy: PAD.t + 7, r: cls === 'pt front' ? 5 : 3.5 }, g);
    svgText(g, x + 14, PAD.t + 11, label, { class: 'legend-text' });
    x += 30 + label.length * 6.3;
  }
}
