import type { MonoTypeOperatorFunction } from 'rxjs';
import { booleanField, knownFields, nonEmptyString, requireObject } from '../lib/validate.js';
import { fileSink } from './internal/file-sink.js';

export interface JsonlLogConfig {
  /** Also log `step` events (one line per step). Default false. */
  readonly steps?: boolean;
}

const where = 'jsonlLog()';

/**
 * Append every event to a JSON Lines file, one JSON object per line.
 *
 * Every event but `step` is logged (`step` too with `{ steps: true }`), exactly as it flows (events
 * are plain data; a NaN metric is written as `null`, as JSON has no NaN). The file is opened (created
 * if missing, appended to otherwise) when the stream is subscribed and closed at teardown; lines are
 * written at each non-`step` event, and everything is on disk before completion or an error is passed
 * on. Events pass through unchanged.
 *
 * @example
 * ```ts
 * import { jsonlLog } from 'rxtrain/operators';
 *
 * events$.pipe(jsonlLog('./runs/digits.jsonl')).subscribe();
 * // {"type":"epochEnd","epoch":0,"metrics":{"loss":0.41,"val_loss":0.38},...}
 * ```
 *
 * @param path The file to append to.
 * @param config `steps`: also log step events.
 * @returns An operator that logs events and passes them through.
 */
export function jsonlLog<E extends { readonly type: string }>(path: string, config: JsonlLogConfig = {}): MonoTypeOperatorFunction<E> {
  nonEmptyString(where, 'path', path);
  const c = requireObject(where, config);
  knownFields(where, c, ['steps']);
  const steps = c.steps === undefined ? false : booleanField(where, 'steps', c.steps);
  return fileSink<E>(where, path, (file) => (e) => {
    if (e.type === 'step' && !steps) return;
    file.write(JSON.stringify(e));
  });
}
