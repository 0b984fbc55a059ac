/**
 * Explore: new hyperparameters near the copied ones, as in Jaderberg et al. 2017 and Ray Tune's PBT.
 * The result is repaired to fit the space (clipped to bounds, snapped to steps and integers, conditional
 * parameters made consistent) and checked.
 */
import { RxtrainError } from '../errors.js';
import type { Random } from '../random.js';
import { sampleDistribution, snap } from '../search/distribution.js';
import type { ParamValue, Params, SearchSpaceLike } from '../search/types.js';
import { repair } from '../search/genetic/genome.js';
import type { ExploreConfig } from './types.js';

export function explore<P extends Params>(
  space: SearchSpaceLike & { problems(p: unknown): string[] },
  config: ExploreConfig<P>,
  params: P,
  random: Random,
): P {
  let next: Record<string, ParamValue | undefined>;
  if (typeof config === 'function') {
    next = { ...config(params, random) };
  } else {
    next = {};
    const factors = 'perturb' in config ? config.perturb : undefined;
    const resample = config.resample ?? 0;
    for (const spec of space.params) {
      const value = params[spec.name];
      const redraw = random.float() < resample;
      const pick = random.float();
      if (value === undefined) continue;
      const d = spec.distribution;
      if (redraw) next[spec.name] = sampleDistribution(d, random);
      else if (!factors) next[spec.name] = value;
      else if (d.kind === 'categorical') {
        const i = d.choices.indexOf(value);
        // A neighbouring choice; at an end of the list, the only neighbour.
        let j = i + (pick < 0.5 ? -1 : 1);
        if (j < 0 || j >= d.choices.length) j = i - (j - i);
        j = Math.min(d.choices.length - 1, Math.max(0, j));
        next[spec.name] = d.choices[j];
      } else if (typeof value === 'number') {
        const factor = factors[Math.min(factors.length - 1, Math.floor(pick * factors.length))]!;
        let v = snap(d, value * factor);
        // A discrete value too small to move by a factor (3 × 1.2 rounds back to 3) moves by one step.
        const step = d.step;
        if (v === value && step !== undefined && factor !== 1) v = snap(d, value + (factor > 1 ? step : -step));
        next[spec.name] = v;
      }
    }
  }
  const out = repair(space, next, random);
  const problems = space.problems(out);
  if (problems.length > 0) throw new RxtrainError('INVALID_SPACE', `pbt(): explored parameters do not fit the space: ${problems.join('; ')}`, { problems });
  return out as P;
}
