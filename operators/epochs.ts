import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { Batch, EpochBoundary } from '../lib/events.js';
import { positiveInt } from '../lib/validate.js';

/**
 * Repeat a one-pass batch stream `n` times, numbering the epochs and marking the end of each.
 *
 * Intuition: `repeat(n)` that knows where one pass ends. The source is subscribed once per epoch, one
 * after the other (a `batches()` source reshuffles on each pass); after the last batch of epoch e (1, 2, …, n) an
 * `{type: 'epochBoundary', epoch: e}` follows, which `trainStep` and `epochEnd` turn into metrics.
 *
 * @example
 * ```ts
 * import { batches, digits } from 'rxtrain';
 * import { epochs } from 'rxtrain/operators';
 * batches(digits(), { batchSize: 64, shuffle: true }).pipe(epochs(3)); // 3 × (29 batches + boundary)
 * ```
 * @param n Number of passes over the data (a positive integer).
 * @returns An operator from batches to batches tagged with their epoch, plus epoch boundaries.
 */
export function epochs(n: number): OperatorFunction<Batch, Batch | EpochBoundary> {
  positiveInt('epochs()', 'n', n);
  return (source) =>
    new Observable<Batch | EpochBoundary>((subscriber) => {
      let epoch = 1;
      let inner: Subscription | undefined;
      // A synchronous source completes inside subscribe(): loop over epochs instead of recursing from
      // the complete callback (as concat would), so thousands of short epochs cannot overflow the stack.
      const run = (): void => {
        while (!subscriber.closed && epoch <= n) {
          const e = epoch;
          let completed = false;
          let sync = true;
          inner = source.subscribe({
            next: (b) => subscriber.next(b.epoch === e ? b : { ...b, epoch: e }),
            error: (err: unknown) => subscriber.error(err),
            complete: () => {
              subscriber.next({ type: 'epochBoundary', epoch: e });
              epoch++;
              completed = true;
              if (!sync) run();
            },
          });
          sync = false;
          if (!completed) return;
        }
        if (epoch > n) subscriber.complete();
      };
      run();
      return () => inner?.unsubscribe();
    });
}
