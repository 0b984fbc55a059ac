import { RxtrainError, configError } from '../../errors.js';
import { booleanField, finiteNumber, knownFields, oneOf, requireObject } from '../../validate.js';
import { haltonSequence } from '../math/halton.js';
import { SOBOL_MAX_DIMENSIONS, sobolPoint } from '../math/sobol.js';
import type { Sampler } from '../types.js';
import { assign, fromUnit } from './common.js';

export interface QmcSamplerConfig {
  /** Seed of the scrambling (required unless `scramble: false`). */
  readonly seed?: number;
  /** `'sobol'` (default; up to 1000 parameters) or `'halton'` (any number). */
  readonly sequence?: 'sobol' | 'halton';
  /**
   * Scramble the sequence (default true): Sobol by Owen's nested uniform scrambling, Halton by random
   * digit permutations. Unscrambled, trial 0 gets every parameter's lowest value, and the seed is unused.
   */
  readonly scramble?: boolean;
}

/**
 * Quasi-Monte Carlo sampling (as Optuna's `QMCSampler`): trial n gets point n of a low-discrepancy
 * sequence, so that any number of trials covers the space more evenly than random ones do.
 *
 * Intuition: random points clump and leave holes; the first 2^m Sobol points put exactly one point in
 * each of 2^m equal boxes of every elementary shape. Good for an exploratory first batch, for
 * importance studies, and as a baseline that beats random at the same budget.
 *
 * Dimension j of the sequence is the space's j-th parameter (in the space's order), whether or not it
 * is active in a trial. Values map from [0, 1) as in Optuna: log parameters in log space, ints and
 * stepped floats over cells half a step wider than the range (so each value owns an equal share), then
 * snapped; a choice of k values takes the ⌊u·k⌋-th (Optuna samples categoricals at random instead; here
 * they are stratified too). The point index is the trial number: it needs no state, so resumed and
 * parallel studies get the same points. A space changed between runs simply maps the same points onto
 * the new parameters: the trials before and after the change are not one low-discrepancy set.
 *
 * @example
 * ```ts
 * import { qmcSampler } from 'rxtrain';
 * const sampler = qmcSampler({ seed: 7, sequence: 'sobol' });
 * ```
 *
 * @param config see {@link QmcSamplerConfig}.
 * @returns a {@link Sampler}. Throws `INVALID_CONFIG` naming a bad field; sampling a space with more than
 *   1000 parameters with Sobol throws `INVALID_CONFIG` too.
 */
export function qmcSampler(config: QmcSamplerConfig): Sampler {
  const where = 'qmcSampler()';
  const c = requireObject(where, config);
  knownFields(where, c, ['seed', 'sequence', 'scramble']);
  const sequence = c.sequence === undefined ? 'sobol' : oneOf(where, 'sequence', c.sequence, ['sobol', 'halton'] as const);
  const scramble = c.scramble === undefined ? true : booleanField(where, 'scramble', c.scramble);
  if (scramble && c.seed === undefined) throw configError(where, 'seed', 'is required to scramble the sequence (or pass scramble: false)');
  const seed = c.seed === undefined ? undefined : finiteNumber(where, 'seed', c.seed);
  const key = scramble ? seed : undefined;
  const halton = sequence === 'halton' ? haltonSequence(key) : undefined;

  return {
    name: scramble ? `qmc(${sequence}, scrambled)` : `qmc(${sequence})`,
    // It reads no trial's values, so it serves a study of any number of objectives as it is.
    multiObjective: true,
    sample(space, _trials, context) {
      const dims = space.params.length;
      if (!halton && dims > SOBOL_MAX_DIMENSIONS) {
        throw new RxtrainError('INVALID_CONFIG', `${where}: a Sobol sequence has at most ${SOBOL_MAX_DIMENSIONS} dimensions, and the space has ${dims} parameters; use sequence: 'halton'`, { where, field: 'sequence', dimensions: dims });
      }
      const point = halton ? halton(context.trialNumber, dims) : sobolPoint(context.trialNumber, dims, key);
      const unit = new Map(space.params.map((spec, j) => [spec.name, point[j]!]));
      return assign(space, (name, d) => {
        const u = unit.get(name)!;
        if (d.kind === 'categorical') return d.choices[Math.min(d.choices.length - 1, Math.floor(u * d.choices.length))]!;
        return fromUnit(d, u);
      });
    },
  };
}
