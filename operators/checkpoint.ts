import type { LayersModel } from '@tensorflow/tfjs-layers';
import { concatMap, defer, finalize, from, map, of, type Observable, type OperatorFunction } from 'rxjs';
import { configError, RxtrainError } from '../lib/errors.js';
import { isEvent, type CheckpointSaved, type MetricName } from '../lib/events.js';
import { disposeSnapshot, saveSnapshot, snapshotModel, type ModelSnapshot } from '../lib/io/save-load.js';
import { booleanField, knownFields, nonEmptyString, requireObject } from '../lib/validate.js';
import { improves, modeField, monitorField, readMonitor, worst, type MonitorMode } from './internal/monitor.js';

export interface CheckpointConfig {
  /**
   * The folder to save into (created if missing). A `{epoch}` in it is replaced by the epoch number,
   * to keep one folder per saved epoch; without it each save replaces the previous one.
   */
  readonly dir: string;
  /** The model to save. */
  readonly model: LayersModel;
  /** The metric that decides which epochs are best. Default `val_loss`. */
  readonly monitor?: MetricName;
  /** `min`, `max`, or `auto` (default): the metric's own direction (`metricDirection`: `max` for accuracy, F1, AUC, R² ...; `min` for losses and errors). */
  readonly mode?: MonitorMode;
  /** Save only epochs that improve on the best so far (default true); false saves every epoch. */
  readonly saveBestOnly?: boolean;
}

const where = 'checkpoint()';
const isEpochEnd = isEvent('epochEnd');

/**
 * Save the model to disk at the epochs that improve a metric.
 *
 * At each `epochEnd` that improves the monitored metric (or every one, with `saveBestOnly: false`), the
 * model's weights are cloned at once, written to `dir` as `model.json` + `weights.bin` (the tfjs
 * format that tfjs-node's `file://` and `loadModel(dir)` read), and then that `epochEnd` is passed on,
 * followed by a `checkpoint` event. Events that arrive while a save runs wait for it, in order: none is
 * dropped or reordered. A failed write fails the stream with an error that names the path. Clones of
 * weights waiting to be saved are freed on completion, error or unsubscribe.
 *
 * Because each saved `epochEnd` reaches the operators after this one only when its save is done, and
 * training may have gone on meanwhile, put `checkpoint` after the operators that read or change the
 * model at an epoch's end (`earlyStopping` with `restoreBest`, `lrSchedule`, `reduceLROnPlateau`), just
 * before the sinks.
 *
 * @example
 * ```ts
 * import { checkpoint } from 'rxtrain/operators';
 * import { loadModel } from 'rxtrain';
 *
 * await lastValueFrom(events$.pipe(checkpoint({ dir: './ckpt', model, monitor: 'val_accuracy' })));
 * const best = await loadModel('./ckpt');
 * ```
 *
 * @param config Where to save, which model, and which epochs.
 * @returns An operator that passes events through, each saved `epochEnd` after its save has finished.
 */
export function checkpoint<E extends { readonly type: string }>(
  config: CheckpointConfig,
): OperatorFunction<E, E | CheckpointSaved> {
  const c = requireObject(where, config);
  knownFields(where, c, ['dir', 'model', 'monitor', 'mode', 'saveBestOnly']);
  const dir = nonEmptyString(where, 'dir', c.dir);
  const model = c.model as LayersModel;
  if (model === null || typeof model !== 'object' || typeof model.toJSON !== 'function' ||
      typeof model.getWeights !== 'function' || !Array.isArray(model.weights)) {
    throw configError(where, 'model', 'must be a tfjs-layers LayersModel', model);
  }
  const monitor = monitorField(where, c.monitor);
  const mode = modeField(where, c.mode, monitor);
  const saveBestOnly = c.saveBestOnly === undefined ? true : booleanField(where, 'saveBestOnly', c.saveBestOnly);
  const pathFor = (epoch: number): string => dir.replaceAll('{epoch}', String(epoch));

  interface Save { readonly snapshot: ModelSnapshot; readonly event: CheckpointSaved; started: boolean }

  return (source) =>
    defer(() => {
      let best = worst(mode);
      const pending = new Set<Save>();
      const release = (save: Save): void => {
        if (pending.delete(save)) disposeSnapshot(save.snapshot);
      };

      const write = (e: E, save: Save): Observable<E | CheckpointSaved> =>
        defer(() => {
          save.started = true;
          // Freed when the write settles, not on unsubscribe: tfjs may still be reading the clones.
          const done = saveSnapshot(save.snapshot, save.event.path).then(
            () => release(save),
            (err: unknown) => {
              release(save);
              throw err instanceof RxtrainError ? err : new RxtrainError('STORAGE',
                `${where}: saving epoch ${save.event.epoch} to ${save.event.path} failed: ${err instanceof Error ? err.message : String(err)}`,
                { path: save.event.path, epoch: save.event.epoch }, { cause: err });
            },
          );
          return from(done);
        }).pipe(concatMap(() => of<(E | CheckpointSaved)[]>(e, save.event)));

      return source.pipe(
        // Decide and snapshot as each event arrives, so a save waiting its turn still writes its own epoch.
        map((e): { e: E; save?: Save } => {
          if (!isEpochEnd(e)) return { e };
          const value = readMonitor(where, e, monitor);
          if (saveBestOnly) {
            if (!improves(value, best, mode, 0)) return { e };
            best = value;
          }
          const event: CheckpointSaved = { type: 'checkpoint', epoch: e.epoch, path: pathFor(e.epoch), monitor, value };
          const save: Save = { snapshot: snapshotModel(model), event, started: false };
          pending.add(save);
          return { e, save };
        }),
        concatMap(({ e, save }): Observable<E | CheckpointSaved> => (save ? write(e, save) : of(e))),
        finalize(() => {
          for (const save of [...pending]) if (!save.started) release(save);
        }),
      );
    });
}
