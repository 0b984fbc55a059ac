/**
 * The vocabulary of population-based training: the member interface an objective implements, the
 * config, and the events (plain data) a run emits.
 */
import type { Observable } from 'rxjs';
import type { BackendName } from '../backend/use-backend.js';
import type { WorkerPool } from '../parallel/worker-pool.js';
import type { Random } from '../random.js';
import type { Direction, Params } from '../search/types.js';
import type { MemberCheckpoints, PbtCheckpoints } from './member-checkpoints.js';

/** What a member's training emits; pbt reads the `epochEnd`s and ignores the rest. */
export interface MemberEpochEnd {
  readonly type: 'epochEnd';
  readonly metrics: Readonly<Record<string, number | undefined>>;
}

/**
 * One member of a population: live training state (a model, an optimizer, θ...) that pbt drives.
 * pbt calls its methods one at a time, never two at once.
 */
export interface PbtMember<P extends Params = Params> {
  /**
   * Train `epochs` more epochs (or steps), starting at global epoch `from` (to seed shuffles by it),
   * emitting one `epochEnd` per epoch, and complete. Unsubscribing stops it.
   */
  train(from: number, epochs: number): Observable<{ readonly type: string }>;
  /** Use these hyperparameters from now on (e.g. `setLearningRate` on the live optimizer). */
  setParams(params: P): void | Promise<void>;
  /**
   * Write everything training continues from (weights AND optimizer state) as `checkpoint`, through
   * `checkpoints` (the run's: a folder per checkpoint in Node, memory in a page). A member that writes
   * files itself may use `checkpoint` as its folder, and then needs the folder checkpoints.
   */
  save(checkpoint: string, checkpoints: MemberCheckpoints): Promise<void>;
  /** Replace the live state by what `save` wrote as `checkpoint`. */
  load(checkpoint: string, checkpoints: MemberCheckpoints): Promise<void>;
  /** Free the member's tensors. */
  dispose(): void;
}

/** What pbt passes to the objective to make member `member`. */
export interface PbtMemberInput<P extends Params = Params> {
  readonly member: number;
  /** Its initial hyperparameters (call `setParams` yourself or build with them). */
  readonly params: P;
  /** A seed for its initialisation, derived from pbt's seed and the member index. */
  readonly seed: number;
}

export type PbtObjective<P extends Params = Params> = (input: PbtMemberInput<P>) => PbtMember<P> | Promise<PbtMember<P>>;

/**
 * The objective as a module, so that members can train in worker threads (see `PbtConfig.workers`):
 * its export, a {@link PbtObjective}, is called in the worker that hosts each member.
 */
export interface PbtModuleObjective {
  /** Path (absolute, or relative to the working directory), file URL, or `URL` of an ES module. */
  readonly module: string | URL;
  /** The export that makes a member. Default `'default'`. */
  readonly export?: string;
}

/** How a bottom member changes the hyperparameters it copied. */
export type ExploreConfig<P extends Params = Params> =
  /** Each numeric parameter multiplied by one of `perturb`'s factors (chosen at random); a categorical
   * moves to a neighbouring choice; with `resample` probability a parameter is redrawn instead. */
  | { readonly perturb: readonly number[]; readonly resample?: number }
  /** Each parameter redrawn from the space with probability `resample`, else kept. */
  | { readonly resample: number }
  /** Your own: new parameters from the copied ones (pbt repairs them to fit the space). */
  | ((params: P, random: Random) => Params);

export interface PbtConfig<P extends Params = Params> {
  readonly populationSize: number;
  /** Total epochs (or steps) each member trains. */
  readonly epochs: number;
  /** Members are ready (ranked, exploited, explored) every this many epochs. */
  readonly readyEvery: number;
  /** The `epochEnd` metric that ranks members. */
  readonly metric: string;
  readonly direction: Direction;
  /** Truncation selection: the bottom `quantile` copies the top `quantile` (default 0.25). `false`: never copy. */
  readonly exploit?: { readonly quantile?: number } | false;
  /** Default `{ perturb: [0.8, 1.2] }`. `false`: copy the hyperparameters unchanged. */
  readonly explore?: ExploreConfig<P> | false;
  /** Default 0. */
  readonly seed?: number;
  /**
   * Where checkpoints and the run's state (`pbt.json`) are kept; a run started on a folder that holds
   * a state resumes from it (Node only). Default: a temporary folder (in a browser: memory), cleared at the end.
   */
  readonly checkpointDir?: string;
  /**
   * Where checkpoints and the run's state are kept, passed in: `memoryCheckpoints()` (the default in a
   * browser, where there is no folder; a run on the same one resumes), `folderCheckpoints(dir)` (what
   * `checkpointDir` is), or your own. Not with `checkpointDir`, nor with members in worker threads.
   */
  readonly checkpoints?: PbtCheckpoints;
  /** Members training at once (default: all). */
  readonly concurrency?: number;
  /**
   * Worker threads the members live and train in, each with its own tfjs engine, so members train in
   * parallel on several cores; member `i` lives in worker `i mod workers`. Needs the objective as a
   * module ({@link PbtModuleObjective}). Default with a module objective:
   * `min(populationSize, os.availableParallelism())`. The threads start with the run and stop at its
   * end; a `workerPool()` instead lends its threads (started ones are reused; pbt cancels its tasks in
   * them at the end, and leaves the pool open).
   */
  readonly workers?: number | WorkerPool;
  /** The backend each worker selects (through `useBackend`). Default `'auto'`. Only with `workers: n` (a pool has its own). */
  readonly backend?: BackendName | 'auto';
  /** Initial hyperparameters of each member (default: drawn from the space). */
  readonly initial?: readonly P[];
}

