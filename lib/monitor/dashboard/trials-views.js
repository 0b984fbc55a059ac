// The trials views of a study run: history (./history.js, a uPlot chart), slice (./slice.js) and
// contour (./contour.js), both SVG, over the run's finished trials and its objective. Their tabs show
// once a run has a finished trial; each view's bar picks the run (and the contour's two parameters),
// and its read-out says what the pointer is on (trial, value, parameters).
import { drawContour } from './contour.js';
import { createHistoryChart } from './history.js';
import { drawSlice } from './slice.js';
import { finishedTrials, paramKinds } from './trials-model.js';
import { fmtNum, fmtParams, svgEl, svgText } from './svg.js';
import { addViewPanel, createViewBar } from './view-panel.js';

const NAMES = { history: 'history', slice: 'slice', contour: 'contour' };

/** rows: { objectiveOf(run), valueOf(row, objective) } (./row-values.js). */
export function createTrialsViews(m, $, rows) {
  const chosen = { run: null, x: null, y: null };
  const redraw = () => m.version++;
  const views = {};
  for (const name of Object.keys(NAMES)) {
    const div = addViewPanel($, name, NAMES[name]);
    const bar = createViewBar(div, `${name}-readout`);
    const run = bar.pick('run', `${name}-run`, (v) => { chosen.run = v; redraw(); });
    const extra = name === 'contour'
      ? { x: bar.pick('x', 'contour-x', (v) => { chosen.x = v; redraw(); }), y: bar.pick('y', 'contour-y', (v) => { chosen.y = v; redraw(); }) }
      : {};
    const svg = name === 'history' ? div.appendChild(document.createElement('div')) : svgEl('svg', { class: `view-svg trials-svg ${name}-svg` }, div);
    if (name === 'history') svg.className = 'history-chart';
    const chart = name === 'history' ? createHistoryChart(svg, (t) => { bar.readout.textContent = views.history.describe(t); }) : null;
    views[name] = { div, bar, run, svg, chart, ...extra, key: null, result: null, byTrial: new Map() };
    // A new size redraws (the drawing is keyed by it), also when no event arrives.
    new ResizeObserver(() => { if (!div.hidden) redraw(); }).observe(svg);
    svg.addEventListener('mouseover', (e) => {
      const el = e.target.closest?.('[data-trial]');
      const t = el && views[name].byTrial.get(Number(el.dataset.trial));
      if (t) bar.readout.textContent = views[name].describe(t);
      else if (e.target.closest?.('[data-readout]')) bar.readout.textContent = e.target.closest('[data-readout]').dataset.readout;
    });
  }
  /** What each view drew last (for tests and the curious). */
  const drawn = { history: { run: null, points: 0 }, slice: { run: null, plots: 0, points: [] }, contour: { run: null, points: 0, cells: 0 } };

  /** Runs with trials, oldest first. */
  const runsWithTrials = () => [...new Set([...m.series.values()].filter((s) => s.trial !== undefined).map((s) => s.run))];

  function draw(name) {
    const v = views[name];
    const runs = runsWithTrials();
    const run = runs.includes(chosen.run) ? chosen.run : runs[runs.length - 1] ?? null;
    v.run.label.hidden = runs.length < 2;
    v.run.set(runs.map((r) => ({ value: r, text: r })), run ?? '');
    const o = rows.objectiveOf(run);
    const trials = run === null ? [] : finishedTrials([...m.series.values()].filter((s) => s.run === run), (s) => rows.valueOf(s, o));
    const kinds = paramKinds(trials);
    let px, py;
    if (name === 'contour') {
      px = kinds.find((p) => p.name === chosen.x) ?? kinds[0];
      py = kinds.find((p) => p.name === chosen.y && p !== px) ?? kinds.find((p) => p !== px);
      const items = kinds.map((p) => ({ value: p.name, text: p.name }));
      v.x.set(items, px?.name ?? ''); v.y.set(items, py?.name ?? '');
      v.x.label.hidden = v.y.label.hidden = kinds.length < 2;
    }
    const w = v.svg.clientWidth || v.div.clientWidth, h = v.svg.clientHeight || Math.max(120, v.div.clientHeight - v.bar.bar.offsetHeight);
    const key = `${run}|${trials.length}|${m.structural}|${o.metric}|${o.direction}|${px?.name}|${py?.name}|${w}x${h}`;
    if (key === v.key) return v.result;
    v.key = key;
    v.byTrial = new Map(trials.map((t) => [t.trial, t]));
    v.describe = (t) => `trial ${t.trial} · ${o.metric}=${fmtNum(t.value)} · ${fmtParams(t.params)}`;
    const ctx = { trials, objective: o, describe: v.describe };
    const placeholder = run === null ? 'no study trials yet' : `no finished trial of ${run} yet`;
    if (!v.chart) v.svg.replaceChildren();
    let result;
    if (v.chart) result = { run, ...v.chart.draw(ctx, trials.length ? null : placeholder), pixel: v.chart.pixel };
    else if (trials.length === 0) {
      svgText(v.svg, 64, 40, placeholder, { class: 'placeholder' });
      result = { run, points: 0 };
    } else if (name === 'slice') result = { run, ...drawSlice(v.svg, ctx, w, h) };
    else if (!px || !py) {
      svgText(v.svg, 64, 40, 'the contour needs two parameters', { class: 'placeholder' });
      result = { run, points: 0, cells: 0 };
    } else result = { run, x: px.name, y: py.name, ...drawContour(v.svg, ctx, px, py, w, h) };
    v.result = result;
    return result;
  }

  return {
    drawn,
    views: { history: 'history', slice: 'slice', contour: 'contour' },
    owns: (view) => view in NAMES,
    /** Show the tabs once a run has a finished trial; draw `view` if it is one of these (true then). */
    draw(view) {
      const any = [...m.series.values()].some((s) => s.trial !== undefined && s.state === 'completed');
      for (const name of Object.keys(NAMES)) $(`tab-${name}`).hidden = !any && view !== name;
      if (!(view in NAMES)) return false;
      drawn[view] = draw(view);
      return true;
    },
  };
}
