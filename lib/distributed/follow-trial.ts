/**
 * Follow a trial that another process runs: its epochs and its end, as the study events a local trial
 * would give, read from the storage each time it says the trial changed (LISTEN/NOTIFY for PostgreSQL),
 * or that any trial may have changed (a negative number: PostgreSQL's periodic re-check, for a
 * notification that was missed).
 */
import { Observable, filter } from 'rxjs';
import type { Clock } from '../clock.js';
import type { Metrics } from '../events.js';
import type { FrozenTrial } from '../search/types.js';
import type { Storage } from '../storage/storage.js';
import { endEvent, type StudyEvent } from '../study/index.js';

export function followTrial(
  storage: Storage & Required<Pick<Storage, 'watch'>>,
  study: string,
  metric: string | undefined,
  number: number,
  clock: Clock,
  onEnded: (record: FrozenTrial) => void,
): Observable<StudyEvent> {
  return new Observable<StudyEvent>((subscriber) => {
    const t0 = clock.now();
    let seen = 0;
    const check = (): void => {
      if (subscriber.closed) return;
      const record = storage.getTrial(study, number);
      if (record === undefined) return;
      if (record.intermediate.length > seen) {
        const metrics = new Map(storage.trialMetrics?.(study, number) ?? []);
        for (const [step, value] of record.intermediate.slice(seen)) {
          subscriber.next({ type: 'epochEnd', trial: number, epoch: step, metrics: (metrics.get(step) ?? { [metric ?? 'value']: value }) as Metrics, value });
        }
        seen = record.intermediate.length;
      }
      if (record.state === 'waiting' || record.state === 'running') return;
      const ran = record.finishedAt !== undefined && record.startedAt !== undefined ? record.finishedAt - record.startedAt : clock.now() - t0;
      subscriber.next(endEvent(record, ran));
      onEnded(record);
      subscriber.complete();
    };
    const sub = storage
      .watch(study)
      .pipe(filter((n) => n === number || n < 0))
      .subscribe({
        next: () => {
          try {
            check();
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err) => subscriber.error(err),
      });
    try {
      check();
    } catch (err) {
      subscriber.error(err);
    }
    return () => sub.unsubscribe();
  });
}
