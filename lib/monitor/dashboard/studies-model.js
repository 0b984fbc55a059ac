// The rows of the study list page, from /studies.json (lib/monitor/study-summary.ts): plain text per
// column, most recently active study first.

import { fmtParams } from './row-values.js';

const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : Number(v.toFixed(4)).toString()) : '');

/** How long ago `t` was, from `now` (ms), in words. */
export function ago(t, now) {
  if (typeof t !== 'number') return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function studyRows(studies, now) {
  return [...studies]
    .sort((a, b) => (b.lastActivity ?? b.createdAt) - (a.lastActivity ?? a.createdAt))
    .map((s) => ({
      name: s.name,
      objective: `${s.metric ?? 'value'} ${s.direction === 'maximize' ? '↑' : '↓'}`,
      trials: s.trials,
      running: s.states.running ?? 0,
      completed: s.states.completed ?? 0,
      pruned: s.states.pruned ?? 0,
      failed: s.states.failed ?? 0,
      best: s.best ? `${fmt(s.best.value)} (#${s.best.trial})` : '',
      params: s.best ? fmtParams(s.best.params) : '',
      activity: ago(s.lastActivity ?? s.createdAt, now),
      activityTitle: new Date(s.lastActivity ?? s.createdAt).toISOString(),
    }));
}
