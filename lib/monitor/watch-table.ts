/**
 * The terminal watcher's model: records in, a table of runs and trials out. Pure, so it is tested
 * without a terminal; `bin/rxtrain.ts watch` feeds it from `connectMonitor` and prints `render()`.
 *
 * Each row shows one metric and the best of it, named in its own column with its direction: the
 * `--metric` asked for, else its run's objective (declared by the run's events, ./objective.ts), else
 * `val_loss` (`loss` when a run has no validation). The ★ marks each run's best trial or member.
 */
import type { Direction } from '../search/types.js';
import { metricDirection } from '../metrics/metric-names.js';
import { declaredObjective } from './objective.js';
import type { AnyEvent, MonitorRecord } from './protocol.js';

export interface WatchRow {
  readonly key: string;
  run: string;
  trial: number | undefined;
  /** A PBT member (its events name it by `member`). */
  member?: number;
  state: string;
  epoch: number;
  /** The metric this row shows (see the module comment), once known. */
  metricName: string | undefined;
  direction: Direction | undefined;
  /** The last value of that metric (or the study's value for the trial). */
  metric: number | undefined;
  /** The best value of that metric so far, by its direction. */
  best: number | undefined;
  params: Readonly<Record<string, unknown>> | undefined;
  /** Holds of it (a `holdWhile` gate that holds it) acknowledged by the monitor, not yet released. */
  held: number;
}

export interface WatchTable {
  apply(record: MonitorRecord<{ readonly type: string }>): void;
  rows(): readonly WatchRow[];
  /** Whether every run seen has ended (its `runEnd` came), and at least one was seen. */
  allEnded(): boolean;
  /** One line per run: how it ended and its best, for the last screen. */
  results(): string[];
  render(width?: number): string;
}

const terminal = new Set(['completed', 'pruned', 'failed', 'stopped', 'cancelled']);

/**
 * @param metric The metric shown in every row; default: each run's objective (see the module comment).
 */
