// The dashboard's views: a model of runs and trials (./model.js) fed by any source, drawn into the
// page's elements (index.html's body, looked up by id: one dashboard per page) at most a few times a
// second. The served page feeds it from the monitor's WebSocket (./app.js); `mountDashboard()`
// (lib/monitor/mount-dashboard.ts) from a study's events in the same page.
import { color, createChart } from './chart.js';
import { createCurvesView } from './curves-view.js';
import { createParallelView } from './parallel.js';
import { createModel } from './model.js';
import { createRowValues, fmt, fmtParams, rowName, shownState } from './row-values.js';
import { createRunViews } from './run-views.js';
import { createRanges, isEmptyFilter, parseFilter, rowInRanges, rowMatches } from './table-filter.js';
import { createRangeFilters } from './range-filters.js';
import { paramKinds } from './trials-model.js';
import { createDetailView } from './detail-view.js';
import { createTableWindow } from './table-window.js';
import { createStudyViews } from './study-views.js';
import { createTrialsViews } from './trials-views.js';

/**
 * Draw the dashboard into the page's elements.
 *
 * @param io.send(cmd) A command from the page's buttons (stop, lr, pause all, resume all).
 * @param io.canCommand() Whether commands can be sent now (the rows' stop and lr buttons show).
 * @param io.stats() More of what window.__rxtrain.stats() says (the transport's own counters).
 * @returns { model, results(source), start(), stop() }: the model to apply records to, each run's end
 *   and best as one line, and the redraw loop's start and end.
 */
