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
    onNextTurn(() => (stretch.since = undefined));
  }
  return now - s.since;
}

/** Let the event loop take a turn (timers, I/O, a message that unsubscribes). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => onNextTurn(resolve));
}

/**
 * Run `fn` at the event loop's next turn: `setImmediate` in Node; in a page or a Web Worker, which have
 * none, a message to itself (a `setTimeout(0)` is clamped to 4 ms once nested, a tax on every yield).
 *
 * @returns A function that cancels the call if it has not run yet.
 */
export function onNextTurn(fn: () => void): () => void {
  return immediate(fn);
}

const immediate: (fn: () => void) => () => void =
  typeof setImmediate === 'function'
    ? (fn) => {
        const handle = setImmediate(fn);
        return () => clearImmediate(handle);
      }
    : messageTurns();

/** The part of a browser's MessagePort used here (Node's type has no `onmessage`). */
interface Port {
  onmessage: ((e: { readonly data: number }) => void) | null;
  postMessage(message: number): void;
}

function messageTurns(): (fn: () => void) => () => void {
  const waiting = new Map<number, () => void>();
  let next = 0;
  let channel: { readonly port1: Port; readonly port2: Port } | undefined;
  return (fn) => {
    if (!channel) {
      // Looked up untyped: Node's MessagePort type has no onmessage, a browser's has.
      const Channel: (new () => { readonly port1: Port; readonly port2: Port }) | undefined = Object.getOwnPropertyDescriptor(globalThis, 'MessageChannel')?.value;
      if (!Channel) throw new Error('no setImmediate and no MessageChannel: this runtime cannot give the event loop a turn');
      channel = new Channel();
      channel.port1.onmessage = (e) => {
        const f = waiting.get(e.data);
        waiting.delete(e.data);
        f?.();
      };
    }
    const id = next++;
    waiting.set(id, fn);
    channel.port2.postMessage(id);
    return () => waiting.delete(id);
  };
}