/** A hyperparameter schedule: the parameters in force from each epoch on (the first entry's epoch is 1). */
export type ParamSchedule<P extends Params = Params> = ReadonlyArray<{ readonly epoch: number; readonly params: P }>;

export interface PbtStarted<P extends Params = Params> {
  readonly type: 'pbtStarted';
  readonly dir: string;
  /** Epochs every member has already done: 0, or where a resumed run left off. */
  readonly epoch: number;
  readonly members: ReadonlyArray<{ readonly member: number; readonly params: P }>;
  /** The metric that ranks members and which way is better (from the config). */
  readonly metric: string;
  readonly direction: Direction;
}

export interface PbtEpochEnd {
  readonly type: 'epochEnd';
  readonly member: number;
  /** The member's epoch that ended, counted over the whole run (1 for its first). */
  readonly epoch: number;
  readonly metrics: Readonly<Record<string, number | undefined>>;
  /** The ranked metric. */
  readonly value: number;
}

/** A member's training failed; it ranks last and copies a better member at this ready time. */
export interface PbtMemberFailed {
  readonly type: 'memberFailed';
  readonly member: number;
  /** The member's last epoch that finished before the failure. */
  readonly epoch: number;
  readonly error: string;
}

/** Every member finished `epoch` epochs and saved a checkpoint; their ranking, best first. */
export interface PbtReady {
  readonly type: 'ready';
  /** Epochs done by every member. */
  readonly epoch: number;
  readonly ranking: ReadonlyArray<{ readonly member: number; readonly value: number }>;
}

/**
 * At a ready time, the top member's value beat every value the run had ranked first before (the first
 * ready's top member always does): the best so far, and where it was reached.
 */
export interface PbtNewBest<P extends Params = Params> {
  readonly type: 'newBest';
  readonly member: number;
  readonly epoch: number;
  readonly value: number;
  readonly params: P;
  /** The value it beat, absent the first time. */
  readonly previous?: number;
  readonly metric: string;
  readonly direction: Direction;
}

/** `member` replaced its weights and optimizer state by `donor`'s checkpoint. */
export interface PbtExploit {
  readonly type: 'exploit';
  readonly member: number;
  readonly donor: number;
  readonly epoch: number;
  readonly value: number;
  readonly donorValue: number;
  readonly checkpoint: string;
}

/** `member`'s hyperparameters changed from `oldParams` to `newParams` (after an exploit, from the donor's). */
export interface PbtExplore<P extends Params = Params> {
  readonly type: 'explore';
  readonly member: number;
  readonly epoch: number;
  readonly oldParams: P;
  /** What it explored from: the donor's parameters, or its own. */
  readonly fromParams: P;
  readonly newParams: P;
}

export interface PbtCompleted<P extends Params = Params> {
  readonly type: 'pbtCompleted';
  readonly epoch: number;
  /** The best member at the end, its hyperparameter schedule (inherited through its copies), and its last checkpoint. */
  readonly best: { readonly member: number; readonly value: number; readonly params: P; readonly schedule: ParamSchedule<P>; readonly checkpoint?: string };
  readonly members: ReadonlyArray<{ readonly member: number; readonly value: number; readonly params: P; readonly schedule: ParamSchedule<P> }>;
}

export type PbtEvent<P extends Params = Params> = PbtStarted<P> | PbtEpochEnd | PbtMemberFailed | PbtReady | PbtNewBest<P> | PbtExploit | PbtExplore<P> | PbtCompleted<P>;
