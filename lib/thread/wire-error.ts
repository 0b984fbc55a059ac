/**
 * An error as it crosses a thread boundary. A thrown value cannot be posted as it is (structured clone
 * keeps an Error's message but drops its class, `code` and `details`), so every thread of rxtrain
 * (worker pools, PBT member hosts, data-parallel replicas, the PostgreSQL client) posts this shape and
 * the other side rebuilds the error: an `RxtrainError` stays one, with its code and details, so that
 * whoever judges it (a study's failure policy, a storage's retry) sees what the thread saw.
 */
import { RxtrainError, type RxtrainErrorCode } from '../errors.js';

/** An error as plain, structured-clone-able data. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  /** An `RxtrainError`'s code, or any other error's string `code` (a Node or driver code). */
  readonly code?: string;
  /** An `RxtrainError`'s details, as JSON (what JSON cannot hold is dropped). */
  readonly details?: Record<string, unknown>;
  readonly stack?: string;
}

/** `err` as data to post to another thread. */
export function toWire(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const code = 'code' in err ? err.code : undefined;
  const details = err instanceof RxtrainError ? jsonOf(err.details) : undefined;
  return {
    name: err.name,
    message: err.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(details ? { details } : {}),
    ...(err.stack ? { stack: err.stack } : {}),
  };
}

/**
 * An error from another thread, rebuilt: an `RxtrainError` with its code and details when it was one,
 * otherwise an `Error` with its name, message and `code`; with the other thread's stack either way.
 */
export function fromWire(e: WireError): Error {
  const err: Error & { code?: string } =
    e.name === 'RxtrainError' && e.code !== undefined ? new RxtrainError(e.code as RxtrainErrorCode, e.message, e.details ?? {}) : new Error(e.message);
  if (!(err instanceof RxtrainError)) {
    err.name = e.name;
    if (e.code !== undefined) err.code = e.code;
  }
  if (e.stack) err.stack = e.stack;
  return err;
}

/** Details that cross any thread: through JSON (a function, a cycle or a BigInt must not lose the error itself). */
function jsonOf(details: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
