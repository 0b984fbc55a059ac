/**
 * Copy finished trials into a study (Optuna's `study.add_trials`): warm-starting a search from another
 * study's trials, or from results obtained elsewhere. The study's sampler then learns from them as
 * from its own trials.
 */
import { RxtrainError, describe } from '../errors.js';
import type { Clock } from '../clock.js';
import type { FrozenTrial } from '../search/types.js';
import type { Storage } from '../storage/storage.js';

export interface AddTrialsContext {
  readonly study: string;
  readonly storage: Storage;
  readonly clock: Clock;
  /** How many objectives the study has: with more than one, a completed trial brings `values`. */
  readonly objectives?: number;
  /** Why a trial's parameters do not fit the study's space (empty when they do). */
  problemsOf(params: unknown): string[];
}

const WHERE = 'study.addTrials()';

/**
 * Validate every trial first (nothing is written if one is refused), then record each as a new trial
 * of the study: created running with its parameters, its intermediate values reported in step order,
 * then finished in its state. Each gets the study's next number and `attrs.addedFrom`, its number
 * where it came from (its other attrs are kept).
 *
 * @returns the new records, in the order given.
 */
export function addTrials(ctx: AddTrialsContext, trials: readonly FrozenTrial[]): FrozenTrial[] {
  if (!Array.isArray(trials)) throw new RxtrainError('INVALID_CONFIG', `${WHERE}: 'trials' must be an array of trials (got ${describe(trials)})`, { where: WHERE, field: 'trials' });
  trials.forEach((t, i) => check(ctx, t, i));
  return trials.map((t) => {
    const now = ctx.clock.now();
    const created = ctx.storage.createTrial(ctx.study, { state: 'running', params: t.params, attrs: { ...(t.attrs ?? {}), addedFrom: t.number }, now });
    // Each step keeps the time it was first reported at, when the source record knows it.
    const times = new Map<number, number>(t.stepTimes ?? []);
    for (const [step, value] of [...t.intermediate].sort((a, b) => a[0] - b[0])) ctx.storage.reportIntermediate(ctx.study, created.number, step, value, undefined, times.get(step));
    const end = ctx.clock.now();
    // Its constraints come with it, if it has them: they are part of its result.
    const judged = t.constraints !== undefined ? { constraints: t.constraints } : {};
    if (t.state === 'completed' && (ctx.objectives ?? 1) > 1) return ctx.storage.finishTrial(ctx.study, created.number, { state: 'completed', values: t.values!, ...judged, now: end });
    if (t.state === 'completed') return ctx.storage.finishTrial(ctx.study, created.number, { state: 'completed', value: t.value!, ...judged, now: end });
    if (t.state === 'pruned') return ctx.storage.finishTrial(ctx.study, created.number, { state: 'pruned', ...(t.value !== undefined && Number.isFinite(t.value) ? { value: t.value } : {}), now: end });
    return ctx.storage.finishTrial(ctx.study, created.number, { state: 'failed', error: t.error ?? 'failed', now: end });
  });
}

function check(ctx: AddTrialsContext, t: FrozenTrial, i: number): void {
  const refuse = (why: string, details: Record<string, unknown> = {}): never => {
    const which = t !== null && typeof t === 'object' && typeof t.number === 'number' ? `trial ${i} (number ${t.number})` : `trial ${i}`;
    throw new RxtrainError('INVALID_CONFIG', `${WHERE}: ${which} ${why}`, { where: WHERE, field: `trials[${i}]`, ...details });
  };
  if (t === null || typeof t !== 'object') refuse(`must be a trial record (got ${describe(t)})`);
  if (!['completed', 'pruned', 'failed'].includes(t.state)) {
    refuse(`is ${describe(t.state)}: only finished trials (completed, pruned, failed) can be added; queue the parameters of an unfinished one with study.enqueue()`, { state: t.state });
  }
  const problems = ctx.problemsOf(t.params);
  if (problems.length > 0) refuse(`does not fit the space: ${problems.join('; ')}`, { problems });
  const n = ctx.objectives ?? 1;
  if (t.state === 'completed' && n > 1) {
    const ok = Array.isArray(t.values) && t.values.length === n && t.values.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok) refuse(`is completed but its values are ${Array.isArray(t.values) ? `[${t.values.join(', ')}]` : describe(t.values)}, not ${n} finite numbers (one per objective of the study)`);
  } else if (t.state === 'completed' && (typeof t.value !== 'number' || !Number.isFinite(t.value))) refuse(`is completed but its value is ${describe(t.value)}, not a finite number`);
  if (t.constraints !== undefined && !(Array.isArray(t.constraints) && t.constraints.length > 0 && t.constraints.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    refuse(`has constraints ${describe(t.constraints)}: a non-empty list of finite numbers`);
  }
  if (!Array.isArray(t.intermediate)) refuse(`has no 'intermediate' list (an empty one is fine)`);
  const steps = new Set<number>();
  for (const entry of t.intermediate) {
    const [step, value] = Array.isArray(entry) ? entry : [undefined, undefined];
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) refuse(`has an intermediate step ${describe(step)}: steps are integers ≥ 0`);
    if (steps.has(step!)) refuse(`reports step ${step} twice`);
    steps.add(step!);
    if (typeof value !== 'number' || !Number.isFinite(value)) refuse(`has a non-finite intermediate value at step ${step} (${describe(value)})`);
  }
}
