/**
 * The terminal watcher's model: records in, a table of runs and trials out. Pure, so it is tested
 * without a terminal; `bin/rxtrain.ts watch` feeds it from `connectMonitor` and prints `render()`.
 */
import type { AnyEvent, MonitorRecord } from './protocol.js';

export interface WatchRow {
  readonly key: string;
  run: string;
  trial: number | undefined;
  /** A PBT member (its events name it by `member`). */
  member?: number;
  state: string;
  epoch: number;
  /** The last value of the watched metric (or the study's value for the trial). */
  metric: number | undefined;
  /** The best value of the watched metric so far. */
  best: number | undefined;
  params: Readonly<Record<string, unknown>> | undefined;
}

export interface WatchTable {
  apply(record: MonitorRecord<{ readonly type: string }>): void;
  rows(): readonly WatchRow[];
  render(width?: number): string;
}

const terminal = new Set(['completed', 'pruned', 'failed', 'stopped', 'cancelled']);

/**
 * @param metric The metric shown (default `val_loss`); `max` for accuracies, `min` otherwise.
 */
export function watchTable(metric = 'val_loss'): WatchTable {
  const rows = new Map<string, WatchRow>();
  const higherIsBetter = /acc/.test(metric);
  let events = 0;
  let bestTrial: string | undefined;
  const stopRequested = new Set<string>();

  const row = (run: string, trial: number | undefined, member?: number): WatchRow => {
    const key = member !== undefined ? `${run}@${member}` : trial === undefined ? run : `${run}#${trial}`;
    let r = rows.get(key);
    if (!r) {
      r = { key, run, trial, ...(member === undefined ? {} : { member }), state: 'running', epoch: 0, metric: undefined, best: undefined, params: undefined };
      rows.set(key, r);
    }
    return r;
  };
  const end = (r: WatchRow, state: string): void => {
    if (!terminal.has(r.state)) r.state = state;
  };

  return {
    apply({ run, event }) {
      events++;
      const e = event as AnyEvent;
      const trial = typeof e.trial === 'number' ? e.trial : undefined;
      const member = trial === undefined && typeof e.member === 'number' ? e.member : undefined;
      switch (e.type) {
        case 'runStart':
          row(run, undefined);
          break;
        case 'trialStarted':
          row(run, trial).params = e.params as Record<string, unknown>;
          break;
        case 'pbtStarted':
          for (const m of (e.members as { member: number; params: Record<string, unknown> }[] | undefined) ?? []) row(run, undefined, m.member).params = m.params;
          break;
        case 'explore':
          if (member !== undefined) row(run, undefined, member).params = e.newParams as Record<string, unknown>;
          break;
        case 'pbtCompleted':
          for (const m of (e.members as { member: number }[] | undefined) ?? []) end(row(run, undefined, m.member), 'completed');
          if (typeof (e.best as { member?: unknown } | undefined)?.member === 'number') bestTrial = `${run}@${(e.best as { member: number }).member}`;
          break;
        case 'epochEnd': {
          const r = row(run, trial, member);
          r.epoch = Math.max(r.epoch, Number(e.epoch));
          const v = (e.metrics as Record<string, unknown> | undefined)?.[metric];
          const value = typeof v === 'number' ? v : typeof e.value === 'number' ? e.value : undefined;
          if (value !== undefined) {
            r.metric = value;
            if (r.best === undefined || (higherIsBetter ? value > r.best : value < r.best)) r.best = value;
          }
          break;
        }
        case 'trialCompleted': {
          const r = row(run, trial);
          end(r, stopRequested.has(r.key) ? 'stopped' : 'completed');
          break;
        }
        case 'stopRequested':
          stopRequested.add(trial === undefined ? run : `${run}#${trial}`);
          break;
        case 'trialPruned':
        case 'pruned':
          end(row(run, trial), 'pruned');
          break;
        case 'trialFailed':
          end(row(run, trial), e.error === 'cancelled' ? 'cancelled' : 'failed');
          break;
        case 'stopped':
          end(row(run, trial), 'stopped');
          break;
        case 'newBest':
          bestTrial = `${run}#${String(e.trial)}`;
          break;
        case 'runEnd':
          for (const r of rows.values()) if (r.run === run && ((r.trial === undefined && r.member === undefined) || e.state !== 'completed')) end(r, String(e.state));
          break;
        default:
          break;
      }
    },
    rows: () => [...rows.values()],
    render(width = 120) {
      const fmt = (v: number | undefined): string => (v === undefined ? '' : Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(4));
      const head = ['run / trial', 'state', 'epoch', metric, `best ${metric}`, 'params'];
      const body = [...rows.values()].map((r) => [
        (r.member !== undefined ? `${r.run} m${r.member}` : r.trial === undefined ? r.run : `${r.run} #${r.trial}`) + (r.key === bestTrial ? ' *' : ''),
        r.state,
        String(r.epoch),
        fmt(r.metric),
        fmt(r.best),
        r.params ? Object.entries(r.params).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`).join(' ') : '',
      ]);
      const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
      const line = (cells: string[]): string => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').slice(0, width).trimEnd();
      const counts = new Map<string, number>();
      for (const r of rows.values()) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
      const summary = `${rows.size} runs/trials (${[...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none yet'}), ${events} events`;
      return [summary, '', line(head), line(head.map((_, i) => '-'.repeat(widths[i] ?? 0))), ...body.map(line)].join('\n');
    },
  };
}
