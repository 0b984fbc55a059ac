import type * as tf from '@tensorflow/tfjs-core';
import { Observable, type OperatorFunction } from 'rxjs';
import { configError } from '../lib/errors.js';
import { isEvent, type LearningRateChange, type RunStopped } from '../lib/events.js';
import type { MonitorCommand } from '../lib/monitor/protocol.js';
import { getLearningRate, setLearningRate } from '../lib/optimizers.js';
import { knownFields, nonEmptyString, nonNegativeInt, requireObject } from '../lib/validate.js';
import { optimizerField } from './internal/optimizer-field.js';

export interface ControlledByConfig {
  /** The run id the commands name (the same as given to `monitorTap`). */
  readonly run: string;
  /** For a trial of a study: its number. Commands that name another trial are ignored. */
  readonly trial?: number;
  /** The optimizer `setLearningRate` changes. Without it, `setLearningRate` commands are ignored. */
  readonly optimizer?: tf.Optimizer;
}

const where = 'controlledBy()';
const isEpochEnd = isEvent('epochEnd');

/**
 * Let monitor commands steer a training stream: `stop` ends it, `setLearningRate` changes its
 * optimizer's rate at the next epoch boundary.
 *
 * Intuition: `takeUntil` that says why, plus a hand on the learning rate. Commands arrive while the
 * training loop gives the event loop a turn (every few ms, between two steps), so a `stop` lands at the
 * next step boundary: a `{type: 'stopped', source: 'monitor'}` event is emitted (its `epoch` is the last
 * epoch that finished, 0 inside the first) and the stream completes, which unsubscribes the training above. A `setLearningRate`
 * waits for the next `epochEnd`, is applied after it passes, and is announced by an `lrChange` event
 * whose `epoch` is the first to train at the new rate. Only commands whose `run` (and `trial`, when
 * both name one) match are obeyed. Pausing is `holdWhile(monitor.paused(run))`, placed on the batch
 * source: an operator below the training step cannot hold a synchronous producer above it.
 *
 * Put `monitorTap` below this operator so that the monitor sees the `stopped` and `lrChange` events.
 *
 * @example
 * ```ts
 * import { train } from 'rxtrain';
 * import { controlledBy, monitorTap } from 'rxtrain/operators';
 * train(model, data, { epochs: 50, optimizer: opt })
 *   .pipe(controlledBy(monitor.commands, { run: 'a', optimizer: opt }), monitorTap(monitor, { run: 'a' }));
 * ```
 * @param commands The monitor's `commands` (any Observable of {@link MonitorCommand}).
 * @param config Which run (and trial) this stream is, and its optimizer.
 * @returns An operator that passes events through, adding `stopped` and `lrChange` events.
 */
export function controlledBy<E extends { readonly type: string }>(
  commands: Observable<MonitorCommand>,
  config: ControlledByConfig,
): OperatorFunction<E, E | RunStopped | LearningRateChange> {
  if (commands === null || typeof commands !== 'object' || typeof (commands as Observable<MonitorCommand>).subscribe !== 'function') {
    throw configError(where, 'commands', 'must be an Observable of monitor commands (monitor.commands)', commands);
  }
  const c = requireObject(where, config);
  knownFields(where, c, ['run', 'trial', 'optimizer']);
  const run = nonEmptyString(where, 'run', c.run);
  const trial = c.trial === undefined ? undefined : nonNegativeInt(where, 'trial', c.trial);
  const optimizer = c.optimizer === undefined ? undefined : optimizerField(where, c.optimizer);
  const mine = (cmd: MonitorCommand): boolean =>
    cmd.run === run && (!('trial' in cmd) || cmd.trial === undefined || trial === undefined || cmd.trial === trial);

  return (source) =>
    new Observable<E | RunStopped | LearningRateChange>((subscriber) => {
      let epoch = 0;
      let pendingLr: number | undefined;

      const control = commands.subscribe({
        next: (cmd) => {
          if (subscriber.closed || !mine(cmd)) return;
          if (cmd.type === 'stop') {
            subscriber.next({ type: 'stopped', epoch, source: 'monitor', reason: cmd.reason ?? 'stopped from the monitor' });
            subscriber.complete();
          } else if (cmd.type === 'setLearningRate' && optimizer) {
            pendingLr = cmd.lr;
          }
        },
        // A monitor that goes away leaves the run alone.
        error: () => undefined,
      });
      if (subscriber.closed) return () => control.unsubscribe();

      const sub = source.subscribe({
        next: (e) => {
          const end = isEpochEnd(e);
          if (end && typeof e.epoch === 'number') epoch = e.epoch;
          subscriber.next(e);
          if (end && pendingLr !== undefined && optimizer && !subscriber.closed) {
            const to = pendingLr;
            pendingLr = undefined;
            let from: number;
            try {
              from = getLearningRate(optimizer);
              setLearningRate(optimizer, to);
            } catch (err) {
              subscriber.error(err);
              return;
            }
            subscriber.next({ type: 'lrChange', epoch: epoch + 1, from, to, source: 'monitor' });
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        control.unsubscribe();
        sub.unsubscribe();
      };
    });
}
