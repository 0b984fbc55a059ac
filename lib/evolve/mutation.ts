/**
 * Mutation: each parameter changes with probability `rate`. A numeric one takes a Gaussian step of
 * standard deviation `scale` in its unit coordinate (log space for log parameters; reflected at the
 * ends, then snapped to the step or to an integer); a categorical one is redrawn among its other
 * choices. A parameter that becomes active because its parent mutated is drawn afresh (`repair`).
 */
import type { ParamValue, Params, SearchSpaceLike } from '../search/types.js';
import type { Random } from '../random.js';
import { snap } from '../search/distribution.js';
import { fromUnit, isNumeric, reflect, repair, toUnit } from '../search/genetic/genome.js';

export function mutate(space: SearchSpaceLike, params: Params, rate: number, scale: number, random: Random): Params {
  const out: Record<string, ParamValue | undefined> = {};
  for (const spec of space.params) {
    const value = params[spec.name];
    const hit = random.float() < rate;
    const z = random.normal();
    const pick = random.float();
    if (value === undefined || !hit) {
      out[spec.name] = value;
      continue;
    }
    if (isNumeric(spec) && typeof value === 'number') {
      const d = spec.distribution;
      const before = value;
      let next = fromUnit(d, reflect(toUnit(d, value) + scale * z));
      // A step too small to leave a discrete value's cell still moves it to a neighbour, so that
      // mutation of an int is never a silent no-op.
      if (next === before && d.step !== undefined) {
        const dir = z >= 0 ? 1 : -1;
        const moved = before + dir * d.step;
        next = snap(d, moved > d.high || moved < d.low ? before - dir * d.step : moved);
      }
      out[spec.name] = next;
    } else if (spec.distribution.kind === 'categorical') {
      const others = spec.distribution.choices.filter((c) => c !== value);
      out[spec.name] = others.length === 0 ? value : others[Math.min(others.length - 1, Math.floor(pick * others.length))];
    } else {
      out[spec.name] = value;
    }
  }
  return repair(space, out, random);
}
