// The parameters view: parallel coordinates of one run's trials, with brushing. One vertical axis per
// parameter (log with powers of ten when its values span two decades or more; choices as named stops)
// and one for the objective, one line per trial, coloured by the objective (the better by the run's
// direction, the darker; the legend at the right says which end is best), pruned ones dashed, failed
// ones red, the best in black.
// Drag along an axis to keep the trials inside the range (several axes: all of them); click the axis
// outside its brush, or double-click it, to drop that range; `clear` drops them all. The ranges are the
// table's (./table-filter.js createRanges): the table keeps the same trials, and its min and max fields
// show and edit the same ranges. Lines outside them are dimmed; the bar counts those inside. Pointing
// at a line reads out its trial, objective and parameters; clicking it opens its row's detail.
// Lines are drawn on a canvas (a thousand trials redraw fast); axes, brushes and legend are SVG.
import { axisPosition, axisTicks, brushRange, lightness, lineColour, nearestLine, parallelAxes, passing, quality, rangeSpan } from './parallel-model.js';
import { rangeText } from './table-filter.js';
import { fmtNum, fmtParams, svgEl, svgText, svgTitle } from './svg.js';
import { tickLabel } from './ticks.js';
import { createViewBar } from './view-panel.js';

const PAD = { l: 46, r: 120, t: 34, b: 18 };
const DIM = 'rgba(148, 163, 184, .22)';

/**
 * container: the view's panel, holding `canvas`. ranges: the shared ranges (createRanges).
 * onPick(key): a line was clicked (its row's key).
 */
