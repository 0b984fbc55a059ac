/**
 * The live handle of one running trial, as an objective sees it. Beside it, the immutable
 * {@link FrozenTrial} record is what samplers, pruners and storages see: a handle reads and writes
 * through the study's storage, a record never changes.
 */
import type { Direction, FrozenTrial, Params, Pruner } from '../search/types.js';
import type { Storage } from '../storage/storage.js';
import { hashSeed } from '../random.js';
import type { Clock } from '../clock.js';

/** A running trial. `P` is the type of its parameters, inferred from the study's space. */
export interface Trial<P extends Params = Params> {
  /** The study's name. */
  readonly study: string;
  /** 0-based number of the trial in its study. */
  readonly number: number;
  readonly params: P;
  /**
   * A seed for the trial's own randomness (weight initialisation, shuffling), derived from the study's
   * seed and the trial number: a rerun of the same study draws the same numbers.
   */
  readonly seed: number;
  /** The metric the study optimises (what `prune(trial)` reports), if it has one. */
  readonly metric: string | undefined;
  readonly direction: Direction;
  /** One direction per objective (a single objective: `[direction]`). */
  readonly directions: readonly Direction[];
  /** One metric per objective, when the study has metrics (a multi-objective study reads them all). */
  readonly metrics: readonly string[] | undefined;
  /** Aborted when the study stops the trial before it ends (its `optimize` was unsubscribed). */
  readonly signal: AbortSignal;
  /**
   * Record the objective's value after `step` (an integer ≥ 0, e.g. the epoch). Each step once; the
   * value must be finite (a NaN throws a `NON_FINITE` error, which fails the trial). `metrics`, all of
   * the step's metrics, go with it to storages that keep them (for followers on other machines).
   */
  report(step: number, value: number, metrics?: Readonly<Record<string, number | undefined>>): void;
  /** Whether the study's pruner says to stop this trial now (always false without a pruner). */
  shouldPrune(): boolean;
  /** Merge JSON-serialisable attributes into the trial's record (e.g. the path of a saved model). */
  setAttrs(attrs: Readonly<Record<string, unknown>>): void;
  /** The trial's record as stored now. */
  record(): FrozenTrial;
}

/** What a study gives the handles it makes. */
export interface TrialContext {
  readonly study: string;
  readonly direction: Direction;
  readonly directions: readonly Direction[];
  readonly metric: string | undefined;
  readonly metrics: readonly string[] | undefined;
  readonly seed: number;
  readonly storage: Storage;
  readonly pruner: Pruner | undefined;
  /** Stamps each reported step (`stepTimes`). */
  readonly clock: Clock;
}

/** A handle plus the controls only the study holds. */
export interface TrialHandle<P extends Params> {
  readonly trial: Trial<P>;
  /** Abort the trial's signal. */
  abort(reason: string): void;
}

function finiteOnly(metrics: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

export function trialSeed(studySeed: number, number: number): number {
  return hashSeed(studySeed, 'trial', number);
}

export function makeTrial<P extends Params>(ctx: TrialContext, record: FrozenTrial): TrialHandle<P> {
  const controller = new AbortController();
  // The steps this handle already wrote, so that prune(trial) and the study reporting the same epoch
  // cost one write, not two.
  const written = new Map<number, number>();
  for (const [step, value] of record.intermediate) written.set(step, value);
  const number = record.number;
  const trial: Trial<P> = Object.freeze({
    study: ctx.study,
    number,
    params: record.params as P,
    seed: trialSeed(ctx.seed, number),
    metric: ctx.metric,
    direction: ctx.direction,
    directions: ctx.directions,
    metrics: ctx.metrics,
    signal: controller.signal,
    report(step: number, value: number, metrics?: Readonly<Record<string, number | undefined>>): void {
      if (written.get(step) === value) return;
      ctx.storage.reportIntermediate(ctx.study, number, step, value, metrics === undefined ? undefined : finiteOnly(metrics), ctx.clock.now());
      written.set(step, value);
    },
    shouldPrune(): boolean {
      if (!ctx.pruner) return false;
      const trials = ctx.storage.getTrials(ctx.study);
      const self = trials.find((t) => t.number === number);
      if (!self || self.state !== 'running') return false;
      return ctx.pruner.shouldPrune(self, trials, ctx.direction);
    },
    setAttrs(attrs: Readonly<Record<string, unknown>>): void {
      ctx.storage.setTrialAttrs(ctx.study, number, attrs);
    },
    record(): FrozenTrial {
      return ctx.storage.getTrial(ctx.study, number)!;
    },
  });
  return { trial, abort: (reason) => controller.abort(reason) };
}
