/**
 * The one seam between a study and wherever its trials run. `study.optimize(objective)` runs the
 * objective here; `study.optimize(source)` asks a {@link TrialSource} instead, and the same scheduling
 * loop (slots, limits, failure policy, best) serves both. `remoteWorkers()` (trials queued for worker
 * processes and followed through the storage) and `runWorker` (a worker process claiming queued
 * trials) are sources; the study knows nothing about processes.
 */
import type { Observable } from 'rxjs';
import type { Clock } from '../clock.js';
import type { FrozenTrial, Params, SearchSpaceLike } from '../search/types.js';
import type { Objective } from './optimize.js';
import type { Study } from './study.js';
import type { StudyEvent } from './study-events.js';

/** How a trial ended, for the loop: its final record, and what failed it when this process knows. */
export type OnEnded = (record: FrozenTrial, error?: unknown) => void;

/** One trial as the loop sees it: its events (ending with how it ended), and whether it counts toward `trials`. */
export interface StartedTrial {
  readonly number: number;
  readonly params: Params;
  /** Its events, the last being its end (`endEvent`); the trial's end also goes to `onEnded`. */
  readonly events: Observable<StudyEvent>;
  /** Default true; a re-queued retry that a remote driver follows does not count. */
  readonly counts?: boolean;
}

/** What `study.optimize()` gives a source when it is called. */
export interface TrialRun<P extends Params = Params> {
  readonly study: Study<P>;
  /** The study's search space (a source that samples new trials needs it). */
  readonly space: SearchSpaceLike;
  readonly clock: Clock;
  /** `optimize()`'s `trialTimeout`, if given; a source whose trials run elsewhere refuses it. */
  readonly trialTimeout: number | undefined;
  /**
   * Run `objective` in this process on a trial this process claimed from the study's storage (state
   * `running`), as `optimize` runs its own: its events, then the study is told how it ended, then
   * `onEnded`; `trialTimeout` applies.
   */
  run(objective: Objective<P>, claimed: FrozenTrial, onEnded: OnEnded): Observable<StudyEvent>;
}

/** The trials of one `optimize()` call, as its loop asks for them. */
export interface TrialFeed {
  /** Start the next trial, or `undefined` if there is none to start now. `onEnded` gets its final record. */
  next(onEnded: OnEnded): StartedTrial | undefined;
  /** Whether no further trial will come (a sampler that tried everything and nothing queued). */
  exhausted(): boolean;
  /**
   * When `next()` has nothing now: an Observable that emits when it may have (a worker waiting for
   * queued trials). Without it, the loop ends when nothing is running.
   */
  readonly wake?: Observable<unknown>;
  /** With `wake`: end the loop after this many ms with nothing to run (reason `'idle'`). */
  readonly idleMs?: number;
  /**
   * With `idleMs`: whether trials run elsewhere that may come back queued (a dead worker's trial is
   * re-queued once its heartbeat is stale). The idle clock does not run meanwhile.
   */
  readonly busyElsewhere?: () => boolean;
}

/**
 * Where an `optimize()` call's trials come from, in place of an objective run here. `open` is called
 * once per `optimize()` call, when it is called: it may refuse the call's options or the study (throw
 * an `RxtrainError`) and returns the call's feed.
 */
export interface TrialSource<P extends Params = Params> {
  open(run: TrialRun<P>): TrialFeed;
}

/** Whether `x` is a {@link TrialSource} (an object with `open()`), as opposed to an objective. */
export function isTrialSource(x: unknown): x is TrialSource {
  return x !== null && typeof x === 'object' && typeof (x as { open?: unknown }).open === 'function';
}
