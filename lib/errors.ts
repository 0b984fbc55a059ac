/**
 * rxtrain's errors are values a user can act on: each has a stable `code` to branch on and a message
 * that names the cause (which field, which file/row/column, which shapes).
 */
export type RxtrainErrorCode =
  /** A config object has a missing, mistyped or out-of-range field. */
  | 'INVALID_CONFIG'
  /** A data file is malformed (CSV row/column, IDX header, ...). */
  | 'DATA_FORMAT'
  /** A data file or data set is not where it was looked for. */
  | 'DATA_MISSING'
  /** Tensors or arrays do not have the shapes that were expected. */
  | 'SHAPE_MISMATCH'
  /** A requested tfjs backend cannot be loaded here. */
  | 'BACKEND_UNAVAILABLE'
  /** The loss (or a monitored metric) became NaN or infinite. */
  | 'NON_FINITE'
  /** A search space definition is invalid. */
  | 'INVALID_SPACE'
  /** A storage operation failed or found inconsistent data. */
  | 'STORAGE'
  /** A trial's objective failed. */
  | 'TRIAL_FAILED'
  /**
   * A worker thread failed, exited or stopped answering: a worker pool's (its task fails), a thread of
   * PBT members, a data-parallel replica. The thread's fault, not the configuration's: in a study it
   * fails one trial, which counts towards `maxConsecutiveFailures` like any trial's own failure.
   */
  | 'WORKER_FAILED'
  /** A monitor could not be reached (after the configured retries). */
  | 'MONITOR_UNREACHABLE';

export class RxtrainError extends Error {
  override readonly name = 'RxtrainError';
  readonly code: RxtrainErrorCode;
  /** Machine-readable context (field, path, row, expected/actual shapes, ...). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: RxtrainErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

/** Shorthand for the most common error: a bad config field. `where` names the function, e.g. `batches()`. */
export function configError(where: string, field: string, why: string, value?: unknown): RxtrainError {
  const shown = value === undefined ? '' : ` (got ${describe(value)})`;
  return new RxtrainError('INVALID_CONFIG', `${where}: option '${field}' ${why}${shown}`, { where, field, value });
}

/** A short, safe description of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  const ctor = (value as object).constructor?.name;
  return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
}

/** The message to record for what failed something: an Error's message, a string as it is, else a description. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (error === undefined) return 'failed';
  return typeof error === 'string' ? error : describe(error);
}
