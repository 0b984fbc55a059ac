import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { RxtrainError } from '../lib/errors.js';
import { isEvent } from '../lib/events.js';

const isEpochEnd = isEvent('epochEnd');
const isStep = isEvent('step');

/**
 * Fail the run as soon as the loss is NaN or infinite.
 *
 * Looks at the `loss` of every `epochEnd` event and of every `step` event that carries one (steps carry
 * it when `trainStep` read it back). A non-finite value fails the stream with an
 * `RxtrainError('NON_FINITE')` whose message names the value and where it was seen (epoch, step), and
 * whose `details` hold `{ epoch, step?, value }`. It does not emit a `stopped` event first: `stopped` means
 * a run that ended normally before its last epoch, and a diverged run did not; the error is the record.
 * Upstream is unsubscribed, so training stops. Every other event passes through unchanged.
 *
 * @example
 * ```ts
 * import { terminateOnNaN } from 'rxtrain/operators';
 *
 * events$.pipe(terminateOnNaN()).subscribe({
 *   error: (err) => console.error(err.message), // "terminateOnNaN(): loss is NaN at epoch 3, step 120"
 * });
 * ```
 *
 * @returns An operator that passes events through until the loss stops being finite.
 */
export function terminateOnNaN<E extends { readonly type: string }>(): MonoTypeOperatorFunction<E> {
  return (source) =>
    new Observable<E>((subscriber) =>
      source.subscribe({
        next: (e) => {
          if (subscriber.closed) return;
          const failure = check(e);
          if (failure) subscriber.error(failure);
          else subscriber.next(e);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}

function check(e: { readonly type: string }): RxtrainError | undefined {
  let value: unknown;
  let step: number | undefined;
  let epoch: number;
  if (isEpochEnd(e)) {
    value = e.metrics?.loss; // `?.`: an epochEnd made elsewhere may lack its metrics; that is a non-finite loss too
    epoch = e.epoch;
  } else if (isStep(e)) {
    value = e.loss;
    if (value === undefined) return undefined;
    step = e.step;
    epoch = e.epoch;
  } else {
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return undefined;
  const at = `epoch ${epoch}` + (step === undefined ? ' (epoch end)' : `, step ${step}`);
  return new RxtrainError(
    'NON_FINITE',
    `terminateOnNaN(): loss is ${String(value)} at ${at}; lower the learning rate, clip gradients (clipNorm) or check the data for NaN`,
    step === undefined ? { epoch, value } : { epoch, step, value },
  );
}
