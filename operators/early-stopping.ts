import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { Observable, type OperatorFunction } from 'rxjs';
import { configError } from '../lib/errors.js';
import { isEvent, type EpochEnd, type MetricName, type RunStopped } from '../lib/events.js';
import { booleanField, finiteNumber, knownFields, nonNegativeInt, requireObject } from '../lib/validate.js';
import { improves, modeField, monitorField, readMonitor, worst, type MonitorMode } from './internal/monitor.js';

/** The part of a model `earlyStopping({ restoreBest: true })` needs: any `tf.LayersModel` has it. */
export type WeightsModel = Pick<LayersModel, 'getWeights' | 'setWeights'>;

export interface EarlyStoppingConfig {
  /** The metric to watch. Default `val_loss`. */
  readonly monitor?: MetricName;
  /** `min`, `max`, or `auto` (default): the metric's own direction (`metricDirection`: `max` for accuracy, F1, AUC, R² ...; `min` for losses and errors). */
  readonly mode?: MonitorMode;
  /**
   * Epochs without improvement to tolerate; the run stops at the next one. Default 0: stop at the
   * first epoch that does not improve. (Keras and tfjs stop one epoch earlier for the same number:
   * their `patience: 3` is our `patience: 2`.)
   */
  readonly patience?: number;
  /** An epoch improves only when it beats the best so far by more than this. Default 0. */
  readonly minDelta?: number;
  /**
   * A value the monitor must beat: epochs that do not beat it count as not improving, even when they
   * are the best so far. Default: none.
   */
  readonly baseline?: number;
  /** On stopping, put back the weights of the best epoch (needs `model`). Default false. */
  readonly restoreBest?: boolean;
  /** The model whose weights to keep and restore; required with `restoreBest`. */
  readonly model?: WeightsModel;
}

const where = 'earlyStopping()';
const isEpochEnd = isEvent('epochEnd');

/**
 * Stop training when a metric has stopped improving.
 *
 * Watches the `epochEnd` events; when `patience + 1` epochs in a row have not improved the monitored
 * metric, it passes that epoch on, emits a `stopped` event and completes, which unsubscribes upstream
 * and so ends training. Every other event passes through unchanged. A monitored metric missing from an
 * epoch fails the stream with an error that lists the metrics present. A NaN value counts as no
 * improvement (use `terminateOnNaN()` to fail on it).
 *
 * With `restoreBest`, a copy of the weights of the best epoch is kept (one clone per weight, replaced
 * when a better epoch comes, freed when the stream completes, errors or is unsubscribed) and written
 * back into the model when the run stops, after the stopping `epochEnd` has been passed on and before
 * the `stopped` event, which then says which epoch was restored.
 *
 * @example
 * ```ts
 * import { earlyStopping } from 'rxtrain/operators';
 *
 * events$.pipe(earlyStopping({ monitor: 'val_loss', patience: 3, restoreBest: true, model }))
 *   .subscribe((e) => { if (e.type === 'stopped') console.log(e.reason); });
 * ```
 *
 * @param config What to watch, how patient to be, and whether to restore the best weights.
 * @returns An operator that passes events through and completes after the epoch that triggers the stop.
 */
export function earlyStopping<E extends { readonly type: string }>(
  config: EarlyStoppingConfig = {},
): OperatorFunction<E, E | RunStopped> {
  const c = requireObject(where, config);
  knownFields(where, c, ['monitor', 'mode', 'patience', 'minDelta', 'baseline', 'restoreBest', 'model']);
  const monitor = monitorField(where, c.monitor);
  const mode = modeField(where, c.mode, monitor);
  const patience = c.patience === undefined ? 0 : nonNegativeInt(where, 'patience', c.patience);
  const minDelta = c.minDelta === undefined ? 0 : finiteNumber(where, 'minDelta', c.minDelta);
  if (minDelta < 0) throw configError(where, 'minDelta', 'must be ≥ 0', minDelta);
  const baseline = c.baseline === undefined ? undefined : finiteNumber(where, 'baseline', c.baseline);
  const restoreBest = c.restoreBest === undefined ? false : booleanField(where, 'restoreBest', c.restoreBest);
  const model = c.model as WeightsModel | undefined;
  if (model !== undefined && (typeof model !== 'object' || model === null ||
      typeof model.getWeights !== 'function' || typeof model.setWeights !== 'function')) {
    throw configError(where, 'model', 'must be a tfjs-layers model (with getWeights and setWeights)', model);
  }
  if (restoreBest && model === undefined) {
    throw configError(where, 'model', 'is required when restoreBest is true (the weights to keep come from it)');
  }

  return (source) =>
    new Observable<E | RunStopped>((subscriber) => {
      let best = worst(mode);
      let bestEpoch: number | undefined;
      let bestWeights: tf.Tensor[] | undefined;
      let wait = 0;
      const release = (): void => {
        if (bestWeights) tf.dispose(bestWeights);
        bestWeights = undefined;
      };

      const onEpoch = (e: EpochEnd): RunStopped | undefined => {
        const current = readMonitor(where, e, monitor);
        if (improves(current, best, mode, minDelta)) {
          best = current;
          bestEpoch = e.epoch;
          if (restoreBest && model) {
            // Clone before releasing: the model's variables are the source, the clones are ours.
            const copy = model.getWeights().map((w) => tf.clone(w));
            release();
            bestWeights = copy;
          }
          if (baseline === undefined || improves(current, baseline, mode, minDelta)) {
            wait = 0;
            return undefined;
          }
        }
        wait += 1;
        if (wait <= patience) return undefined;
        const reason =
          baseline !== undefined && !improves(best, baseline, mode, minDelta)
            ? `${monitor} did not beat the baseline ${baseline} for ${wait} epoch${wait === 1 ? '' : 's'}`
            : `${monitor} did not improve for ${wait} epoch${wait === 1 ? '' : 's'}` +
              (bestEpoch === undefined ? '' : ` (best ${best} at epoch ${bestEpoch})`);
        return { type: 'stopped', source: 'earlyStopping', reason, epoch: e.epoch };
      };

      // After the stopping epoch has gone downstream (an operator there may still save or read the
      // weights of that epoch), put the best weights back.
      const restore = (stopped: RunStopped): RunStopped => {
        if (!restoreBest || !model || !bestWeights || bestEpoch === undefined) return stopped;
        model.setWeights(bestWeights);
        return { ...stopped, restoredEpoch: bestEpoch };
      };

      const upstream = source.subscribe({
        next: (e) => {
          // A synchronous source can go on calling next after we completed, before subscribe returns
          // and lets us unsubscribe it: do nothing more then (no clone would ever be released).
          if (subscriber.closed) return;
          let stopped: RunStopped | undefined;
          if (isEpochEnd(e)) {
            try {
              stopped = onEpoch(e);
            } catch (err) {
              subscriber.error(err);
              return;
            }
          }
          subscriber.next(e);
          if (stopped && !subscriber.closed) {
            subscriber.next(restore(stopped));
            subscriber.complete();
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        upstream.unsubscribe();
        release();
      };
    });
}
