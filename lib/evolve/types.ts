/**
 * The vocabulary of evolutionary search: its config, the populations it emits and their members.
 * Everything here is plain data except a member's `events`, an Observable of plain-data events.
 */
import type { Observable } from 'rxjs';
import type { Direction, Params } from '../search/types.js';
import type { Study, TrialCompleted, TrialEpochEnd, TrialFailed, TrialLrChange, TrialPruned, TrialStarted } from '../study/index.js';
import type { CrossoverKind } from '../search/genetic/crossover.js';
import type { SelectionKind } from '../search/genetic/selection.js';

export interface EvolveConfig<P extends Params = Params> {
  /** Members per generation (≥ 2). */
  readonly populationSize: number;
  /** Generations to run, the first (random) one included. */
  readonly generations: number;
  /** Default `'tournament'`. */
  readonly selection?: SelectionKind;
  /** Members per tournament (default 3). */
  readonly tournamentSize?: number;
  /** Truncation selection draws among this best fraction (default 0.5). */
  readonly truncation?: number;
  /** Default `'uniform'`. */
  readonly crossover?: CrossoverKind;
  /** Probability that a child is made by crossover rather than copied from one parent (default 0.9). */
  readonly crossoverRate?: number;
  /** Probability that each parameter of a child mutates (default 1 / number of parameters). */
  readonly mutationRate?: number;
  /** Standard deviation of a numeric mutation, in the parameter's unit coordinate (default 0.1). */
  readonly mutationScale?: number;
  /** The best members carried unchanged (not re-run) into the next generation (default 1). */
  readonly elitism?: number;
  /** Seed of every random draw of the search (default 0). */
  readonly seed?: number;
  /** Members trained at once (default 1). */
  readonly concurrency?: number;
  /**
   * Where members are recorded, one trial each; reopening the study (same name, same storage) resumes
   * the search. Its direction and metric are used. Default: a new in-memory study. The study should be
   * used by this search only.
   */
  readonly study?: Study<P>;
  /** Without `study`: whether lower or higher values are better (default `'minimize'`). */
  readonly direction?: Direction;
  /** Without `study`: the metric of a training stream's `epochEnd` events that is a member's fitness. */
  readonly metric?: string;
}

/** Where a member came from. */
export type MemberOrigin =
  /** Drawn from the space (generation 0). */
  | 'random'
  /** The best of the previous generation, carried over unchanged: its result is not recomputed. */
  | 'elite'
  /** Selection, crossover and mutation. */
  | 'offspring';

/** What a member's stream carries: the study's events for its trial. */
export type MemberEvent = TrialStarted | TrialEpochEnd | TrialLrChange | TrialCompleted | TrialPruned | TrialFailed;

export interface Member<P extends Params = Params> {
  /** Position in the population. */
  readonly index: number;
  /** Its trial's number in the study (an elite keeps its original trial). */
  readonly trial: number;
  readonly params: P;
  readonly origin: MemberOrigin;
  /** Trial numbers of its parents (one for an elite or an uncrossed child; none for a random member). */
  readonly parents: readonly number[];
  /**
   * Its trial's events, replayed to every subscriber: `trialStarted`, the `epochEnd`s, then one of
   * `trialCompleted`, `trialPruned`, `trialFailed`, and completion. An elite replays its recorded end.
   */
  readonly events: Observable<MemberEvent>;
}

export interface Population<P extends Params = Params> {
  /** 0-based. */
  readonly generation: number;
  readonly members: readonly Member<P>[];
  /** The best completed member of the earlier generations, if any. */
  readonly best?: { readonly trial: number; readonly value: number; readonly params: P };
  /** Which way fitness is better, and the metric it is read from (when members are training streams). */
  readonly direction: Direction;
  readonly metric?: string;
}