export function createParallelView(container, canvas, ranges, onPick = () => {}) {
  container.classList.add('parallel-view');
  // The bar (count, clear, read-out) above the plot's area, which takes the canvas and the SVG over it.
  const { bar, readout } = createViewBar(container, 'parallel-readout');
  bar.classList.add('parallel-bar');
  const count = document.createElement('span');
  count.id = 'parallel-count';
  const clear = document.createElement('button');
  clear.type = 'button';
  clear.id = 'parallel-clear';
  clear.textContent = 'clear selection';
  clear.hidden = true;
  bar.insertBefore(count, readout);
  bar.insertBefore(clear, readout);
  const area = document.createElement('div');
  area.className = 'parallel-area';
  container.append(area);
  area.append(canvas);
  const svg = svgEl('svg', { class: 'parallel-svg' }, area);
  clear.addEventListener('click', () => ranges.clear());

  let shown = null; // the last drawing: { axes, x, y, lines (top first), byTrial, objective, w, h }
  let drawnKey = null, result = { lines: [], shown: 0, total: 0, axes: [] };
  let hover = null; // the trial under the pointer
  let drag = null; // { axis, x, p0, p1, el }

  const posAt = (py) => 1 - (py - PAD.t) / Math.max(1, shown.h - PAD.t - PAD.b);
  const local = (e) => { const r = svg.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  const axisAt = (el) => el?.closest?.('[data-axis]') && shown?.axes.find((a) => a.name === el.closest('[data-axis]').dataset.axis);

  svg.addEventListener('pointerdown', (e) => {
    const a = axisAt(e.target);
    if (!a || e.button !== 0) return;
    e.preventDefault(); // no text selection; and so no blur: a range field left focused would not show the brush
    document.activeElement?.blur?.();
    setHover(null);
    svg.setPointerCapture(e.pointerId);
    const [, py] = local(e);
    const xi = shown.x(shown.axes.indexOf(a));
    drag = { axis: a, p0: posAt(py), p1: posAt(py), moved: false, el: svgEl('rect', { class: 'brush drawing', x: xi - 7, width: 14, y: py, height: 0 }, svg) };
  });
  svg.addEventListener('pointermove', (e) => {
    const [px, py] = local(e);
    if (drag) {
      drag.p1 = posAt(py);
      if (Math.abs(drag.p1 - drag.p0) * (shown.h - PAD.t - PAD.b) >= 3) drag.moved = true;
      const [lo, hi] = [Math.max(0, Math.min(drag.p0, drag.p1)), Math.min(1, Math.max(drag.p0, drag.p1))];
      drag.el.setAttribute('y', String(shown.y(hi)));
      drag.el.setAttribute('height', String(Math.max(0, shown.y(lo) - shown.y(hi))));
      return;
    }
    if (!shown) return;
    const line = nearestLine(shown.lines, px, py);
    setHover(line ? line.trial : null);
  });
  svg.addEventListener('pointerleave', () => { if (!drag) setHover(null); });
  svg.addEventListener('pointerup', (e) => {
    if (!drag) return;
    const { axis: a, p0, p1, moved, el } = drag;
    drag = null;
    el.remove();
    if (svg.hasPointerCapture(e.pointerId)) svg.releasePointerCapture(e.pointerId);
    if (moved) { ranges.set(a.name, brushRange(a, p0, p1)); return; }
    // A click: outside the axis's brush drops it (inside, the brush stays).
    const range = ranges.get(a.name);
    const span = range && rangeSpan(a, range);
    if (range && !(span && p0 >= span[0] && p0 <= span[1])) ranges.set(a.name, null);
  });
  svg.addEventListener('dblclick', (e) => { const a = axisAt(e.target); if (a) ranges.set(a.name, null); });
  svg.addEventListener('click', (e) => {
    if (axisAt(e.target) || hover === null) return;
    const t = shown?.byTrial.get(hover);
    if (t?.key) onPick(t.key);
  });

  function setHover(trial) {
    if (trial === hover) return;
    hover = trial;
    svg.querySelector('.hover-line')?.remove();
    const t = trial === null ? undefined : shown.byTrial.get(trial);
    svg.classList.toggle('pointing', !!t);
    if (!t) { hover = null; readout.textContent = ''; return; }
    const line = shown.lines.find((l) => l.trial === trial);
    const d = line.points.map((p, i) => (p ? `${i && line.points[i - 1] ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}` : '')).join('');
    svgEl('path', { class: 'hover-line', d, 'data-trial': trial }, svg);
    readout.textContent = describe(t, shown.objective);
  }

  return {
    /**
     * Draw `trials` ({ trial, key, params, value, state, best, selected }) of a run whose objective is
     * o ({ metric, direction }). Returns what is drawn: { lines: { trial, value, best, lightness, passes }[],
     * shown (lines passing every range), total, axes: { name, log, ticks }[] }.
     */
    draw(trials, o) {
      const w = area.clientWidth, h = area.clientHeight;
      const rows = trials.filter((t) => t.params && Object.keys(t.params).length);
      const key = `${w}x${h}|${ranges.version}|${o.metric}|${o.direction}|${rows.map((t) => `${t.trial}:${t.value}:${t.state}:${t.best ? 1 : 0}${t.selected ? 1 : 0}:${Object.keys(t.params).length}`).join(',')}`;
      if (key === drawnKey) return result;
      drawnKey = key;
      const dpr = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
      const ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      svg.replaceChildren();
      const hovered = hover;
      hover = null;
      readout.textContent = '';
      if (!rows.length) {
        svgText(svg, 20, 30, 'no trial parameters yet', { class: 'placeholder' });
        count.textContent = '';
        clear.hidden = true;
        shown = null;
        result = { lines: [], shown: 0, total: 0, axes: [] };
        return result;
      }
      const maximize = o.direction === 'maximize';
      const axes = parallelAxes(rows, `${o.metric} ${maximize ? '↑' : '↓'}`);
      const x = (i) => PAD.l + (i * (w - PAD.l - PAD.r)) / Math.max(1, axes.length - 1);
      const y = (p) => PAD.t + (1 - p) * (h - PAD.t - PAD.b);
      const vAxis = axes[axes.length - 1];
      const pass = passing(rows, ranges.map);
      const q = (t) => quality(t.value, vAxis.lo, vAxis.hi, maximize);
      // Dimmed lines first, then those selected, worse before better, so the best are drawn on top.
      const order = rows.map((t, i) => ({ t, pass: pass[i] })).sort((a, b) => (a.pass - b.pass) || ((q(a.t) ?? -1) - (q(b.t) ?? -1)));
      const lines = [];
      for (const { t, pass: inside } of order) {
        const points = axes.map((a, i) => { const p = axisPosition(a, a.objective ? t.value : t.params[a.name]); return p === null ? null : [x(i), y(p)]; });
        const qt = q(t);
        lines.push({ trial: t.trial, value: t.value, best: !!t.best, lightness: qt === null ? null : lightness(qt), passes: inside, points });
        ctx.save();
        if (!inside) ctx.strokeStyle = DIM;
        else if (t.best) ctx.strokeStyle = '#111';
        else if (t.state === 'pruned') { ctx.strokeStyle = 'rgba(217,119,6,.45)'; ctx.setLineDash([3, 3]); }
        else if (t.state === 'failed') ctx.strokeStyle = 'rgba(220,38,38,.45)';
        else ctx.strokeStyle = qt === null ? 'rgba(107,116,131,.45)' : lineColour(qt);
        ctx.lineWidth = inside && t.best ? 3 : inside && t.selected ? 2.5 : 1;
        ctx.beginPath();
        points.forEach((p, i) => { if (p) { if (i && points[i - 1]) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]); } });
        ctx.stroke();
        ctx.restore();
      }
      drawAxes(svg, axes, x, y, ranges);
      legend(svg, w, h, vAxis, maximize, o.metric);
      const inside = pass.filter(Boolean).length;
      count.textContent = ranges.map.size
        ? `${inside} of ${rows.length} trials · ${[...ranges.map].map(([n, r]) => rangeText(n === 'value' ? o.metric : n, r)).join(' · ')}`
        : `${rows.length} trials · drag along an axis to select`;
      clear.hidden = ranges.map.size === 0;
      shown = { axes, x, y, w, h, lines: [...lines].reverse(), byTrial: new Map(rows.map((t) => [t.trial, t])), objective: o };
      // A redraw (a trial reported) keeps what the pointer is on and the brush being drawn.
      if (hovered !== null) setHover(hovered);
      if (drag) svg.append(drag.el);
      result = { lines: lines.map(({ points, ...l }) => l), shown: inside, total: rows.length, axes: axes.map((a) => ({ name: a.name, log: !!a.log, ticks: axisTicks(a) })) };
      return result;
    },
  };
}

