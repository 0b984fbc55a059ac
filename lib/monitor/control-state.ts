/**
 * What a monitor's commands change, kept where both monitors see it: `startMonitor()` (commands from
 * its WebSocket clients) and `mountDashboard()` (commands from the dashboard in the same page). A stop
 * and a pause are told to the views as records; the pause state lives here, derived from the commands,
 * so that an operator subscribing later (the next epoch's source, the next trial) sees the state now,
 * not only future changes.
 */
import { BehaviorSubject, Observable, distinctUntilChanged, map } from 'rxjs';
import { acknowledgedPause } from '../acknowledged-pause.js';
import type { HoldEvent, MonitorCommand, MonitorControlEvent, StopRequested } from './protocol.js';

export interface ControlState {
  /** Take one command into account (publishes what the views show of it). */
  see(cmd: MonitorCommand): void;
  /** `MonitorControl.paused`: the pause flag of `run` (or of all runs), acknowledged as `held`/`released` records. */
  paused(run?: string, trial?: number): Observable<boolean>;
  /** No more commands: every `paused()` flag completes. */
  complete(): void;
}

/** @param publish Where the records for the views go (the monitor's own publish). */
export function controlState(publish: (run: string, event: { readonly type: string }) => void): ControlState {
  const pauses = new BehaviorSubject<{ all: boolean; runs: ReadonlySet<string> }>({ all: false, runs: new Set() });
  return {
    see(cmd) {
      if (cmd.type === 'stop') {
        // Shown by the dashboard even when the stopped stream's own `stopped` event does not reach the
        // monitor (a study forwards its trials' epochs, not their other events).
        const event: StopRequested = { type: 'stopRequested', source: 'monitor', ...(cmd.trial === undefined ? {} : { trial: cmd.trial }), ...(cmd.reason === undefined ? {} : { reason: cmd.reason }) };
        publish(cmd.run, event);
        return;
      }
      if (cmd.type !== 'pause' && cmd.type !== 'resume') return;
      // Tell every view, so dashboards show it (run '*' is every run).
      const event: MonitorControlEvent = { type: cmd.type === 'pause' ? 'paused' : 'resumed', source: 'monitor' };
      publish(cmd.run ?? '*', event);
      const { all, runs } = pauses.value;
      const next = new Set(runs);
      if (cmd.run === undefined) {
        if (cmd.type === 'resume') next.clear();
        pauses.next({ all: cmd.type === 'pause', runs: next });
      } else {
        if (cmd.type === 'pause') next.add(cmd.run);
        else next.delete(cmd.run);
        pauses.next({ all, runs: next });
      }
    },
    paused: (run, trial) =>
      acknowledgedPause(
        pauses.pipe(map((p) => p.all || (run !== undefined && p.runs.has(run))), distinctUntilChanged()),
        (held) => {
          const event: HoldEvent = { type: held ? 'held' : 'released', source: 'monitor', ...(trial === undefined ? {} : { trial }) };
          publish(run ?? '*', event);
        },
      ),
    complete: () => pauses.complete(),
  };
}
