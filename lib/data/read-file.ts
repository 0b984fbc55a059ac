/**
 * Reading a data file's bytes: gzip is recognised by its magic bytes (0x1f 0x8b), not only by a `.gz`
 * name, so a compressed file under a plain name (or a plain file named `.gz`) is still read right.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { RxtrainError } from '../errors.js';

/**
 * The bytes of `path`, decompressed when they are gzip data.
 *
 * @throws RxtrainError `DATA_MISSING` when the file does not exist (the message names the path and
 * `hint`), `DATA_FORMAT` when it is corrupt gzip data.
 */
export function readDataFile(path: string, hint = ''): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new RxtrainError('DATA_MISSING', `data file not found: ${path}${hint ? ` (${hint})` : ''}`, { path }, { cause: err });
    }
    throw new RxtrainError('DATA_MISSING', `cannot read data file ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (err) {
      throw new RxtrainError('DATA_FORMAT', `${path}: starts like gzip data but does not decompress: ${(err as Error).message}`, { path }, { cause: err });
    }
  }
  return raw;
}

/** The text of `path` (UTF-8, gzip handled as in {@link readDataFile}; TextDecoder drops a byte-order mark). */
export function readTextFile(path: string, hint = ''): string {
  return new TextDecoder('utf-8').decode(readDataFile(path, hint));
}
