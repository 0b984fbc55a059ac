/**
 * Crossover: two parents make one child. `uniform` takes each parameter from either parent with equal
 * chance; `blend` (BLX-α, Eshelman & Schaffer 1993) draws each numeric parameter uniformly from the
 * interval spanned by the parents' coordinates, widened by α of its length on each side, so children
 * can leave the parents' box a little. Categoricals are inherited from either parent in both.
 * A parameter active in one parent only comes from that parent; `repair` then makes the child valid.
 */
import type { ParamValue, Params, SearchSpaceLike } from '../types.js';
import type { Random } from '../../random.js';
import { fromUnit, isNumeric, reflect, repair, toUnit } from './genome.js';

export type CrossoverKind = 'uniform' | 'blend';

/** The α of BLX-α: how far beyond the parents a blended child may land, as a fraction of their distance. */
export const BLEND_ALPHA = 0.5;

export function crossover(space: SearchSpaceLike, kind: CrossoverKind, a: Params, b: Params, random: Random): Params {
  const child: Record<string, ParamValue | undefined> = {};
  for (const spec of space.params) {
    const va = a[spec.name];
    const vb = b[spec.name];
    // Draw for every parameter, present or not, so that one parameter's activity does not shift the
    // random stream of the others.
    const coin = random.float();
    const t = random.float();
    if (va === undefined || vb === undefined) {
      child[spec.name] = va ?? vb;
      continue;
    }
    if (kind === 'blend' && isNumeric(spec) && typeof va === 'number' && typeof vb === 'number') {
      const ua = toUnit(spec.distribution, va);
      const ub = toUnit(spec.distribution, vb);
      const lo = Math.min(ua, ub);
      const span = Math.abs(ua - ub);
      child[spec.name] = fromUnit(spec.distribution, reflect(lo - BLEND_ALPHA * span + t * (1 + 2 * BLEND_ALPHA) * span));
    } else {
      child[spec.name] = coin < 0.5 ? va : vb;
    }
  }
  return repair(space, child, random);
}
