import { knownFields, finiteNumber, requireObject } from '../../validate.js';
import { createRandom } from '../../random.js';
import { sampleDistribution } from '../distribution.js';
import type { Sampler } from '../types.js';
import { assign } from './common.js';

export interface RandomSamplerConfig {
  /** Seed of the sampler's randomness. */
  readonly seed: number;
}

/**
 * Independent uniform sampling (log-uniform for log parameters): the baseline every other sampler must beat.
 *
 * Each trial's parameters depend only on the seed and the trial number, so a resumed or parallel study
 * draws exactly what an uninterrupted one would.
 *
 * @example
 * ```ts
 * import { randomSampler } from 'rxtrain';
 * const sampler = randomSampler({ seed: 42 });
 * ```
 *
 * @param config `seed` of the sampler's randomness.
 * @returns a {@link Sampler}.
 */
export function randomSampler(config: RandomSamplerConfig): Sampler {
  const where = 'randomSampler()';
  const c = requireObject(where, config);
  knownFields(where, c, ['seed']);
  const base = createRandom(finiteNumber(where, 'seed', c.seed));
  return {
    name: 'random',
    // It reads no trial, so it serves a study of any number of objectives as it is.
    multiObjective: true,
    sample(space, _trials, context) {
      const random = base.fork(context.trialNumber);
      return assign(space, (_name, d) => sampleDistribution(d, random));
    },
  };
}
