/**
 * Simulated binary crossover (SBX, Deb & Agrawal 1995) and polynomial mutation (Deb & Goyal 1996), the
 * real-coded operators of NSGA-II, on the unit coordinates of {@link toUnit}: a child lands near its
 * parents with a spread that `eta` sets (larger: closer), and a mutation moves a coordinate by a step
 * whose distribution is bounded by the ends of the range, so that values at an end stay reachable.
 * Categoricals are inherited from either parent, or redrawn; `repair` makes the result valid.
 */
import type { Random } from '../../random.js';
import { sampleDistribution } from '../distribution.js';
import type { ParamValue, Params, SearchSpaceLike } from '../types.js';
import { fromUnit, isNumeric, repair, toUnit } from './genome.js';

/** SBX: one child of parents `a` and `b`, each numeric coordinate crossed with probability 1/2. */
export function sbxCrossover(space: SearchSpaceLike, a: Params, b: Params, eta: number, random: Random): Params {
  const child: Record<string, ParamValue | undefined> = {};
  for (const spec of space.params) {
    const va = a[spec.name];
    const vb = b[spec.name];
    // Draw the same numbers for every parameter, present or not (see crossover.ts).
    const coin = random.float();
    const u = random.float();
    const side = random.float();
    if (va === undefined || vb === undefined) {
      child[spec.name] = va ?? vb;
    } else if (isNumeric(spec) && typeof va === 'number' && typeof vb === 'number' && coin < 0.5) {
      const x1 = toUnit(spec.distribution, va);
      const x2 = toUnit(spec.distribution, vb);
      const beta = u <= 0.5 ? (2 * u) ** (1 / (eta + 1)) : (1 / (2 * (1 - u))) ** (1 / (eta + 1));
      const c = side < 0.5 ? 0.5 * ((1 + beta) * x1 + (1 - beta) * x2) : 0.5 * ((1 - beta) * x1 + (1 + beta) * x2);
      child[spec.name] = fromUnit(spec.distribution, c);
    } else {
      child[spec.name] = side < 0.5 ? va : vb;
    }
  }
  return repair(space, child, random);
}

/**
 * Each parameter mutates with probability `rate`: a numeric one by a bounded polynomial step of index
 * `eta`, a categorical one is redrawn from its choices.
 */
export function polynomialMutation(space: SearchSpaceLike, params: Params, rate: number, eta: number, random: Random): Params {
  const out: Record<string, ParamValue | undefined> = {};
  for (const spec of space.params) {
    const value = params[spec.name];
    const hit = random.float() < rate;
    const u = random.float();
    if (value === undefined || !hit) {
      out[spec.name] = value;
    } else if (isNumeric(spec) && typeof value === 'number') {
      const x = Math.min(1, Math.max(0, toUnit(spec.distribution, value)));
      let delta: number;
      if (u < 0.5) {
        const v = 2 * u + (1 - 2 * u) * (1 - x) ** (eta + 1);
        delta = v ** (1 / (eta + 1)) - 1;
      } else {
        const v = 2 * (1 - u) + 2 * (u - 0.5) * x ** (eta + 1);
        delta = 1 - v ** (1 / (eta + 1));
      }
      out[spec.name] = fromUnit(spec.distribution, x + delta);
    } else {
      out[spec.name] = sampleDistribution(spec.distribution, random);
    }
  }
  return repair(space, out, random);
}
