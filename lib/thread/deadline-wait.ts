/**
 * Block this thread until another thread has done something, or a deadline passes. The other thread
 * changes a cell of shared memory and notifies it (`Atomics.store` + `Atomics.notify`); this one sleeps
 * in `Atomics.wait` while the cell keeps the value it last saw, so it uses no core while it waits and
 * wakes as soon as the cell changes. Blocking is the point: a synchronous caller (a storage call, a
 * data-parallel step) must not return before the answer, and an event-loop turn could run other code
 * in between.
 */

export interface DeadlineWaitOptions {
  /** How long to wait in all, ms. */
  readonly timeoutMs: number;
  /**
   * Sleep at most this long at a time, ms, then check again even if the cell did not change: for an
   * answer that can arrive without a notify (a message on a port). Default: the whole wait.
   */
  readonly sliceMs?: number;
}

/**
 * Call `check` with the value of `cell[index]` until it returns something other than `undefined`, and
 * return that; between two calls, sleep until the cell changes (or `sliceMs`). Returns `undefined` if
 * `timeoutMs` passed first.
 *
 * @example
 * ```ts
 * // Until `workers` threads have counted themselves done in control[0], at most 60 s.
 * const done = deadlineWait(control, 0, (n) => (n >= workers ? n : undefined), { timeoutMs: 60_000 });
 * ```
 */
export function deadlineWait<T>(cell: Int32Array, index: number, check: (value: number) => T | undefined, options: DeadlineWaitOptions): T | undefined {
  const deadline = Date.now() + options.timeoutMs;
  const slice = options.sliceMs ?? Infinity;
  for (;;) {
    const value = Atomics.load(cell, index);
    const result = check(value);
    if (result !== undefined) return result;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    Atomics.wait(cell, index, value, Math.min(left, slice));
  }
}
