/**
 * The shared vocabulary of search: distributions, parameter specs, frozen trial records, and the two
 * small interfaces every algorithm implements (a Sampler picks parameters, a Pruner decides whether a
 * running trial is hopeless). Samplers, pruners and storages only ever see FrozenTrial records, never
 * live Trial handles.
 */

/** A value a search parameter can take. */
export type ParamValue = number | string | boolean;
/** The parameters of one trial, by name. Inactive conditional parameters are absent. */
export type Params = Readonly<Record<string, ParamValue>>;

export type Distribution =
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log: boolean; readonly step?: number }
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number }
  | { readonly kind: 'categorical'; readonly choices: readonly ParamValue[] };

/** A parameter that exists only when another parameter took one of some values. */
export interface Condition {
  readonly param: string;
  readonly values: readonly ParamValue[];
}

/** One named parameter of a search space. */
export interface ParamSpec {
  readonly name: string;
  readonly distribution: Distribution;
  /** Present for conditional parameters. */
  readonly condition?: Condition;
}

/**
 * A validated search space: parameter specs in dependency order (a condition's parent comes before
 * the parameter it guards).
 */
export interface SearchSpaceLike {
  readonly params: readonly ParamSpec[];
  /** Whether `name` is active given the values assigned so far. */
  isActive(name: string, assigned: Params): boolean;
}

export type Direction = 'minimize' | 'maximize';

export type TrialState = 'waiting' | 'running' | 'completed' | 'pruned' | 'failed';

/** The immutable record of a trial, as samplers, pruners and storages see it. */
export interface FrozenTrial {
  /** 0-based number of the trial in its study, in the order trials were created. */
  readonly number: number;
  readonly state: TrialState;
  readonly params: Params;
  /**
   * Final objective value (completed trials; pruned trials carry their last intermediate value). A
   * multi-objective study's completed trials have `values` instead.
   */
  readonly value?: number;
  /** A multi-objective study's completed trial: one value per objective, in the study's order. */
  readonly values?: readonly number[];
  /**
   * The study's `constraints` of a completed trial, when the study has them: each ≤ 0 is satisfied, and
   * the trial is feasible when all are (as Optuna's `constraints_func`).
   */
  readonly constraints?: readonly number[];
  /** Intermediate values reported so far, by step (epoch): `[step, value]` in increasing step order. */
  readonly intermediate: ReadonlyArray<readonly [number, number]>;
  /**
   * When each intermediate value was reported: `[step, ms since epoch]` (the study's clock), in
   * increasing step order, for the steps whose time the storage knows (steps written before storages
   * kept it, or reported without a time, have none). Absent when no step has a time.
   */
  readonly stepTimes?: ReadonlyArray<readonly [number, number]>;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** For failed trials: why. */
  readonly error?: string;
  /** Free-form, JSON-serialisable attributes (e.g. the path of a saved model). */
  readonly attrs?: Readonly<Record<string, unknown>>;
}

/** What a sampler is told besides the trials so far. */
export interface SampleContext {
  /** The study's direction (a multi-objective study: its first objective's). */
  readonly direction: Direction;
  /** A multi-objective study's directions, one per objective (absent for a single objective). */
  readonly directions?: readonly Direction[];
  /** The number the new trial will get. */
  readonly trialNumber: number;
}

/** Picks the parameters of the next trial. Implementations are seeded and reproducible. */
export interface Sampler {
  readonly name: string;
  /**
   * Whether the sampler can serve a multi-objective study (it reads `values`, or no values at all). A
   * study with several objectives refuses a sampler without it.
   */
  readonly multiObjective?: boolean;
  sample(space: SearchSpaceLike, trials: readonly FrozenTrial[], context: SampleContext): Params;
  /**
   * Optional: whether the sampler has nothing new to propose for this space given these trials (a grid
   * whose every point already has a trial). A study may stop asking then; samplers that can always
   * propose something omit it.
   */
  isExhausted?(space: SearchSpaceLike, trials: readonly FrozenTrial[]): boolean;
}

/** Decides whether a running trial should stop now. One method, as in Optuna. */
export interface Pruner {
  readonly name: string;
  shouldPrune(trial: FrozenTrial, trials: readonly FrozenTrial[], direction: Direction): boolean;
}
