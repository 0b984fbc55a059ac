import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { openLineFile, type LineFile } from '../../lib/io/line-file.js';

/**
 * The shape both log sinks share: the file is opened at subscription and closed at teardown; each event
 * goes to `start(file)`'s writer (made once per subscription, so its state is that subscription's) and
 * then downstream unchanged; what was written is flushed at each non-`step` event, every 64 KiB, and
 * before completion or an error is passed on. A write that fails fails the stream. Internal.
 */
export function fileSink<E extends { readonly type: string }>(
  where: string,
  path: string,
  start: (file: LineFile) => (event: E) => void,
): MonoTypeOperatorFunction<E> {
  return (source) =>
    new Observable<E>((subscriber) => {
      let file: LineFile;
      let write: (event: E) => void;
      try {
        file = openLineFile(where, path);
        write = start(file);
      } catch (err) {
        subscriber.error(err);
        return undefined;
      }
      const upstream = source.subscribe({
        next: (e) => {
          if (subscriber.closed) return;
          try {
            write(e);
            if (e.type !== 'step' || file.buffered > 65536) file.flush();
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.next(e);
        },
        error: (err: unknown) => {
          try {
            file.flush();
          } catch {
            // The stream's own error is the one to report.
          }
          subscriber.error(err);
        },
        complete: () => {
          try {
            file.flush();
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.complete();
        },
      });
      return () => {
        upstream.unsubscribe();
        try {
          file.close();
        } catch {
          // Teardown cannot report; complete/error already flushed, and an unsubscriber is not listening.
        }
      };
    });
}
