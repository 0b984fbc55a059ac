// The dashboard's model: runs and trials built from the monitor's records. Plain state and one
// `apply(record)`; the view reads it and redraws when `version` moved. PBT members are series of their
// own (`run@member`), beside the run's lineage (./lineage-model.js); an evolve run's generations are
// kept in ./population-model.js, its members being trials (`run#trial`).
import { applyLineage } from './lineage-model.js';
import { applyPareto } from './pareto-model.js';
import { applyPopulation } from './population-model.js';
import { metricDirection } from './metric-names.js';

export const TERMINAL = new Set(['completed', 'pruned', 'failed', 'stopped', 'cancelled']);

/** A metric's direction by its name (./metric-names.js): accuracies, F1, AUC, R² ... up; losses and errors down. */
export { metricDirection };

/**
 * hooks.onMetrics(): a metric name was seen for the first time.
 */
export function createModel(hooks) {
  const m = {
    /** key → { key, run, trial, state, epoch, params, metrics: Map<name, [epoch, value, time?][]>, value, index, ... } */
    series: new Map(),
    metricNames: new Set(),
    /** Runs paused from the monitor ('*': all). */
    paused: new Set(),
    /** run → key of its best trial or member (its newBest, or pbtCompleted's best). */
    bestByRun: new Map(),
    /** run → { metric, direction }: what the run declared it is judged by (lib/monitor/objective.ts). */
    objectives: new Map(),
    /** key (run, or run#trial) → holds acknowledged by the monitor and not released. */
    held: new Map(),
    /** run → how it ended (its runEnd). */
    ended: new Map(),
    isBest: (s) => m.bestByRun.get(s.run) === s.key,
    /** Bumped on every change (the view redraws when it moved). */
    version: 0,
    /** Bumped when a series appears or changes state (the static chart layer is redrawn). */
    structural: 0,
    recordsSeen: 0,
    /** run → PBT lineage (./lineage-model.js). */
    lineages: new Map(),
    /** run → evolve generations (./population-model.js). */
    populations: new Map(),
    /** run → a multi-objective study's trials in objective space, and run → its latest paramImportance (./pareto-model.js). */
    pareto: new Map(),
    importance: new Map(),
    apply,
  };

  const get = (run, trial, member) => {
    const key = member !== undefined ? `${run}@${member}` : trial === undefined || trial === null ? run : `${run}#${trial}`;
    let s = m.series.get(key);
    if (!s) {
      s = { key, run, trial: trial ?? undefined, member, state: 'running', epoch: -1, params: null, metrics: new Map(), value: undefined, index: m.series.size, lr: undefined };
      m.series.set(key, s);
      m.structural++;
    }
    return s;
  };

  const setState = (s, state) => {
    if (s.state === state) return;
    if (TERMINAL.has(s.state) && state === 'running') return;
    s.state = state;
    m.structural++;
  };

  function apply(rec) {
    m.recordsSeen++;
    const { run, event: e } = rec;
    const trial = typeof e.trial === 'number' ? e.trial : undefined;
    // A PBT member's events name it by `member`; its curve is a series of its own.
    const member = trial === undefined && typeof e.member === 'number' ? e.member : undefined;
    // Any event with a direction declares its run's objective (a study's trialStarted and newBest,
    // generationStarted, pbtStarted, runObjective).
    if (e.direction === 'minimize' || e.direction === 'maximize') {
      const o = m.objectives.get(run);
      const metric = typeof e.metric === 'string' ? e.metric : undefined;
      if (!o || o.direction !== e.direction || o.metric !== metric) { m.objectives.set(run, { metric, direction: e.direction }); m.structural++; }
    }
    if (applyPareto(m, run, e)) { m.version++; return; }
    if (applyLineage(m, run, e, (mem) => get(run, undefined, mem), setState) || applyPopulation(m, run, e, (t) => get(run, t))) { m.version++; return; }
    switch (e.type) {
      case 'runStart': get(run).backend = e.backend; break;
      case 'trialStarted': { const s = get(run, trial); s.params = e.params; setState(s, 'running'); break; }
      // A stored trial's attributes (a storage dashboard sends them: lib/monitor/stored-study-events.ts).
      case 'trialAttrs': get(run, trial).attrs = e.attrs; break;
      case 'epochEnd': {
        const s = get(run, trial, member);
        s.epoch = Math.max(s.epoch, e.epoch);
        let fresh = false;
        for (const [name, v] of Object.entries(e.metrics || {})) {
          if (typeof v !== 'number') continue;
          if (!m.metricNames.has(name)) { m.metricNames.add(name); fresh = true; }
          let pts = s.metrics.get(name);
          if (!pts) s.metrics.set(name, (pts = []));
          // [epoch, value, time]: the time the monitor published it (ms), for the chart's time axes.
          pts.push(typeof rec.time === 'number' ? [e.epoch, v, rec.time] : [e.epoch, v]);
        }
        if (typeof e.value === 'number') s.value = e.value;
        if (fresh) hooks.onMetrics();
        break;
      }
      case 'trialPruned': { const s = get(run, trial); setState(s, 'pruned'); if (typeof e.value === 'number') s.value = e.value; s.durationMs = e.durationMs; break; }
      case 'pruned': setState(get(run, trial), 'pruned'); break;
      case 'trialCompleted': {
        const s = get(run, trial);
        setState(s, 'completed');
        s.value = e.value;
        s.durationMs = e.durationMs;
        if (e.params && Object.keys(e.params).length) s.params = e.params;
        break;
      }
      case 'trialFailed': { const s = get(run, trial); setState(s, e.error === 'cancelled' ? 'cancelled' : 'failed'); s.error = e.error; s.durationMs = e.durationMs; break; }
      case 'newBest':
        m.bestByRun.set(run, member !== undefined ? `${run}@${member}` : `${run}#${e.trial}`);
        m.structural++;
        break;
      case 'held':
      case 'released': {
        const key = trial === undefined ? run : `${run}#${trial}`;
        m.held.set(key, Math.max(0, (m.held.get(key) || 0) + (e.type === 'held' ? 1 : -1)));
        break;
      }
      case 'stopped': { const s = get(run, trial); setState(s, 'stopped'); s.reason = e.reason; break; }
      case 'stopRequested': { const s = m.series.get(trial === undefined ? run : `${run}#${trial}`); if (s) s.stopRequested = true; break; }
      case 'lrChange': get(run, trial).lr = e.to; break;
      case 'paused': m.paused.add(run); break;
      case 'resumed': if (run === '*') m.paused.clear(); else m.paused.delete(run); break;
      case 'runEnd': {
        m.ended.set(run, e.state);
        const own = m.series.get(run);
        if (own && own.state === 'running') setState(own, e.state);
        // Trials of a study run that ended without an outcome were cut off with it.
        for (const s of m.series.values()) if (s.run === run && (s.trial !== undefined || s.member !== undefined) && s.state === 'running') setState(s, e.state === 'completed' ? 'completed' : 'cancelled');
        const lineage = m.lineages.get(run);
        if (lineage) { lineage.done = true; lineage.version++; }
        break;
      }
      default: break;
    }
    m.version++;
  }

  return m;
}
