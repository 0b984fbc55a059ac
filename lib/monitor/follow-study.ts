/**
 * Follow a study in a storage as the events the dashboard shows (./stored-study-events.ts): first its
 * trials as they are (a finished study is replayed whole), then what changes as other processes run
 * it. When to look again is the storage's business ({@link studyChanges}): a PostgreSQL storage says
 * when a trial changed (LISTEN/NOTIFY, through its `watch`), a SQLite file is looked at on an
 * interval, which costs one small query when nothing changed (the storage re-reads only the trials
 * changed since its last read).
 */
import { Observable, auditTime, interval, merge, type SchedulerLike } from 'rxjs';
import type { Storage, StudyRecord } from '../storage/storage.js';
import { storedStudyEvents, type StepMetrics, type StoredStudyEvent } from './stored-study-events.js';

export interface FollowTiming {
  /** How often to look at a storage that cannot say when it changed (SQLite), ms. */
  readonly pollMs: number;
  /**
   * For a storage that says when it changed (PostgreSQL): changes within this many ms are read
   * together, and it is looked at anyway every `pollMs × 20` (a notification lost with a dropped
   * connection is made up for).
   */
  readonly coalesceMs: number;
  /** Where the intervals run (a virtual-time scheduler in tests). */
  readonly scheduler: SchedulerLike;
}

/** When to look at `study` again: ticks, never completing. */
export function studyChanges(storage: Storage, study: string, timing: FollowTiming): Observable<unknown> {
  if (typeof storage.watch !== 'function') return interval(timing.pollMs, timing.scheduler);
  return merge(storage.watch(study).pipe(auditTime(timing.coalesceMs, timing.scheduler)), interval(timing.pollMs * 20, timing.scheduler));
}

/**
 * The study's events: its stored trials at once, then each change as `changes` ticks. A read that
 * fails (the storage closed, or unreachable for a while) is given to `onError`, and the next tick
 * reads again from where the last good read left off; without `onError` it fails the stream.
 */
export function followStudy(storage: Storage, study: StudyRecord, changes: Observable<unknown>, onError?: (err: unknown) => void): Observable<StoredStudyEvent> {
  return new Observable<StoredStudyEvent>((subscriber) => {
    const events = storedStudyEvents(study);
    // A step whose metrics cannot be read shows its value alone: `update` must not fail half-way, or
    // what it had seen would be lost.
    const stepMetrics: StepMetrics | undefined =
      typeof storage.trialMetrics === 'function'
        ? (trial) => {
            try {
              return new Map(storage.trialMetrics!(study.name, trial));
            } catch {
              return new Map();
            }
          }
        : undefined;
    const look = (): void => {
      if (subscriber.closed) return;
      try {
        for (const e of events.update(storage.getTrials(study.name), stepMetrics)) subscriber.next(e);
      } catch (err) {
        if (onError) onError(err);
        else subscriber.error(err);
      }
    };
    const sub = changes.subscribe({ next: look, error: (err: unknown) => subscriber.error(err) });
    look();
    return () => sub.unsubscribe();
  });
}
