/**
 * `mountDashboard()`: the monitor's dashboard inside a page, fed by that page's own streams (no server,
 * no WebSocket). It is a monitor as `monitorTap` and `controlledBy`/`holdWhile` know one: events go in
 * through `publish`, the dashboard's stop, pause and lr buttons come out as `commands`, and `paused()`
 * is the same acknowledged flag `startMonitor()` gives (./control-state.ts).
 */
import { Subject } from 'rxjs';
import { systemClock, type Clock } from '../clock.js';
import { configError } from '../errors.js';
import { knownFields, nonEmptyString, requireObject } from '../validate.js';
import { mountView } from './dashboard/mount.js';
import { controlState } from './control-state.js';
import { importanceFeedsOption } from './importance-feeds.js';
import type { ImportanceFeedOptions } from './importance-feed.js';
import type { MonitorCommand } from './protocol.js';
import type { MonitorControl, MonitorSink } from './start-monitor.js';

/** Where the dashboard goes: a page's element (an `HTMLElement`). Its children are replaced. */
export interface DashboardElement {
  replaceChildren(): void;
  readonly ownerDocument: unknown;
}

export interface MountDashboardOptions {
  /** The heading above the dashboard. Default `rxtrain monitor`. */
  readonly title?: string;
  /** Clock for record times (the curves' wall-time axis). Default the system clock. */
  readonly clock?: Clock;
  /** Parameter importance of each study run, as `startMonitor()`'s option of that name. Default on. */
  readonly importance?: boolean | ImportanceFeedOptions;
}

/** A dashboard in the page: a monitor to `monitorTap` into and to control streams by. */
export interface MountedDashboard extends MonitorSink, MonitorControl {
  /** Stop drawing, empty the element, complete `commands` and every `paused()` flag. */
  destroy(): void;
}

const where = 'mountDashboard()';

/**
 * Draw the monitor's dashboard (curves, parameters, the trials' views, the table) in `element`, fed by
 * the streams piped through `monitorTap(dashboard)`.
 *
 * Intuition: `startMonitor()` without the server: the radio station and the radio in one page. One
 * dashboard per page (its views find their elements by id); `destroy()` the first to mount another.
 *
 * @example
 * ```ts
 * import { mountDashboard, study } from 'rxtrain';
 * import { controlledBy, monitorTap } from 'rxtrain/operators';
 * const dash = mountDashboard(document.getElementById('dashboard')!);
 * study(space, objective, { trials: 12 }).optimize().pipe(monitorTap(dash, { run: 'digits' })).subscribe();
 * ```
 * @param element The element to draw in; give it a height (CSS `--rxtrain-dashboard-height`, default 720px).
 * @param options `title`, `clock`, `importance`.
 * @returns The monitor: `publish`, `newRun`, `commands`, `paused(run, trial?)`, `destroy()`.
 */
export function mountDashboard(element: DashboardElement, options: MountDashboardOptions = {}): MountedDashboard {
  if (element === null || typeof element !== 'object' || typeof element.replaceChildren !== 'function' || typeof element.ownerDocument !== 'object') {
    throw configError(where, 'element', 'must be an element of the page (an HTMLElement)', element);
  }
  const o = requireObject(where, options);
  knownFields(where, o, ['title', 'clock', 'importance']);
  const title = o.title === undefined ? undefined : nonEmptyString(where, 'title', o.title);
  const clock = (o.clock as Clock | undefined) ?? systemClock;
  if (typeof clock.now !== 'function') throw configError(where, 'clock', 'must have a now() method', o.clock);
  const importances = importanceFeedsOption(where, o.importance, (run, event) => record(run, event));

  const commands = new Subject<MonitorCommand>();
  const control = controlState((run, event) => record(run, event));
  let seq = 0;
  let destroyed = false;
  const view = mountView(element, {
    title,
    send: (cmd) => {
      if (destroyed) return;
      control.see(cmd);
      commands.next(cmd);
    },
  });
  if (view === null) {
    importances?.close();
    throw configError(where, 'element', 'cannot hold a second dashboard: a page holds one (its views find their elements by id); destroy() the first', element);
  }

  /** Numbered and copied as the server sends it (JSON), so the views see what a served page sees. */
  function record(run: string, event: { readonly type: string }): void {
    if (destroyed) return;
    try {
      view!.apply({ seq: ++seq, run, time: clock.now(), event: JSON.parse(JSON.stringify(event)) as { readonly type: string } });
    } catch {
      // Never throws into the stream it watches: an event the views cannot take is left out.
    }
  }

  let runs = 0;
  return {
    publish: (run, event) => {
      record(run, event);
      importances?.see(run, event);
    },
    newRun: () => `run-${++runs}`,
    commands: commands.asObservable(),
    paused: control.paused,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      importances?.close();
      commands.complete();
      control.complete();
      view.stop();
    },
  };
}
