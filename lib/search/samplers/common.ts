/**
 * What every sampler needs: which trials count and with what loss, how to walk a space in dependency
 * order, and how numeric parameters map to the unit interval.
 */
import { snap } from '../distribution.js';
import type { Direction, Distribution, FrozenTrial, ParamValue, Params, SearchSpaceLike } from '../types.js';

export type NumericDistribution = Exclude<Distribution, { kind: 'categorical' }>;

/**
 * The loss (lower is better) a trial contributes, or undefined if it contributes nothing: completed
 * trials give their value; pruned trials their value, or else their last intermediate value; running,
 * waiting and failed trials, and non-finite values, give nothing.
 */
export function lossOf(trial: FrozenTrial, direction: Direction): number | undefined {
  let v: number | undefined;
  if (trial.state === 'completed') v = trial.value;
  else if (trial.state === 'pruned') v = trial.value ?? trial.intermediate[trial.intermediate.length - 1]?.[1];
  if (v === undefined || !Number.isFinite(v)) return undefined;
  return direction === 'maximize' ? -v : v;
}

/** A trial that has a loss, with the loss. */
export interface Scored {
  readonly trial: FrozenTrial;
  readonly loss: number;
}

/** The trials that have a loss, in trial-number order. */
export function scoredTrials(trials: readonly FrozenTrial[], direction: Direction): Scored[] {
  const out: Scored[] = [];
  for (const trial of trials) {
    const loss = lossOf(trial, direction);
    if (loss !== undefined) out.push({ trial, loss });
  }
  out.sort((a, b) => a.trial.number - b.trial.number);
  return out;
}

/**
 * Assign parameters in the space's order, asking `pick` only for the active ones; the result holds
 * exactly the active parameters.
 */
export function assign(space: SearchSpaceLike, pick: (name: string, distribution: Distribution, assigned: Record<string, ParamValue>) => ParamValue): Params {
  const out: Record<string, ParamValue> = {};
  for (const spec of space.params) {
    if (space.isActive(spec.name, out)) out[spec.name] = pick(spec.name, spec.distribution, out);
  }
  return out;
}

/**
 * The interval a numeric distribution is modelled on: log-transformed for log distributions, widened by
 * half a step on each side for discrete ones (so that every value owns an equal-width cell).
 */
export function modelBounds(d: NumericDistribution): [number, number] {
  const half = d.kind === 'int' ? d.step / 2 : d.step !== undefined ? d.step / 2 : 0;
  if (d.log) return [Math.log(Math.max(d.low - half, d.low / 2)), Math.log(d.high + half)];
  return [d.low - half, d.high + half];
}

/** A parameter value in model space (log for log distributions). */
export function toModel(d: NumericDistribution, value: number): number {
  return d.log ? Math.log(value) : value;
}

/** Back from model space to a valid value (exp, clip, snap to the step). */
export function fromModel(d: NumericDistribution, x: number): number {
  return snap(d, d.log ? Math.exp(x) : x);
}

/** A value mapped to [0, 1] through the model bounds. */
export function toUnit(d: NumericDistribution, value: number): number {
  const [lo, hi] = modelBounds(d);
  return (toModel(d, value) - lo) / (hi - lo);
}

/** A point of [0, 1] mapped back to a valid value. */
export function fromUnit(d: NumericDistribution, u: number): number {
  const [lo, hi] = modelBounds(d);
  return fromModel(d, lo + Math.min(1, Math.max(0, u)) * (hi - lo));
}
