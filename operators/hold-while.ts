import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { configError } from '../lib/errors.js';

/**
 * Delay subscribing to the source while a flag is `true`.
 *
 * Intuition: a gate at the door, not in the corridor. A synchronous training loop cannot be held from
 * below (an operator cannot refuse a `next` without blocking the thread), but it can be held *before
 * it starts*. On a batch source, `epochs(n)` subscribes once per epoch, so
 * `batches(...).pipe(holdWhile(monitor.paused('a')), epochs(n), ...)` pauses run `a` at its next epoch
 * boundary and goes on where it was on `resume`. Around a study trial's stream, it holds the trial
 * before its training starts. When `paused` completes (the monitor closed), the gate opens. With
 * `monitor.paused(run, trial?)`, the monitor publishes a `held` record while this gate holds and
 * `released` when it opens, so that views call paused only what is.
 *
 * @example
 * ```ts
 * import { batches } from 'rxtrain';
 * import { holdWhile, epochs, trainStep } from 'rxtrain/operators';
 * batches(trainSet, { batchSize: 32 }).pipe(holdWhile(monitor.paused('a')), epochs(20), trainStep(model, { optimizer }));
 * ```
 * @param paused The flag, e.g. `monitor.paused(run)`; its current value is read on each subscription.
 * @returns An operator that mirrors its source once the flag is `false`.
 */
export function holdWhile<T>(paused: Observable<boolean>): MonoTypeOperatorFunction<T> {
  if (paused === null || typeof paused !== 'object' || typeof paused.subscribe !== 'function') {
    throw configError('holdWhile()', 'paused', 'must be an Observable of booleans (monitor.paused(run))', paused);
  }
  return (source) =>
    new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let open = false;
      let gate: Subscription | undefined;
      const go = (): void => {
        if (open) return;
        open = true;
        gate?.unsubscribe();
        inner = source.subscribe(subscriber);
      };
      gate = paused.subscribe({
        next: (p) => {
          if (!p) go();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: go,
      });
      if (open) gate.unsubscribe();
      return () => {
        gate?.unsubscribe();
        inner?.unsubscribe();
      };
    });
}
