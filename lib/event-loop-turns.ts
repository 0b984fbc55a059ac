/**
 * How long this thread has worked without giving the event loop a turn, as measured by one clock. A
 * loop that emits synchronously (a pass of `batches()`) asks before each item and yields once the
 * time passes its bound. The count is shared by every such loop of the thread: the passes of one run
 * (`epochs()` starts the next pass synchronously), the runs of a study running side by side, so the
 * bound holds however short each pass is. A pass that started its own count would never reach a
 * bound longer than itself: 2 ms iris epochs never yielded, and a stop request waited for the run's end.
 */
import type { Clock } from './clock.js';

/** Per clock: when the current stretch of work without a turn began (undefined: a turn just happened). */
const stretches = new WeakMap<Clock, { since: number | undefined }>();

/**
 * Milliseconds on `clock` since the event loop last had a turn (as far as this module can tell: the
 * count starts at the first call after a turn).
 */
export function sinceLastTurn(clock: Clock): number {
  let s = stretches.get(clock);
  if (!s) stretches.set(clock, (s = { since: undefined }));
  const now = clock.now();
  if (s.since === undefined) {
    s.since = now;
    const stretch = s;
    // Runs at the next turn (check phase), before any setImmediate queued later by the loop asking:
    // whatever comes after starts a new count.
    setImmediate(() => (stretch.since = undefined));
  }
  return now - s.since;
}

/** Let the event loop take a turn (timers, I/O, a message that unsubscribes). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
