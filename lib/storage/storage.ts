/**
 * Where a study keeps its trials. A study reads and writes only through this interface, so the same
 * study runs in memory, in one SQLite file, or (later) in a shared database, unchanged.
 *
 * The rules every storage keeps (one contract suite, `test/storage/storage-contract.ts`, checks them
 * against every implementation):
 *
 * 1. **Studies** are identified by name. `openStudy` creates the study if it does not exist, else loads
 *    it; opening an existing study with a different `direction` or `metric` throws a `STORAGE` error that
 *    names the field (a study's objective cannot change under its trials). A multi-objective study
 *    keeps its `directions` and `metrics` (lists of two or more), and they too must match.
 * 2. **Trial creation is atomic**: each `createTrial` gets the next number of its study, starting at 0.
 *    Numbers are unique and increasing in creation order, even with several processes creating trials in
 *    the same study at the same moment; none is skipped or reused.
 * 3. **States** move only along `waiting → running → completed | pruned | failed`. A trial is created
 *    `waiting` (queued parameters, see `claimWaitingTrial`) or directly `running`. Every other move
 *    (finishing a waiting trial, finishing a trial twice, reviving a finished one) throws a `STORAGE`
 *    error. Claiming a waiting trial is atomic: two claimers never get the same trial.
 * 4. **Finishing**: `completed` needs a finite `value`, or (a multi-objective study) `values`, a list of
 *    finite numbers, kept in order; `constraints`, when given, a list of finite numbers, is kept with
 *    it. `pruned` takes its value from the trial's last
 *    intermediate value when none is given; `failed` records an `error` (default `'failed'`) and no value.
 *    `finishedAt` is set then.
 * 5. **Intermediate values are append-only per step**: a running trial may report each step (an integer
 *    ≥ 0) once, with a finite value. Reporting a step again with the same value is a no-op (so a retried
 *    write is harmless); with another value it throws. Records list them in increasing step order.
 *    A report may carry the clock's time (`now`, ms); the record keeps it per step in `stepTimes`
 *    (the first write's time: a retried write does not move it). A step reported without one, or
 *    read from a file or schema older than the time column, has no entry there.
 * 6. **Parameters** are written once: at creation, or by one `setTrialParams` on a running trial that
 *    has none yet (a study creates the trial first, to learn its number, then samples).
 * 7. **Records are snapshots**: every `FrozenTrial` a storage returns is frozen and never changes
 *    afterwards; a later write yields a new record.
 * 8. **Resume**: a trial left `running` by a process that no longer exists is *interrupted*. `openStudy`
 *    marks every interrupted trial of the study `failed` with error `'interrupted'` and returns them, so
 *    the caller can re-queue their parameters (the study's `onInterrupted: 'retry'`). Trials that are
 *    running in a live process (this one or another) are left alone. How a storage knows that a runner is
 *    gone is its own business: an in-memory storage lives and dies with its process, so it never has
 *    interrupted trials; SQLite records the host and pid of the process running each trial; PostgreSQL,
 *    a heartbeat. Storages shared between processes (SQLite, PostgreSQL) also look for them while the
 *    study stays open, on a timer (their `heartbeatMs`), and may queue their parameters again
 *    themselves (their `onStale: 'retry'`, marking the old record `attrs.requeuedAs`).
 *
 * Methods are synchronous, as in Optuna: a trial's report and its pruning decision happen at the step
 * boundary, with nothing interleaved. Every method may throw an `RxtrainError` with code `STORAGE`.
 */
import type { Observable } from 'rxjs';
import type { Direction, FrozenTrial, Params, TrialState } from '../search/types.js';

/** What identifies a study and its objective. */
export interface StudySpec {
  readonly name: string;
  /** The objective's direction (a multi-objective study: its first objective's). */
  readonly direction: Direction;
  /** The metric the study optimises, when trials are training runs (e.g. `val_accuracy`). */
  readonly metric?: string;
  /** A multi-objective study (two objectives or more): one direction per objective. Absent for one. */
  readonly directions?: readonly Direction[];
  /** A multi-objective study's metrics, one per direction, when it has metrics. */
  readonly metrics?: readonly string[];
}

/** A study as stored. */
export interface StudyRecord extends StudySpec {
  /** When the study was first created (ms, from the clock of the process that created it). */
  readonly createdAt: number;
}

export interface OpenedStudy {
  readonly study: StudyRecord;
  /** Trials this call found interrupted (left running by a dead process) and marked failed. */
  readonly interrupted: readonly FrozenTrial[];
}

/** How a new trial starts. */
export interface NewTrial {
  readonly state: 'waiting' | 'running';
  readonly params?: Params;
  readonly attrs?: Readonly<Record<string, unknown>>;
  /** The clock's time now; becomes `startedAt` of a running trial. */
  readonly now: number;
}

/** How a running trial ends. */
export type TrialOutcome =
  | { readonly state: 'completed'; readonly value: number; readonly constraints?: readonly number[]; readonly now: number }
  | { readonly state: 'completed'; readonly values: readonly number[]; readonly constraints?: readonly number[]; readonly now: number }
  | { readonly state: 'pruned'; readonly value?: number; readonly now: number }
  | { readonly state: 'failed'; readonly error?: string; readonly now: number };

export interface Storage {
  /** `memory`, `sqlite`, ... (for messages). */
  readonly kind: string;
  /** Create or load a study, and fail its interrupted trials (rules 1 and 8). */
  openStudy(spec: StudySpec, now: number): OpenedStudy;
  /** All studies in this storage, in creation order. */
  listStudies(): readonly StudyRecord[];
  /** Create a trial with the next number (rule 2). */
  createTrial(study: string, init: NewTrial): FrozenTrial;
  /** Move the waiting trial with the lowest number to `running` and return it; `undefined` if none. */
  claimWaitingTrial(study: string, now: number): FrozenTrial | undefined;
  /** Set the parameters of a running trial that has none (rule 6). */
  setTrialParams(study: string, trial: number, params: Params): FrozenTrial;
  /**
   * Record an intermediate value (rule 5). `metrics` (all of the epoch's metrics) is kept by storages
   * that followers read remotely (`trialMetrics`); others ignore it. `now`, the clock's time, is kept
   * as the step's time (`stepTimes`).
   */
  reportIntermediate(study: string, trial: number, step: number, value: number, metrics?: Readonly<Record<string, number>>, now?: number): FrozenTrial;
  /** Finish a running trial (rules 3 and 4). */
  finishTrial(study: string, trial: number, outcome: TrialOutcome): FrozenTrial;
  /** Merge JSON-serialisable attributes into a trial's `attrs` (allowed in any state). */
  setTrialAttrs(study: string, trial: number, attrs: Readonly<Record<string, unknown>>): FrozenTrial;
  getTrial(study: string, trial: number): FrozenTrial | undefined;
  /** The study's trials in number order, optionally only those in some states. */
  getTrials(study: string, states?: readonly TrialState[]): readonly FrozenTrial[];
  /** The metrics reported with each step of a trial (storages that keep them). */
  trialMetrics?(study: string, trial: number): ReadonlyArray<readonly [number, Readonly<Record<string, number>>]>;
  /**
   * The numbers of the study's trials as they change, whoever changed them (storages that can follow a
   * study: memory, within its process; postgres, across machines). Remote workers need it. A negative
   * number means "any trial may have changed": postgres sends it every few heartbeats and after it
   * reconnects, so that a follower that missed a notification reads again.
   */
  watch?(study: string): Observable<number>;
  /** Release the storage's resources. Further calls throw. */
  close(): void;
}
