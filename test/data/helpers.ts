/** Shared assertions for the data-layer tests. */
import type { Test } from 'tap';
import { RxtrainError, type RxtrainErrorCode } from '../../lib/errors.js';

/**
 * Assert that `fn` throws an RxtrainError with `code` whose message contains every one of `parts`
 * (so a test pins the file, line and column an error names, not just that it failed).
 */
export function throwsWith(t: Test, fn: () => unknown, code: RxtrainErrorCode, parts: ReadonlyArray<string | RegExp>, what?: string): RxtrainError | undefined {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof RxtrainError)) {
      t.fail(`${what ?? 'call'}: expected an RxtrainError, got ${String(err)}`);
      return undefined;
    }
    t.equal(err.code, code, `${what ?? 'error'}: code ${code}`);
    for (const p of parts) {
      if (typeof p === 'string') t.ok(err.message.includes(p), `${what ?? 'message'} names ${JSON.stringify(p)}: ${err.message}`);
      else t.match(err.message, p, `${what ?? 'message'} matches ${p}`);
    }
    return err;
  }
  t.fail(`${what ?? 'call'}: expected a ${code} error, nothing was thrown`);
  return undefined;
}
