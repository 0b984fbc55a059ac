import type { MonoTypeOperatorFunction } from 'rxjs';
import { RxtrainError } from '../lib/errors.js';
import { isEvent } from '../lib/events.js';
import { nonEmptyString } from '../lib/validate.js';
import { fileSink } from './internal/file-sink.js';

const where = 'csvLog()';
const isEpochEnd = isEvent('epochEnd');

/**
 * Append one CSV row per epoch to a file.
 *
 * The columns are `epoch`, the metric names of the first `epochEnd` in the order they come, then
 * `samples`, `steps` and `durationMs`. A later epoch that lacks a metric leaves its cell empty; a
 * metric that first appears after the first epoch is not logged (the header is fixed). The header is
 * written when the file is empty; appending to a file whose header differs fails the stream with an
 * error naming the path and both headers. The file is opened at subscription and closed at teardown;
 * each row is on disk before its `epochEnd` is passed on. All events pass through unchanged.
 *
 * @example
 * ```ts
 * import { csvLog } from 'rxtrain/operators';
 *
 * events$.pipe(csvLog('./runs/digits.csv')).subscribe();
 * // epoch,loss,val_loss,val_accuracy,samples,steps,durationMs
 * // 0,0.41,0.38,0.89,1437,45,812
 * ```
 *
 * @param path The file to append to.
 * @returns An operator that logs epochs and passes every event through.
 */
export function csvLog<E extends { readonly type: string }>(path: string): MonoTypeOperatorFunction<E> {
  nonEmptyString(where, 'path', path);
  return fileSink<E>(where, path, (file) => {
    let metrics: string[] | undefined;
    return (e) => {
      if (!isEpochEnd(e)) return;
      const m = e.metrics as Readonly<Record<string, number | undefined>>;
      if (metrics === undefined) {
        const names = Object.keys(m);
        const header = ['epoch', ...names, 'samples', 'steps', 'durationMs'].join(',');
        const existing = file.firstLine();
        if (existing === undefined || existing === '') file.write(header);
        else if (existing !== header) {
          throw new RxtrainError('DATA_FORMAT', `${where}: ${file.path} already has the header '${existing}', but this run's columns are '${header}'; log to another file`, { where, path: file.path, existing, header });
        }
        metrics = names;
      }
      file.write([e.epoch, ...metrics.map((n) => m[n]), e.samples, e.steps, e.durationMs].map(cell).join(','));
    };
  });
}

function cell(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}