function describe(t, o) {
  const state = t.state && t.state !== 'completed' ? ` (${t.state})` : '';
  return `trial ${t.trial}${state} · ${o.metric}=${fmtNum(t.value)} · ${fmtParams(t.params)}`;
}

/** Each axis: its line, round ticks, title, a brush where a range is set, and a strip to brush on. */
function drawAxes(svg, axes, x, y, ranges) {
  // Titles as long as the space between axes allows (about 7 px a character); whole in the strip's tooltip.
  const room = Math.max(6, Math.min(24, Math.floor((axes.length > 1 ? x(1) - x(0) : 200) / 7)));
  axes.forEach((a, i) => {
    const g = svgEl('g', { class: `axis${a.objective ? ' objective' : ''}`, 'data-axis': a.name }, svg);
    const xi = x(i);
    svgEl('line', { class: 'axis-line', x1: xi, x2: xi, y1: y(0), y2: y(1) }, g);
    for (const v of axisTicks(a)) {
      const p = axisPosition(a, v);
      if (p === null) continue;
      svgEl('line', { class: 'tick-mark', x1: xi - 3, x2: xi, y1: y(p), y2: y(p) }, g);
      svgText(g, xi + 5, y(p) + 4, a.kind === 'categorical' ? short(v) : tickLabel(v), { class: 'tick' });
    }
    svgText(g, xi, PAD.t - 18, `${short(a.title, room - (a.log ? 6 : 0))}${a.log ? ' (log)' : ''}`, { class: 'axis-title', 'text-anchor': 'middle' });
    const range = ranges.get(a.name);
    const span = range && rangeSpan(a, range);
    if (span) svgEl('rect', { class: 'brush', 'data-axis': a.name, x: xi - 7, width: 14, y: y(span[1]), height: Math.max(2, y(span[0]) - y(span[1])) }, g);
    const hit = svgEl('rect', { class: 'axis-hit', x: xi - 12, width: 24, y: y(1) - 6, height: y(0) - y(1) + 12 }, g);
    svgTitle(hit, `${a.title}${a.log ? ' (log axis)' : ''}: drag along the axis to select a range; click outside it or double-click to clear`);
  });
}

/** The colour scale of the objective, best at the top, its best and worst values at the ends. */
function legend(svg, w, h, a, maximize, metric) {
  const g = svgEl('g', { class: 'colour-legend' }, svg);
  const x = w - PAD.r + 70, top = PAD.t + 14, bottom = h - PAD.b - 14, steps = 20;
  svgTitle(g, `line colour: ${metric} ${maximize ? '↑' : '↓'}, the darker the better`);
  for (let i = 0; i < steps; i++) {
    const yy = top + ((bottom - top) * i) / steps;
    svgEl('rect', { x, y: yy.toFixed(1), width: 12, height: ((bottom - top) / steps + 0.5).toFixed(1), fill: lineColour(1 - i / (steps - 1)) }, g);
  }
  svgText(g, x + 6, PAD.t - 18, 'colour', { class: 'legend-text', 'text-anchor': 'middle' });
  svgText(g, x + 6, top - 3, `best ${fmtNum(maximize ? a.hi : a.lo)}`, { class: 'tick colour-best', 'text-anchor': 'middle' });
  svgText(g, x + 6, bottom + 12, `worst ${fmtNum(maximize ? a.lo : a.hi)}`, { class: 'tick colour-worst', 'text-anchor': 'middle' });
}

const short = (s, n = 12) => (String(s).length > n ? `${String(s).slice(0, n - 1)}…` : String(s));
