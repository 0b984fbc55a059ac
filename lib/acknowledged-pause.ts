import { Observable } from 'rxjs';

/**
 * A pause flag that says when it really holds something: for a `holdWhile` gate, which subscribes to
 * the flag at each epoch boundary, `ack(true)` means the gate is holding its stream now, and
 * `ack(false)` that it let go (told `false`, or unsubscribed while holding). So a view can show as
 * paused only what is, not what was merely asked to pause.
 *
 * @param flag The pause flag (its current value first, then each change).
 * @param ack Told `true` when a subscriber holds, `false` when it stops holding.
 * @returns The same flag, acknowledged per subscriber.
 */
export function acknowledgedPause(flag: Observable<boolean>, ack: (held: boolean) => void): Observable<boolean> {
  return new Observable<boolean>((subscriber) => {
    let held = false;
    const sub = flag.subscribe({
      next: (p) => {
        if (p !== held) {
          held = p;
          ack(p);
        }
        subscriber.next(p);
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
    return () => {
      sub.unsubscribe();
      if (held) ack(false);
    };
  });
}
