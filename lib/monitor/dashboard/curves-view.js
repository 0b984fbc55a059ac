// The curves view: one metric of every run and trial over epochs (or wall time, or time since each
// began), drawn by ./chart.js. Its controls: smoothing (TensorBoard's EMA), the x axis, a legend of
// runs whose entries show and hide a run's curves, downloads of what is shown (CSV, JSON), and a
// read-out of the point under the pointer.
import { color } from './chart.js';
import { againstX, emaSmooth, exportRows, toCSV, toJSON, X_AXES } from './curves-model.js';
import { TERMINAL } from './model.js';
import { durationLabel } from './ticks.js';
import { fmtNum } from './svg.js';

/**
 * chart: ./chart.js's; page: { metric(), selectedKey(), rowName(s), params(s) } from the page.
 */
/** Run legend entries at most (the latest runs, and any hidden one). */
const MAX_KEYS = 12;

export function createCurvesView(m, $, chart, page) {
  const hidden = new Set(); // runs whose curves are not drawn
  let drawnKey = null;
  let shown = []; // the curves drawn: { s, raw, points, smoothed? }
  const byKey = new Map();
  const drawn = { runs: [], hidden: [], curves: 0, points: 0, smoothing: 0, x: 'epoch' };
  const redraw = () => { drawnKey = null; m.version++; };

  $('smoothing').addEventListener('input', () => { $('smoothing-value').textContent = Number($('smoothing').value).toFixed(2); redraw(); });
  $('xaxis').addEventListener('change', redraw);
  $('run-legend').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-run]');
    if (!b) return;
    if (hidden.has(b.dataset.run)) hidden.delete(b.dataset.run); else hidden.add(b.dataset.run);
    redraw();
  });
  $('download-csv').addEventListener('click', () => download('csv'));
  $('download-json').addEventListener('click', () => download('json'));

  // The read-out: the nearest drawn point, a dot on it and its text in the corner of the chart.
  const box = $('chart'), dot = $('hover-dot'), readout = $('curve-readout');
  box.addEventListener('mousemove', (e) => {
    const r = box.getBoundingClientRect();
    const p = chart.pick(e.clientX - r.left, e.clientY - r.top);
    const c = p && byKey.get(p.key);
    if (!c) { dot.hidden = true; readout.hidden = true; return; }
    dot.hidden = false;
    dot.style.left = `${p.px}px`; dot.style.top = `${p.py}px`;
    readout.hidden = false;
    readout.textContent = describe(c, p.index);
  });
  box.addEventListener('mouseleave', () => { dot.hidden = true; readout.hidden = true; });

  function describe(c, i) {
    const raw = c.raw[i];
    const metric = page.metric();
    const when = typeof raw[2] === 'number' ? ` · ${new Date(raw[2]).toLocaleTimeString()}${c.raw[0][2] !== undefined ? ` (+${durationLabel(raw[2] - c.raw[0][2])})` : ''}` : '';
    const smooth = c.smoothed ? ` (smoothed ${fmtNum(c.smoothed[i][1])})` : '';
    const params = page.params(c.s);
    return `${page.rowName(c.s)} · epoch ${raw[0]} · ${metric}=${fmtNum(raw[1])}${smooth}${when}${params ? ` · ${params}` : ''}`;
  }

  function lineFor(s, pts, selected) {
    const finished = TERMINAL.has(s.state);
    const isBest = m.isBest(s);
    return {
      key: s.key,
      points: pts,
      color: s.state === 'failed' ? 'rgba(220,38,38,.6)' : color(s.index, finished && !isBest ? 0.5 : 0.95),
      width: isBest ? 3 : selected ? 2.5 : finished ? 1 : 1.6,
      dash: s.state === 'pruned' ? [4, 3] : null,
      mark: s.state === 'pruned' || s.state === 'failed' || s.state === 'stopped' || (s.stopRequested && TERMINAL.has(s.state)),
      markColor: s.state === 'failed' ? '#dc2626' : s.state === 'pruned' ? '#d97706' : '#6b21a8',
    };
  }

  /**
   * The run legend: a button per run with curves of the metric, crossed out when hidden; the latest
   * MAX_KEYS runs (and the hidden ones) when there are more, so that the bar stays a line or two.
   */
  function legend(all) {
    const el = $('run-legend');
    const runs = all.length > MAX_KEYS ? all.filter((r, i) => hidden.has(r.run) || i >= all.length - MAX_KEYS) : all;
    const text = runs.map((r) => `${r.run}:${hidden.has(r.run)}`).join('\n') + `|${all.length}`;
    if (el.dataset.items === text) return;
    el.dataset.items = text;
    const more = all.length - runs.length;
    el.title = `click a run to show or hide its curves${more ? ` (the latest ${MAX_KEYS} of ${all.length} runs)` : ''}`;
    el.replaceChildren(...runs.map((r) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `run-key${hidden.has(r.run) ? ' off' : ''}`;
      b.dataset.run = r.run;
      b.title = `${hidden.has(r.run) ? 'show' : 'hide'} the curves of ${r.run} (${r.count})`;
      const sw = document.createElement('i');
      sw.className = 'swatch';
      sw.style.background = color(r.index, 0.95);
      b.append(sw, r.run);
      return b;
    }));
  }

  let drawnStructural = -1;
  return {
    drawn,
    /** The ids of the controls that belong to this view (shown only with it). */
    controls: ['legend', 'logy-label', 'smoothing-label', 'xaxis-label', 'run-legend', 'downloads'],
    draw() {
      const metric = page.metric();
      const log = $('logy').checked;
      const axis = $('xaxis').value in X_AXES ? $('xaxis').value : 'epoch';
      const w = Number($('smoothing').value) || 0;
      const key = `${metric}|${log}|${axis}|${w}|${[...hidden].join(',')}`;
      if (key !== drawnKey) { chart.reset(); drawnKey = key; }
      else if (m.structural !== drawnStructural) chart.invalidate();
      drawnStructural = m.structural;
      chart.titles(axis === 'epoch' ? 'epoch' : axis === 'wall' ? 'wall time' : 'time since the run began', axis, metric ?? '');
      const fixed = [], live = [];
      let bounds = null;
      const runs = new Map();
      shown = [];
      byKey.clear();
      const selectedKey = page.selectedKey();
      for (const s of m.series.values()) {
        const pts = metric ? s.metrics.get(metric) : undefined;
        if (!pts || !pts.length) continue;
        const r = runs.get(s.run);
        if (r) r.count++; else runs.set(s.run, { run: s.run, index: s.index, count: 1 });
        if (hidden.has(s.run)) continue;
        const raw = axis === 'epoch' ? pts : pts.filter((p) => typeof p[2] === 'number');
        const xy = againstX(raw, axis);
        if (!xy.length) continue;
        const smoothed = w > 0 ? emaSmooth(xy, w) : null;
        const main = smoothed ?? xy;
        for (const p of main) {
          if (!Number.isFinite(p[1])) continue;
          if (!bounds) bounds = { x0: p[0], x1: p[0], y0: p[1], y1: p[1], growing: false };
          else { if (p[0] < bounds.x0) bounds.x0 = p[0]; if (p[0] > bounds.x1) bounds.x1 = p[0]; if (p[1] < bounds.y0) bounds.y0 = p[1]; if (p[1] > bounds.y1) bounds.y1 = p[1]; }
        }
        const finished = TERMINAL.has(s.state);
        if (!finished && bounds) bounds.growing = true;
        const line = lineFor(s, main, s.key === selectedKey);
        const layer = finished && s.key !== selectedKey && !m.isBest(s) ? fixed : live;
        // Smoothed, the raw curve stays as a faint trace behind it (as TensorBoard draws it).
        if (smoothed) layer.push({ points: xy, color: color(s.index, 0.18), width: 1 });
        layer.push(line);
        const c = { s, raw, points: main, smoothed };
        shown.push(c);
        byKey.set(s.key, c);
      }
      legend([...runs.values()]);
      chart.draw({ fixed, live, bounds, log });
      Object.assign(drawn, { runs: [...runs.keys()], hidden: [...hidden], curves: shown.length, points: shown.reduce((a, c) => a + c.points.length, 0), smoothing: w, x: axis });
    },
  };

  /** Save what is shown: every point of every drawn curve, with its smoothed value when smoothing. */
  function download(kind) {
    const metric = page.metric() ?? 'metric';
    const rows = exportRows(shown.map((c) => ({ run: c.s.run, trial: c.s.trial, member: c.s.member, points: c.raw, smoothed: c.smoothed })), metric);
    const text = kind === 'csv' ? toCSV(rows) : toJSON(rows, { metric, smoothing: drawn.smoothing, x: drawn.x });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: kind === 'csv' ? 'text/csv' : 'application/json' }));
    a.download = `${metric}.${kind}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }
}
