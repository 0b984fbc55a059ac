/**
 * How evolution sees a parameter: numeric parameters live in a unit coordinate (log space for log
 * parameters, cells half a step wider than the range for ints and stepped floats, so every value owns
 * an equal share), categoricals stay values. Operators work on coordinates and `repair` maps the result
 * back to a valid assignment of the space: clipped, snapped to the step, integers where asked, and
 * exactly the active conditional parameters.
 */
import { sampleDistribution, snap } from '../distribution.js';
import type { Distribution, ParamSpec, ParamValue, Params, SearchSpaceLike } from '../types.js';
import type { Random } from '../../random.js';

type Numeric = Exclude<Distribution, { kind: 'categorical' }>;

function discrete(d: Numeric): boolean {
  return d.kind === 'int' || d.step !== undefined;
}

/** The interval that the unit coordinate [0, 1] spans, in model space (log space for log parameters). */
function bounds(d: Numeric): [number, number] {
  const half = discrete(d) ? (d.kind === 'int' ? d.step : d.step!) / 2 : 0;
  if (d.log) {
    const lo = d.kind === 'int' ? d.low - 0.5 : d.low;
    const hi = d.kind === 'int' ? d.high + 0.5 : d.high;
    return [Math.log(lo), Math.log(hi)];
  }
  return [d.low - half, d.high + half];
}

/** A numeric value's unit coordinate. */
export function toUnit(d: Numeric, value: number): number {
  const [lo, hi] = bounds(d);
  const x = d.log ? Math.log(value) : value;
  return (x - lo) / (hi - lo);
}

/** The valid value nearest to a unit coordinate (clipped to [0, 1] first). */
export function fromUnit(d: Numeric, u: number): number {
  const [lo, hi] = bounds(d);
  const c = Math.min(1, Math.max(0, u));
  const x = lo + c * (hi - lo);
  return snap(d, d.log ? Math.exp(x) : x);
}

/** Reflect a coordinate into [0, 1] (a mutation that steps past an end bounces back, not piling up on it). */
export function reflect(u: number): number {
  let x = u;
  for (let i = 0; i < 8 && (x < 0 || x > 1); i++) x = x < 0 ? -x : 2 - x;
  return Math.min(1, Math.max(0, x));
}

export function isNumeric(spec: ParamSpec): spec is ParamSpec & { distribution: Numeric } {
  return spec.distribution.kind !== 'categorical';
}

/**
 * Turn a candidate (possibly missing, extra or out-of-range values) into a valid assignment: walk the
 * parameters in dependency order; an active one keeps the candidate's value, snapped into range, or is
 * drawn afresh if the candidate has none (a parameter that a crossover or mutation just activated);
 * an inactive one is dropped.
 */
export function repair(space: SearchSpaceLike, candidate: Readonly<Record<string, ParamValue | undefined>>, random: Random): Params {
  const out: Record<string, ParamValue> = {};
  for (const spec of space.params) {
    if (!space.isActive(spec.name, out)) continue;
    const value = candidate[spec.name];
    const d = spec.distribution;
    if (value === undefined) out[spec.name] = sampleDistribution(d, random);
    else if (d.kind === 'categorical') out[spec.name] = d.choices.includes(value) ? value : sampleDistribution(d, random);
    else out[spec.name] = typeof value === 'number' && Number.isFinite(value) ? snap(d, value) : sampleDistribution(d, random);
  }
  return out;
}
