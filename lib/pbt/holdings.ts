/**
 * What one subscription of pbt holds (its members, its temporary folder, its worker threads) and when
 * it lets go of them: when the run completes, fails or is unsubscribed, once the calls in flight on them
 * have settled. A save or a state write that had started finishes (so no member is disposed during its
 * save, and nothing writes into a folder already removed); what had not started never starts, because
 * the stream that would start it is gone.
 */
import { Observable, defer } from 'rxjs';

export interface Holdings {
  /** `f()` as a stream of its one value; the release waits for its promise, even once nobody listens. */
  work<T>(f: () => Promise<T>): Observable<T>;
  /** Done at the release, after the work in flight settled; the last added is done first. */
  onRelease(f: () => void | Promise<void>): void;
  /** Done as soon as the run ends, before waiting for the work in flight (stopping worker threads, which fails their calls). */
  onStop(f: () => void | Promise<void>): void;
  /** `source`, whose completion and error wait for the release (a run that ended has freed everything), and whose unsubscribe starts it. */
  around<T>(source: Observable<T>): Observable<T>;
}

export function holdings(): Holdings {
  const inFlight = new Set<Promise<unknown>>();
  const cleanups: Array<() => void | Promise<void>> = [];
  const stops: Array<() => void | Promise<void>> = [];
  let released: Promise<void> | undefined;

  const track = (p: Promise<unknown>): void => {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
  };

  const release = (): Promise<void> =>
    (released ??= (async () => {
      const stopping = stops.map((stop) => Promise.resolve().then(stop));
      stopping.forEach(track);
      while (inFlight.size > 0) await Promise.all(inFlight);
      const errors: unknown[] = [];
      for (const r of await Promise.allSettled(stopping)) if (r.status === 'rejected') errors.push(r.reason);
      for (const f of cleanups.reverse()) {
        try {
          await f();
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length > 0) throw errors[0];
    })());

  return {
    work: (f) =>
      defer(() => {
        const p = f();
        track(p);
        return p;
      }),
    onRelease: (f) => void cleanups.push(f),
    onStop: (f) => void stops.push(f),
    around: (source) =>
      new Observable((subscriber) => {
        const sub = source.subscribe({
          next: (v) => subscriber.next(v),
          error: (err: unknown) =>
            release().then(
              () => subscriber.error(err),
              () => subscriber.error(err),
            ),
          complete: () =>
            release().then(
              () => subscriber.complete(),
              (err: unknown) => subscriber.error(err),
            ),
        });
        return () => {
          sub.unsubscribe();
          // Nobody listens any more: a failed release has nobody to tell.
          release().catch(() => undefined);
        };
      }),
  };
}
