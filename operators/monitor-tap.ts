import { Observable, Subscription, type MonoTypeOperatorFunction } from 'rxjs';
import { configError } from '../lib/errors.js';
import type { Population } from '../lib/evolve/types.js';
import { metricDirection } from '../lib/metrics/metric-names.js';
import type { RunObjective } from '../lib/monitor/objective.js';
import { evolveBest, generationStarted, isPopulation, memberStreams } from '../lib/monitor/population-events.js';
import type { RunEnd } from '../lib/monitor/protocol.js';
import type { MonitorSink } from '../lib/monitor/start-monitor.js';
import type { Direction } from '../lib/search/types.js';
import { knownFields, nonEmptyString, oneOf, requireObject } from '../lib/validate.js';

export interface MonitorTapConfig {
  /** The run id the events are tagged with. Default: a fresh one per subscription (`run-1`, ...). */
  readonly run?: string;
  /**
   * For a plain training run: the metric it is judged by, and which way is better (default: up for
   * accuracies, down otherwise). The dashboard and `rxtrain watch` show and rank the run by it. A
   * study, `evolve()` or `pbt()` stream declares its own (from its config): leave this out.
   */
  readonly objective?: { readonly metric: string; readonly direction?: Direction };
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
 * members' trial events (read from their replaying streams: nothing is run twice) and a `newBest`
 * record for each member that beats the best so far. With `objective`, a `{type: 'runObjective',
 * metric, direction}` record goes first, so the views know what a plain run is judged by. When the stream
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
  knownFields(where, c, ['run', 'objective']);
  const fixedRun = c.run === undefined ? undefined : nonEmptyString(where, 'run', c.run);
  let objective: RunObjective | undefined;
  if (c.objective !== undefined) {
    const o = requireObject(where, c.objective, 'objective');
    const extra = Object.keys(o).find((k) => k !== 'metric' && k !== 'direction');
    if (extra !== undefined) throw configError(where, `objective.${extra}`, 'is not a known option (known: metric, direction)');
    const metric = nonEmptyString(where, 'objective.metric', o.metric);
    const direction = o.direction === undefined ? metricDirection(metric) : oneOf(where, 'objective.direction', o.direction, ['minimize', 'maximize'] as const);
    objective = { type: 'runObjective', metric, direction };
  }
  return (source) =>
    new Observable<E>((subscriber) => {
      const run = fixedRun ?? monitor.newRun();
      let ended = false;
      const members = new Subscription();
      const best = evolveBest();
      if (objective) monitor.publish(run, objective);
      const end = (e: RunEnd): void => {
        ended = true;
        monitor.publish(run, e);
      };
      const sub = source.subscribe({
        next: (e) => {
          if (isPopulation(e)) {
            monitor.publish(run, generationStarted(e));
            best.population(e);
            const see = (m: { readonly type: string }): void => {
              monitor.publish(run, m);
              const news = best.member(m);
              if (news) monitor.publish(run, news);
            };
            for (const events of memberStreams(e)) members.add(events.subscribe({ next: see, error: () => undefined }));
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
