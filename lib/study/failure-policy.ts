/**
 * When failed trials end a study. Two rules, applied by the loop every `optimize`, `runWorker` and
 * remote driver runs (lib/study/optimize.ts), so in-process, worker-thread and remote trials are judged
 * alike:
 *
 * 1. A trial that failed because of the configuration (an `RxtrainError` whose code says the setup is
 *    wrong: an invalid option, search space, data file, model for the data, an unknown metric) ends the
 *    study at once with that error: every other trial would fail the same way.
 * 2. Otherwise failures are the trials' own (a NaN loss, a diverging learning rate, a crash) and the
 *    study goes on, until `maxConsecutiveFailures` trials in a row have failed: then it ends with an
 *    error that lists their errors. `Infinity` tolerates any number.
 *
 * A trial run elsewhere (a remote worker) is known only by its stored record, so the runner stores the
 * code of a configuration error in the trial's `attrs.failure` before it records the failure.
 */
import { RxtrainError, type RxtrainErrorCode } from '../errors.js';
import type { FrozenTrial } from '../search/types.js';

/** The default of `maxConsecutiveFailures`; docs/studies.md says why 10. */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 10;

/** Codes that mean the configuration is wrong, not the trial's parameters or luck. */
const CONFIG_CODES: ReadonlySet<string> = new Set<RxtrainErrorCode>([
  'INVALID_CONFIG',
  'INVALID_SPACE',
  'DATA_FORMAT',
  'DATA_MISSING',
  'SHAPE_MISMATCH',
  'BACKEND_UNAVAILABLE',
]);

/** Where a runner stores a configuration error's code, for followers in other processes. */
export interface StoredFailure {
  readonly code: string;
  readonly message: string;
}

/** The code of `error` if it is a configuration error (also once it crossed a thread: see fromWire). */
export function configErrorCode(error: unknown): RxtrainErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONFIG_CODES.has(code) ? (code as RxtrainErrorCode) : undefined;
}

/** The configuration error a stored record carries, if any (its message must be the record's error). */
function storedConfigCode(record: FrozenTrial): RxtrainErrorCode | undefined {
  const f = record.attrs?.failure as Partial<StoredFailure> | undefined;
  // A retry inherits its original's attrs, and a runner may die between the two writes: only a record
  // whose error is the stored one was failed by that configuration error.
  return f?.message === record.error ? configErrorCode(f) : undefined;
}

export interface FailurePolicy {
  /**
   * Judge a trial that ended (`error`: what failed it, when known in this process). Returns the error
   * that ends the study, or undefined to go on.
   */
  ended(record: FrozenTrial, error?: unknown): RxtrainError | undefined;
}

export function failurePolicy(study: string, maxConsecutiveFailures: number): FailurePolicy {
  let run: FrozenTrial[] = [];
  return {
    ended(record, error) {
      if (record.state !== 'failed') {
        run = [];
        return undefined;
      }
      const code = error !== undefined ? configErrorCode(error) : storedConfigCode(record);
      const message = record.error ?? 'failed';
      if (code !== undefined) {
        return new RxtrainError(
          code,
          `study ${JSON.stringify(study)} stopped: trial ${record.number} failed with a configuration error, which every trial would repeat: ${message}`,
          { study, trial: record.number, ...((error as RxtrainError | undefined)?.details ?? {}) },
          error !== undefined ? { cause: error } : undefined,
        );
      }
      run.push(record);
      if (run.length < maxConsecutiveFailures) return undefined;
      const trials = run.map((t) => t.number);
      return new RxtrainError(
        'TRIAL_FAILED',
        `study ${JSON.stringify(study)} stopped: its last ${run.length} trials failed (maxConsecutiveFailures: ${maxConsecutiveFailures}; ` +
          `Infinity tolerates any number): ${summarise(run)}`,
        { study, trials, errors: run.map((t) => t.error ?? 'failed') },
      );
    },
  };
}

/** "msg" (trials 3, 4, 7), at most 3 distinct messages. */
function summarise(failed: readonly FrozenTrial[]): string {
  const byMessage = new Map<string, number[]>();
  for (const t of failed) {
    const m = t.error ?? 'failed';
    byMessage.set(m, [...(byMessage.get(m) ?? []), t.number]);
  }
  const parts = [...byMessage].slice(0, 3).map(([m, ns]) => `${JSON.stringify(m)} (trial${ns.length > 1 ? 's' : ''} ${ns.join(', ')})`);
  const more = byMessage.size > 3 ? `, and ${byMessage.size - 3} other errors` : '';
  return parts.join('; ') + more;
}
