/**
 * What a parameter's distribution can produce: whether a value is one of its values, how many values
 * it has, the nearest value to a number, and a random draw. Samplers, `space()` and the evolutionary
 * searches share these, so that they agree on a step grid and on the ends of a range. (Split from
 * space.ts.)
 */
import type { Random } from '../random.js';
import type { Distribution, ParamValue } from './types.js';

const REL_TOL = 1e-9;

/** Whether `span` is a whole number of `step`s (within a relative 1e-9). */
export function isMultiple(span: number, step: number): boolean {
  const k = span / step;
  return Math.abs(k - Math.round(k)) <= REL_TOL * Math.max(1, k);
}

/** Whether `value` is a value the distribution can produce (floats with a step: on the grid, within 1e-9). */
export function contains(d: Distribution, value: unknown): boolean {
  if (d.kind === 'categorical') return d.choices.includes(value as ParamValue);
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const tol = REL_TOL * Math.max(1, Math.abs(d.high - d.low));
  if (value < d.low - tol || value > d.high + tol) return false;
  if (d.kind === 'int') return Number.isInteger(value) && (value - d.low) % d.step === 0;
  if (d.step !== undefined) return isMultiple(value - d.low, d.step);
  return true;
}

/** Number of distinct values of a discrete distribution (Infinity for a float without a step). */
export function cardinality(d: Distribution): number {
  if (d.kind === 'categorical') return d.choices.length;
  if (d.kind === 'int') return (d.high - d.low) / d.step + 1;
  return d.step === undefined ? Infinity : Math.round((d.high - d.low) / d.step) + 1;
}

/** Snap a number to the nearest value a numeric distribution can take (clip, then round to the step). */
export function snap(d: Exclude<Distribution, { kind: 'categorical' }>, x: number): number {
  const v = Math.min(d.high, Math.max(d.low, x));
  if (d.kind === 'int') return Math.min(d.high, d.low + Math.round((v - d.low) / d.step) * d.step);
  if (d.step === undefined) return v;
  const k = Math.round((v - d.low) / d.step);
  // Multiply rather than accumulate, and round off the binary noise (0.1·3 → 0.3, not
  // 0.30000000000000004) so that grid values print and compare as written; never exceed high.
  return Math.min(d.high, Number((d.low + k * d.step).toPrecision(15)));
}

/** Draw one value: uniform, or log-uniform for log distributions; discrete values equally likely. */
export function sampleDistribution(d: Distribution, random: Random): ParamValue {
  if (d.kind === 'categorical') return d.choices[random.int(d.choices.length)]!;
  if (d.kind === 'int' && !d.log) return d.low + random.int((d.high - d.low) / d.step + 1) * d.step;
  if (d.kind === 'float' && d.step !== undefined) return snap(d, d.low + random.int(cardinality(d)) * d.step);
  if (d.log) {
    // Ints on a log scale: widen by half a unit so that each end value gets its share.
    const lo = d.kind === 'int' ? d.low - 0.5 : d.low;
    const hi = d.kind === 'int' ? d.high + 0.5 : d.high;
    const x = Math.exp(Math.log(lo) + random.float() * (Math.log(hi) - Math.log(lo)));
    return snap(d, x);
  }
  return d.low + random.float() * (d.high - d.low);
}
