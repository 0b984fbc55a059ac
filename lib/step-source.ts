/**
 * How a training step operator (`trainStep`, `dataParallel`) reads its source of batches and epoch
 * boundaries: each item goes to its handler, a handler's error ends the output with that error, and
 * the source's end ends the output.
 */
import type { Observable, Subscriber, Subscription } from 'rxjs';
import type { Batch, EpochBoundary } from './events.js';

export interface StepHandlers {
  onBatch(batch: Batch): void;
  onBoundary(boundary: EpochBoundary): void;
}

/**
 * Subscribe to `source` on behalf of `subscriber`. A synchronous source keeps emitting inside
 * `subscribe()` even after the downstream unsubscribed (an operator's teardown runs only once its
 * subscribe function returns): nothing is handled once `subscriber` is closed.
 */
export function subscribeSteps(source: Observable<Batch | EpochBoundary>, subscriber: Subscriber<unknown>, handlers: StepHandlers): Subscription {
  return source.subscribe({
    next: (item) => {
      if (subscriber.closed) return;
      try {
        if (item.type === 'batch') handlers.onBatch(item);
        else handlers.onBoundary(item);
      } catch (err) {
        subscriber.error(err);
      }
    },
    error: (err: unknown) => subscriber.error(err),
    complete: () => subscriber.complete(),
  });
}
