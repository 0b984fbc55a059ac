/**
 * The CSV tokenizer: text → rows of string fields, each row tagged with the 1-based line it starts on,
 * so that later errors can point at the right line even when quoted fields span several lines.
 *
 * Follows RFC 4180: fields may be quoted with `"`, a quote inside a quoted field is written `""`, and a
 * quoted field may hold the delimiter and line breaks. Lines end with LF, CRLF or CR; empty lines are
 * skipped (so a trailing newline is harmless).
 */
import { RxtrainError } from '../errors.js';

export interface CsvRow {
  /** 1-based line number (in the whole text) where the row starts. */
  readonly line: number;
  readonly fields: string[];
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Split `text` into rows of fields.
 *
 * @param name The file name, for error messages.
 * @param skipLines Physical lines to skip before the first row (e.g. a preamble); line numbers still
 *   count them.
 * @throws RxtrainError `DATA_FORMAT` for an unterminated quoted field or text after a closing quote.
 */
export function csvRows(text: string, delimiter: string, name: string, skipLines = 0): CsvRow[] {
  const delim = delimiter.charCodeAt(0);
  const rows: CsvRow[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  for (let skipped = 0; skipped < skipLines && i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) {
      skipped++;
      line++;
    }
  }

  while (i < n) {
    // An empty line: skip it.
    const first = text.charCodeAt(i);
    if (first === LF || first === CR) {
      i += first === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const rowLine = line;
    const fields: string[] = [];
    let endOfRow = false;
    while (!endOfRow) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        const startLine = line;
        let parts = '';
        let from = i + 1;
        let j = from;
        for (;;) {
          if (j >= n) {
            throw new RxtrainError('DATA_FORMAT', `${name}: line ${startLine}, column index ${fields.length}: a quoted field is never closed (missing closing ")`, {
              file: name,
              line: startLine,
              columnIndex: fields.length,
            });
          }
          const c = text.charCodeAt(j);
          if (c === QUOTE) {
            if (text.charCodeAt(j + 1) === QUOTE) {
              parts += text.slice(from, j + 1);
              j += 2;
              from = j;
              continue;
            }
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) line++;
          j++;
        }
        value = parts + text.slice(from, j);
        i = j + 1;
        // Only spaces may sit between the closing quote and the delimiter / end of line.
        while (i < n && text.charCodeAt(i) === 32) i++;
        const after = text.charCodeAt(i);
        if (i < n && after !== delim && after !== LF && after !== CR) {
          throw new RxtrainError('DATA_FORMAT', `${name}: line ${line}, column index ${fields.length}: unexpected ${JSON.stringify(text[i])} after a closing quote (expected the delimiter ${JSON.stringify(delimiter)} or the end of the line)`, {
            file: name,
            line,
            columnIndex: fields.length,
          });
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === delim || c === LF || c === CR) break;
          j++;
        }
        value = text.slice(i, j);
        i = j;
      }
      fields.push(value);
      if (i >= n) {
        endOfRow = true;
      } else {
        const c = text.charCodeAt(i);
        if (c === delim) {
          i++;
          if (i >= n) {
            fields.push(''); // "a,b," at the very end: a last, empty field
            endOfRow = true;
          }
        } else {
          i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
          line++;
          endOfRow = true;
        }
      }
    }
    rows.push({ line: rowLine, fields });
  }
  return rows;
}
