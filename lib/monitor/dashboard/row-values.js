// What a row of the dashboard shows: its run's objective, its value and best of it, its name and state
// as written, and the number formats of the table. (Split from app.js; the table, the parameters view
// and the detail panel read rows through these.)
import { metricDirection } from './model.js';

export const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4)) : '');
export const fmtParams = (p) => (p ? Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join(' ') : '');
export const rowName = (s) => (s.member !== undefined ? `${s.run} member ${s.member}` : s.trial === undefined ? s.run : `${s.run} #${s.trial}`);
/** A trial stopped from the page ends 'completed' in its study (with its last value): say it was stopped. */
export const shownState = (s) => (s.stopRequested && s.state === 'completed' ? 'stopped' : s.state);

/** The objective helpers of model `m`; `chosenMetric()`: the metric chosen above the chart (for runs that declared none). */
export function createRowValues(m, chosenMetric) {
  /**
   * What a run's rows are judged by: the objective its events declared (a study's, evolve's, PBT's, or a
   * plain run's monitorTap objective), else the metric chosen above the chart, by its name's direction.
   */
  function objectiveOf(run) {
    const o = m.objectives.get(run);
    const metric = o?.metric ?? (o ? 'objective' : chosenMetric() || 'value');
    return { metric, direction: o?.direction ?? metricDirection(metric), declared: !!o };
  }
  /** The row's current value of its run's objective: its trial's value, else the metric's last. */
  function valueOf(s, o = objectiveOf(s.run)) {
    if (typeof s.value === 'number' && (o.declared || s.trial === undefined)) return s.value;
    const pts = s.metrics.get(o.metric);
    return pts && pts.length ? pts[pts.length - 1][1] : typeof s.value === 'number' ? s.value : undefined;
  }
  /** The best of that metric over the row's epochs (its value when it has none). */
  function bestOf(s, o = objectiveOf(s.run)) {
    const pts = s.metrics.get(o.metric);
    if (!pts || !pts.length) return valueOf(s, o);
    const max = o.direction === 'maximize';
    return pts.reduce((b, p) => (max ? Math.max(b, p[1]) : Math.min(b, p[1])), max ? -Infinity : Infinity);
  }
  return { objectiveOf, valueOf, bestOf };
}