export function watchTable(metric?: string): WatchTable {
  const rows = new Map<string, WatchRow>();
  const objectives = new Map<string, { metric: string | undefined; direction: Direction }>();
  const bests = new Map<string, { key: string; value: number }>();
  const ended = new Map<string, string>();
  const holds = new Map<string, number>();
  let events = 0;
  const stopRequested = new Set<string>();

  /** The metric a run's rows show and its direction, given what one of its epochs carries. */
  const shown = (run: string, available?: Readonly<Record<string, unknown>>): { name: string; direction: Direction } => {
    const o = objectives.get(run);
    const name = metric ?? o?.metric ?? (available && !('val_loss' in available) && 'loss' in available ? 'loss' : 'val_loss');
    return { name, direction: o !== undefined && (o.metric === name || o.metric === undefined) ? o.direction : metricDirection(name) };
  };
  const row = (run: string, trial: number | undefined, member?: number): WatchRow => {
    const key = member !== undefined ? `${run}@${member}` : trial === undefined ? run : `${run}#${trial}`;
    let r = rows.get(key);
    if (!r) {
      r = { key, run, trial, ...(member === undefined ? {} : { member }), state: 'running', epoch: 0, metricName: undefined, direction: undefined, metric: undefined, best: undefined, params: undefined, held: holds.get(key) ?? 0 };
      rows.set(key, r);
    }
    return r;
  };
  const end = (r: WatchRow, state: string): void => {
    if (!terminal.has(r.state)) r.state = state;
  };
  const hold = (key: string, by: number): void => {
    const n = Math.max(0, (holds.get(key) ?? 0) + by);
    holds.set(key, n);
    const r = rows.get(key);
    if (r) r.held = n;
  };

  return {
    apply({ run, event }) {
      events++;
      const e = event as AnyEvent;
      const trial = typeof e.trial === 'number' ? e.trial : undefined;
      const member = trial === undefined && typeof e.member === 'number' ? e.member : undefined;
      const declared = declaredObjective(e);
      if (declared) objectives.set(run, declared);
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
        case 'pbtCompleted': {
          for (const m of (e.members as { member: number }[] | undefined) ?? []) end(row(run, undefined, m.member), 'completed');
          const b = e.best as { member?: unknown; value?: unknown } | undefined;
          if (typeof b?.member === 'number') bests.set(run, { key: `${run}@${b.member}`, value: Number(b.value) });
          break;
        }
        case 'epochEnd': {
          const r = row(run, trial, member);
          r.epoch = Math.max(r.epoch, Number(e.epoch));
          const metrics = e.metrics as Record<string, unknown> | undefined;
          const { name, direction } = shown(run, metrics);
          r.metricName = name;
          r.direction = direction;
          const v = metrics?.[name];
          // The study's (or PBT's) value is its objective metric's.
          const value = typeof v === 'number' ? v : typeof e.value === 'number' && name === objectives.get(run)?.metric ? e.value : undefined;
          if (value !== undefined) {
            r.metric = value;
            if (r.best === undefined || (direction === 'maximize' ? value > r.best : value < r.best)) r.best = value;
          }
          break;
        }
        case 'trialCompleted': {
          const r = row(run, trial);
          end(r, stopRequested.has(r.key) ? 'stopped' : 'completed');
          // Its value is the objective's: shown when this row shows the objective (or nothing yet).
          const o = objectives.get(run);
          const name = o?.metric ?? 'objective';
          if (typeof e.value === 'number' && (r.metricName === undefined || r.metricName === name) && (metric === undefined || metric === name)) {
            r.metricName = name;
            r.direction = o?.direction ?? metricDirection(name);
            r.metric = e.value;
            if (r.best === undefined) r.best = e.value;
          }
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
          bests.set(run, { key: member !== undefined ? `${run}@${member}` : `${run}#${String(e.trial)}`, value: Number(e.value) });
          break;
        case 'held':
        case 'released':
          hold(trial === undefined ? run : `${run}#${trial}`, e.type === 'held' ? 1 : -1);
          break;
        case 'runEnd':
          ended.set(run, String(e.state));
          for (const r of rows.values()) if (r.run === run && ((r.trial === undefined && r.member === undefined) || e.state !== 'completed')) end(r, String(e.state));
          break;
        default:
          break;
      }
    },
    rows: () => [...rows.values()],
    allEnded() {
      const runs = new Set([...rows.values()].map((r) => r.run));
      for (const run of ended.keys()) runs.add(run);
      return runs.size > 0 && [...runs].every((run) => ended.has(run));
    },
    results() {
      const runs = new Set([...rows.values()].map((r) => r.run));
      return [...runs].map((run) => {
        const b = bests.get(run);
        const o = objectives.get(run);
        const what = b ? `, best ${b.key.slice(run.length).replace(/^#/, 'trial ').replace(/^@/, 'member ')} ${fmt(b.value)}${o?.metric ? ` ${o.metric}` : ''}` : '';
        return `${run}: ${ended.get(run) ?? 'no end seen'}${what}`;
      });
    },
    render(width = 120) {
      const arrow = (r: WatchRow): string => (r.metricName === undefined ? '' : `${r.metricName} ${r.direction === 'maximize' ? '↑' : '↓'}`);
      const head = ['run / trial', 'state', 'epoch', 'metric', 'value', 'best', 'params'];
      const body = [...rows.values()].map((r) => [
        (r.member !== undefined ? `${r.run} m${r.member}` : r.trial === undefined ? r.run : `${r.run} #${r.trial}`) + (bests.get(r.run)?.key === r.key ? ' *' : ''),
        r.held > 0 && r.state === 'running' ? 'paused' : r.state,
        String(r.epoch),
        arrow(r),
        fmt(r.metric),
        fmt(r.best),
        r.params ? Object.entries(r.params).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`).join(' ') : '',
      ]);
      const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
      const numeric = (i: number): boolean => i === 2 || i === 4 || i === 5;
      const line = (cells: string[]): string => cells.map((c, i) => (numeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').slice(0, width).trimEnd();
      const counts = new Map<string, number>();
      for (const r of rows.values()) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
      const summary = `${rows.size} runs/trials (${[...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none yet'}), ${events} events`;
      return [summary, '', line(head), line(head.map((_, i) => '-'.repeat(widths[i] ?? 0))), ...body.map(line)].join('\n');
    },
  };
}

function fmt(v: number | undefined): string {
  return v === undefined ? '' : Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(4);
}