export function createDashboardView({ send, canCommand, stats = () => ({}) }) {
  const $ = (id) => document.getElementById(id);
  const m = createModel({ onMetrics: () => refreshMetricSelect() });

  // A resize (the bar above can wrap when the run legend grows): draw again.
  const chart = createChart($('chart'), () => m.version++);
  let selectedMetric = null;
  let metricChosen = false; // by the user: then new metrics do not take over the chart
  let selectedKey = null;
  // Objective and best sort best-first by each row's direction; sortDesc reverses (worst first).
  let sortKey = 'objective', sortDesc = false;
  const { objectiveOf, valueOf, bestOf } = createRowValues(m, () => selectedMetric);

  function refreshMetricSelect() {
    const sel = $('metric');
    const names = [...m.metricNames].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    sel.replaceChildren(...names.map((n) => new Option(n, n, false, n === selectedMetric)));
    if (!metricChosen) {
      const preferred = names[0];
      if (preferred !== selectedMetric) selectedMetric = preferred;
      sel.value = selectedMetric;
    }
  }
  function syncSortHeaders() {
    for (const h of document.querySelectorAll('th[data-sort]')) h.className = h.dataset.sort === sortKey ? `sorted${sortDesc ? ' desc' : ''}` : '';
  }
  function rank(name) { return ['val_loss', 'loss', 'val_accuracy', 'accuracy'].indexOf(name) + 1 || 9; }

  // The curves view's controls, read-out and downloads (./curves-view.js).
  const curves = createCurvesView(m, $, chart, {
    metric: () => selectedMetric,
    selectedKey: () => selectedKey,
    rowName,
    params: (s) => (s.member !== undefined ? runViews.scheduleText(s) : fmtParams(s.params)),
  });


  function sortValue(s) {
    switch (sortKey) {
      case 'name': return s.key;
      case 'state': return s.state;
      case 'epoch': return s.epoch;
      case 'metric': return objectiveOf(s.run).metric;
      default: return undefined;
    }
  }

  /** Objective and best: rows of one metric together, each group best first by its direction. */
  function compareByObjective(a, b) {
    const oa = objectiveOf(a.run), ob = objectiveOf(b.run);
    const x = sortKey === 'best' ? bestOf(a, oa) : valueOf(a, oa);
    const y = sortKey === 'best' ? bestOf(b, ob) : valueOf(b, ob);
    if (x === undefined || y === undefined) return (x === undefined) - (y === undefined);
    const group = `${oa.metric} ${oa.direction}`.localeCompare(`${ob.metric} ${ob.direction}`);
    if (group) return group;
    const c = oa.direction === 'maximize' ? y - x : x - y;
    return sortDesc ? -c : c;
  }

  const rowEls = new Map();

  function makeRow(s) {
    const tr = document.createElement('tr');
    tr.dataset.key = s.key;
    const cells = ['', '', 'num', 'metric', 'num', 'num', 'params', ''].map((cls) => {
      const td = document.createElement('td');
      if (cls) td.className = cls;
      tr.append(td);
      return td;
    });
    const swatch = document.createElement('i');
    swatch.className = 'swatch';
    swatch.style.background = color(s.index, 0.95);
    const name = document.createElement('span');
    cells[0].append(swatch, name);
    const badge = document.createElement('span');
    cells[1].append(badge);
    tr._cells = { name, badge, epoch: cells[2], metric: cells[3], objective: cells[4], best: cells[5], params: cells[6], actions: cells[7] };
    return tr;
  }

  function setText(el, text) { if (el.textContent !== text) el.textContent = text; }

  function updateRow(tr, s) {
    const c = tr._cells;
    tr.classList.toggle('selected', s.key === selectedKey);
    const best = m.isBest(s);
    tr.classList.toggle('best', best);
    setText(c.name, rowName(s) + (best ? ' ★' : ''));
    const shown = shownState(s);
    // Paused only where the monitor acknowledged a hold; a pause asked for that has not held a running
    // row (it trains on until its next hold point, if it has one) is said as such.
    const held = (m.held.get(s.key) || 0) > 0 || (s.trial === undefined && s.member === undefined && (m.held.get(s.run) || 0) > 0);
    const asked = m.paused.has(s.run) || m.paused.has('*');
    const state = shown === 'running' && held ? 'paused' : shown;
    if (c.badge.className !== `state ${state}`) c.badge.className = `state ${state}`;
    setText(c.badge, state === 'running' && asked ? 'running · pause asked' : state);
    const why = s.reason || s.error || (state === 'running' && asked ? 'a pause was asked for; this one has not reached a hold point and keeps training' : '');
    if (c.badge.title !== why) c.badge.title = why;
    setText(c.epoch, String(Math.max(0, s.epoch)));
    const o = objectiveOf(s.run);
    setText(c.metric, `${o.metric} ${o.direction === 'maximize' ? '↑' : '↓'}`);
    if (c.metric.title !== o.direction) c.metric.title = `${o.direction === 'maximize' ? 'higher' : 'lower'} is better${o.declared ? '' : ' (by its name: the run declared no objective)'}`;
    setText(c.objective, fmt(valueOf(s, o)));
    setText(c.best, fmt(bestOf(s, o)));
    const paramsText = s.member !== undefined ? runViews.scheduleText(s) : fmtParams(s.params) + (s.lr ? ` lr→${Number(s.lr.toPrecision(3))}` : '');
    setText(c.params, paramsText);
    if (c.params.title !== paramsText) c.params.title = paramsText;
    // Commands address runs and study trials; a PBT member is neither.
    const wantButtons = canCommand() && s.state === 'running' && s.member === undefined;
    const hasButtons = c.actions.childElementCount > 0;
    if (wantButtons && !hasButtons) {
      const stop = document.createElement('button');
      stop.className = 'stop'; stop.type = 'button'; stop.textContent = 'stop';
      stop.dataset.run = s.run; if (s.trial !== undefined) stop.dataset.trial = String(s.trial);
      const lr = document.createElement('button');
      lr.className = 'lr'; lr.type = 'button'; lr.textContent = 'lr…';
      lr.dataset.run = s.run; if (s.trial !== undefined) lr.dataset.trial = String(s.trial);
      c.actions.append(stop, ' ', lr);
    } else if (!wantButtons && hasButtons) c.actions.replaceChildren();
  }

  // Every row that passes the filter, sorted; only those in view are in the DOM (./table-window.js).
  let sortedRows = [];
  const tableWindow = createTableWindow(document.querySelector('.table-scroll'), $('trials'), 8);

  function renderRows() {
    const { first, last } = tableWindow.range(sortedRows.length);
    const shown = sortedRows.slice(first, last);
    tableWindow.pad(first, last, sortedRows.length);
    // Rows are kept per key and updated in place (a button under the pointer must not be replaced
    // between mousedown and mouseup); the order is touched only when it changed.
    const body = $('trials').tBodies[0];
    const wanted = new Set(shown.map((s) => s.key));
    for (const [key, tr] of rowEls) if (!wanted.has(key)) { tr.remove(); rowEls.delete(key); }
    const order = [];
    for (const s of shown) {
      let tr = rowEls.get(s.key);
      if (!tr) { tr = makeRow(s); rowEls.set(s.key, tr); }
      updateRow(tr, s);
      order.push(tr);
    }
    const current = [...body.children];
    if (current.length !== order.length || order.some((tr, i) => current[i] !== tr)) body.append(...order);
  }

  function renderTable() {
    const onlyRunning = $('only-running').checked;
    let rows = [...m.series.values()].filter((s) => s.metrics.size || s.params || s.trial !== undefined || s.state !== 'running');
    const total = rows.length;
    if (onlyRunning) rows = rows.filter((s) => s.state === 'running');
    const filter = parseFilter($('table-filter').value);
    const box = $('table-filter');
    box.classList.toggle('bad', filter.problems.length > 0);
    if (box.dataset.help === undefined) box.dataset.help = box.title;
    box.title = filter.problems.length ? filter.problems.join('; ') : box.dataset.help;
    if (!isEmptyFilter(filter) || ranges.map.size) rows = rows.filter((s) => rowInRanges({ params: s.params, value: valueOf(s) }, ranges.map) && rowMatches({ text: `${rowName(s)} ${fmtParams(s.params)}`, state: shownState(s), params: s.params, value: valueOf(s), epoch: s.epoch }, filter));
    rangeFilters.setParams(paramKinds([...m.series.values()].filter((s) => s.params)).filter((p) => p.kind === 'numeric').map((p) => p.name).concat('value'), 'objective');
    const matched = rows.length;
    rows.sort((a, b) => {
      if (sortKey === 'objective' || sortKey === 'best') return compareByObjective(a, b);
      const x = sortValue(a), y = sortValue(b);
      if (x === undefined && y === undefined) return 0;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const c = x < y ? -1 : x > y ? 1 : 0;
      return sortDesc ? -c : c;
    });
    $('table-info').textContent = `${matched} of ${total} runs/trials${matched < total ? ` (${matched} pass the filter)` : ''}`;
    sortedRows = rows;
    renderRows();
    const sel = selectedKey === null ? undefined : m.series.get(selectedKey);
    detail.draw(sel ?? null, sel && { name: rowName(sel), state: shownState(sel), objective: objectiveOf(sel.run), value: valueOf(sel), best: bestOf(sel) }, m.version);
    const counts = {};
    for (const s of m.series.values()) { const k = s.stopRequested && s.state === 'completed' ? 'stopped' : s.state; counts[k] = (counts[k] || 0) + 1; }
    $('summary').textContent = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(' · ') + ` · ${m.recordsSeen} events`;
    const banner = $('paused-banner');
    banner.hidden = m.paused.size === 0;
    const holds = [...m.held.values()].reduce((a, n) => a + n, 0);
    banner.textContent = `pause asked: ${m.paused.has('*') ? 'all runs' : [...m.paused].join(', ')} · ${holds} held`;
  }

  // The selected row's details, under the table (closed by its ×, or by clicking the row again).
  const detail = createDetailView($('detail'), () => { selectedKey = null; m.structural++; tableVersion = -1; lastTable = 0; m.version++; });

  // Redraw the chart at most every 100 ms and the table every 400 ms, and only after a change.
  const runViews = createRunViews(m, $);
  // One set of parameter ranges: brushed in the parameters view, typed above the table; both filter the table.
  const ranges = createRanges();
  ranges.onChange(() => { tableVersion = -1; lastTable = 0; m.version++; });
  const rangeFilters = createRangeFilters(document.querySelector('.table-bar'), ranges);
  const pickRow = (key) => { selectedKey = key; m.structural++; tableVersion = -1; lastTable = 0; m.version++; };
  const parallelView = createParallelView($('parallel'), $('parallel-canvas'), ranges, pickRow);
  const studyViews = createStudyViews(m, $);
  const trialsViews = createTrialsViews(m, $, { objectiveOf, valueOf });
  let view = 'curves';
  function drawView() {
    runViews.sync(view);
    if (studyViews.draw(view) || trialsViews.draw(view)) return;
    if (view === 'curves') return curves.draw();
    if (view === 'population' || view === 'lineage') return runViews.draw(view);
    // One run at a time (the bar's run selector): its trials, shaded by its own objective's direction.
    const run = runViews.shownRun();
    const o = objectiveOf(run);
    const trials = [...m.series.values()].filter((s) => s.run === run).map((s) => ({ trial: s.trial ?? s.member ?? s.key, key: s.key, params: s.params, value: valueOf(s, o), state: shownState(s), best: m.isBest(s), selected: s.key === selectedKey }));
    runViews.drawn.parallel = parallelView.draw(trials, o);
  }
  const VIEWS = { curves: 'chart', parallel: 'parallel', population: 'population', lineage: 'lineage', ...studyViews.views, ...trialsViews.views };
  function showView(v) {
    view = v;
    for (const [name, id] of Object.entries(VIEWS)) {
      $(id).hidden = v !== name;
      $(`tab-${name}`).classList.toggle('active', v === name);
    }
    for (const id of curves.controls) $(id).hidden = v !== 'curves';
    $('metric-label').hidden = v === 'population' || v === 'lineage' || studyViews.owns(v) || trialsViews.owns(v);
    if (v === 'curves') chart.invalidate();
    m.version++;
  }
  for (const name of Object.keys(VIEWS)) $(`tab-${name}`).addEventListener('click', () => showView(name));
  $('view-run').addEventListener('change', (e) => { runViews.chooseRun(view, e.target.value); m.version++; });
  $('colour-param').addEventListener('change', (e) => { runViews.chooseColour(e.target.value); m.version++; });

  let chartVersion = -1, tableVersion = -1, lastTable = 0;
  const timings = { chartMs: 0, maxChartMs: 0, tableMs: 0, maxTableMs: 0, draws: 0 };
  function frame(now) {
    // A drawing that throws must not stop the loop: the error is re-thrown on its own (the page reports it).
    try {
      if (m.version !== chartVersion) {
        chartVersion = m.version;
        const t0 = performance.now(); drawView(); const ms = performance.now() - t0;
        timings.chartMs = ms; timings.maxChartMs = Math.max(timings.maxChartMs, ms); timings.draws++;
      }
      if (m.version !== tableVersion && now - lastTable > 400) {
        tableVersion = m.version; lastTable = now;
        const t0 = performance.now(); renderTable(); const ms = performance.now() - t0;
        timings.tableMs = ms; timings.maxTableMs = Math.max(timings.maxTableMs, ms);
      }
    } catch (err) {
      setTimeout(() => { throw err; });
    }
    if (running) timer = setTimeout(() => { if (running) pending = requestAnimationFrame(frame); }, 100);
  }

  // ---- interaction ---------------------------------------------------------------------------------
  $('metric').addEventListener('change', (e) => { selectedMetric = e.target.value; metricChosen = true; m.version++; });
  $('logy').addEventListener('change', () => m.version++);
  $('only-running').addEventListener('change', () => { tableVersion = -1; m.version++; });
  $('table-filter').addEventListener('input', () => { tableVersion = -1; lastTable = 0; m.version++; });
  $('pause-all').addEventListener('click', () => send({ type: 'pause' }));
  $('resume-all').addEventListener('click', () => send({ type: 'resume' }));
  document.querySelector('#trials thead').addEventListener('click', (e) => {
    const th = e.target.closest('th[data-sort]');
    if (!th) return;
    if (sortKey === th.dataset.sort) sortDesc = !sortDesc; else { sortKey = th.dataset.sort; sortDesc = false; }
    syncSortHeaders();
    tableVersion = -1; m.version++;
  });
  // Scrolling brings other rows into view at once (the sort and filter are not redone).
  let scrollFrame = 0;
  document.querySelector('.table-scroll').addEventListener('scroll', () => {
    if (!scrollFrame) scrollFrame = requestAnimationFrame(() => { scrollFrame = 0; renderRows(); });
  });
  $('trials').addEventListener('click', (e) => {
    const btn = e.target.closest('button');
    const tr = e.target.closest('tr[data-key]');
    if (btn && btn.dataset.run) {
      const trial = btn.dataset.trial === undefined ? {} : { trial: Number(btn.dataset.trial) };
      if (btn.classList.contains('stop')) { send({ type: 'stop', run: btn.dataset.run, ...trial, reason: 'stop button on the dashboard' }); btn.disabled = true; btn.textContent = 'stopping…'; }
      else if (btn.classList.contains('lr')) {
        const v = Number(prompt('new learning rate', '0.001'));
        if (Number.isFinite(v) && v > 0) send({ type: 'setLearningRate', run: btn.dataset.run, ...trial, lr: v });
      }
      return;
    }
    if (tr) { selectedKey = selectedKey === tr.dataset.key ? null : tr.dataset.key; m.structural++; tableVersion = -1; lastTable = 0; m.version++; }
  });

  /** Each run's end and best, for the status line once the monitor finished. */
  function results(source) {
    const runs = [...new Set([...m.series.values()].map((s) => s.run))];
    return runs.map((run) => {
      const key = m.bestByRun.get(run);
      const best = key && m.series.get(key);
      const o = objectiveOf(run);
      const value = best ? valueOf(best, o) : undefined;
      return `${run} ${m.ended.get(run) || (source ? 'in storage' : 'ended')}${best ? `, best ${best.member !== undefined ? `member ${best.member}` : `#${best.trial}`} ${fmt(value)} ${o.metric}` : ''}`;
    }).join(' · ') || 'no runs';
  }

  // For tests and the curious: the model as plain data.
  window.__rxtrain = { series: m.series, lineages: m.lineages, populations: m.populations, objectives: m.objectives, bestByRun: m.bestByRun, timings, drawn: runViews.drawn, study: studyViews.drawn, trials: trialsViews.drawn, curves: curves.drawn, axes: chart.drawn, chartPixel: chart.toPixel, ranges: ranges.map, stats: () => ({ records: m.recordsSeen, ...stats(), series: m.series.size }) };

  let running = false, pending = 0, timer = 0;
  return {
    model: m,
    results,
    start() { if (!running) { running = true; pending = requestAnimationFrame(frame); } },
    stop() { running = false; cancelAnimationFrame(pending); clearTimeout(timer); if (scrollFrame) cancelAnimationFrame(scrollFrame); },
  };
}
