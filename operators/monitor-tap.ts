import { Observable, Subscription, type MonoTypeOperatorFunction } from 'rxjs';
import { configError } from '../lib/errors.js';
import type { Population } from '../lib/evolve/types.js';
import { generationStarted, isPopulation, memberStreams } from '../lib/monitor/population-events.js';
import type { RunEnd } from '../lib/monitor/protocol.js';
import type { MonitorSink } from '../lib/monitor/start-monitor.js';
import { knownFields, nonEmptyString, requireObject } from '../lib/validate.js';

export interface MonitorTapConfig {
  /** The run id the events are tagged with. Default: a fresh one per subscription (`run-1`, ...). */
  readonly run?: string;
}

const where = 'monitorTap()';

/**
 * Send every event of a stream to a monitor, and pass it on unchanged.
 *
 * Intuition: `tap` whose side effect is a broadcast. Sending is fire-and-forget: the monitor sets the
 * event aside (it is serialised with others at the next flush) and returns at once, so a slow or
 * stalled browser never slows the stream (it is dropped instead). Works on any stream of `{type}` objects: a training run, a study's events,
 * `pbt()`'s events. On a stream of `evolve()` populations, each population is sent as a
 * `{type: 'generationStarted', generation, members, best?}` record of plain data, followed by its
 * members' trial events (read from their replaying streams: nothing is run twice). When the stream
 * ends, a `{type: 'runEnd', state}` record (`completed`, `failed` with the error's message, or
 * `cancelled` on unsubscribe) goes to the monitor only; the stream is untouched.
 *
 * @example
 * ```ts
 * import { evolve, startMonitor, train } from 'rxtrain';
 * import { monitorTap } from 'rxtrain/operators';
 * const monitor = await startMonitor();
 * train(model, data, { epochs: 20 }).pipe(monitorTap(monitor, { run: 'baseline' })).subscribe();
 * evolve(space, objective, { populationSize: 8, generations: 5 }).pipe(monitorTap(monitor, { run: 'evolve' })).subscribe();
 * ```
 * @param monitor A monitor from `startMonitor()` (or any {@link MonitorSink}).
 * @param config The run id to tag the events with.
 * @returns An operator that mirrors its source.
 */
export function monitorTap<E extends { readonly type: string } | Population>(monitor: MonitorSink, config: MonitorTapConfig = {}): MonoTypeOperatorFunction<E> {
  if (monitor === null || typeof monitor !== 'object' || typeof monitor.publish !== 'function' || typeof monitor.newRun !== 'function') {
    throw configError(where, 'monitor', 'must be a monitor from startMonitor() (with publish and newRun)', monitor);
  }
  const c = requireObject(where, config);
  knownFields(where, c, ['run']);
  const fixedRun = c.run === undefined ? undefined : nonEmptyString(where, 'run', c.run);
  return (source) =>
    new Observable<E>((subscriber) => {
      const run = fixedRun ?? monitor.newRun();
      let ended = false;
      const members = new Subscription();
      const end = (e: RunEnd): void => {
        ended = true;
        monitor.publish(run, e);
      };
      const sub = source.subscribe({
        next: (e) => {
          if (isPopulation(e)) {
            monitor.publish(run, generationStarted(e));
            for (const events of memberStreams(e)) members.add(events.subscribe({ next: (m) => monitor.publish(run, m), error: () => undefined }));
          } else {
            monitor.publish(run, e as { readonly type: string });
          }
          subscriber.next(e);
        },
        error: (err: unknown) => {
          end({ type: 'runEnd', state: 'failed', error: err instanceof Error ? err.message : String(err) });
          subscriber.error(err);
        },
        complete: () => {
          end({ type: 'runEnd', state: 'completed' });
          subscriber.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        members.unsubscribe();
        if (!ended) end({ type: 'runEnd', state: 'cancelled' });
      };
    });
}
