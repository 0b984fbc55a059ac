/**
 * An append-only text file written one line at a time, for the log sinks (`jsonlLog`, `csvLog`).
 * Writes are synchronous and buffered: lines collect in memory and go to the file on `flush()` (which
 * the sinks call at each epoch, and when the stream completes or errors), so a log is complete on disk
 * by the time a subscriber hears that the stream ended. Errors name the path.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { RxtrainError } from '../errors.js';

export interface LineFile {
  readonly path: string;
  /** Bytes the file held when it was opened. */
  readonly initialSize: number;
  /** The first line the file held when it was opened (without its newline), if any. */
  firstLine(): string | undefined;
  /** Queue one line (a newline is added). */
  write(line: string): void;
  /** Bytes queued and not yet written. */
  readonly buffered: number;
  /** Write what is queued. */
  flush(): void;
  /** Write what is queued and close the file. Calling it again does nothing. */
  close(): void;
}

/** Open `path` for appending lines, creating it (and its folder) if needed. */
export function openLineFile(where: string, path: string): LineFile {
  let fd: number;
  let size: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a+');
    size = fstatSync(fd).size;
  } catch (err) {
    throw ioError(where, `cannot open ${path} for appending`, path, err);
  }
  let queue: string[] = [];
  let buffered = 0;
  let open = true;
  const file: LineFile = {
    path,
    initialSize: size,
    firstLine() {
      if (size === 0) return undefined;
      const buf = Buffer.alloc(Math.min(size, 65536));
      try {
        readSync(fd, buf, 0, buf.length, 0);
      } catch (err) {
        throw ioError(where, `cannot read ${path}`, path, err);
      }
      const text = buf.toString('utf8');
      const nl = text.indexOf('\n');
      return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
    },
    write(line) {
      queue.push(line + '\n');
      buffered += line.length + 1;
    },
    get buffered() {
      return buffered;
    },
    flush() {
      if (!open || queue.length === 0) return;
      const text = queue.join('');
      queue = [];
      buffered = 0;
      try {
        writeSync(fd, text);
      } catch (err) {
        throw ioError(where, `cannot write ${path}`, path, err);
      }
    },
    close() {
      if (!open) return;
      try {
        file.flush();
      } finally {
        open = false;
        closeSync(fd);
      }
    },
  };
  return file;
}

function ioError(where: string, what: string, path: string, cause: unknown): RxtrainError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new RxtrainError('STORAGE', `${where}: ${what}${why}`, { where, path }, { cause });
}
