import { RxtrainError, configError, describe } from '../../errors.js';
import { requireObject, knownFields } from '../../validate.js';
import { contains } from '../distribution.js';
import type { FrozenTrial, ParamValue, Params, Sampler, SearchSpaceLike } from '../types.js';

export interface PartialFixedSamplerConfig {
  /** The sampler that picks the parameters that are not fixed. */
  readonly sampler: Sampler;
  /** Parameters and the values every trial gets (when the parameter is active). */
  readonly fixed: Readonly<Record<string, ParamValue>>;
}

/**
 * Fix some parameters to given values and let another sampler pick the rest (Optuna's
 * `PartialFixedSampler`).
 *
 * Intuition: after a first search, freeze what you have settled (`optimizer: 'adam'`) and spend the
 * next trials on what is still open, with the same sampler and the trials you already have.
 *
 * The wrapped sampler sees the space without the fixed parameters (a parameter conditional on a
 * fixed one is active or not by the fixed value), and all the trials as they are. A fixed parameter
 * that is conditional gets its value only in trials where it is active. The fixed values are checked
 * against each space the sampler is asked about: a name the space does not have, or a value outside
 * its parameter's distribution, throws `INVALID_CONFIG` naming the parameter.
 *
 * @example
 * ```ts
 * import { partialFixedSampler, tpeSampler } from 'rxtrain';
 * const sampler = partialFixedSampler({ sampler: tpeSampler({ seed: 1 }), fixed: { optimizer: 'adam' } });
 * ```
 *
 * @param config the wrapped `sampler` and the `fixed` values.
 * @returns a {@link Sampler} (with `isExhausted` when the wrapped sampler has one).
 */
export function partialFixedSampler(config: PartialFixedSamplerConfig): Sampler {
  const where = 'partialFixedSampler()';
  const c = requireObject(where, config);
  knownFields(where, c, ['sampler', 'fixed']);
  const inner = c.sampler as Sampler;
  if (inner === null || typeof inner !== 'object' || typeof inner.sample !== 'function') throw configError(where, 'sampler', 'must be a Sampler (with sample())', inner);
  const fixed = requireObject(where, c.fixed, 'fixed') as Record<string, unknown>;
  if (Object.keys(fixed).length === 0) throw configError(where, 'fixed', 'must fix at least one parameter (else use the sampler itself)');
  for (const [name, value] of Object.entries(fixed)) {
    const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw configError(where, `fixed.${name}`, 'must be a string, a boolean or a finite number', value);
  }
  const values = fixed as Readonly<Record<string, ParamValue>>;

  // One reduced space per space, so that samplers that key caches by the space object keep them.
  const reduced = new WeakMap<SearchSpaceLike, SearchSpaceLike>();
  const reducedOf = (space: SearchSpaceLike): SearchSpaceLike => {
    let r = reduced.get(space);
    if (!r) {
      check(where, space, values);
      r = {
        params: space.params.filter((spec) => !(spec.name in values)),
        isActive: (name, assigned) => space.isActive(name, { ...values, ...assigned }),
      };
      reduced.set(space, r);
    }
    return r;
  };

  const self: Sampler = {
    name: `partialFixed(${inner.name})`,
    // As many objectives as the sampler it wraps serves.
    ...(inner.multiObjective === true ? { multiObjective: true } : {}),
    sample(space, trials, context) {
      const r = reducedOf(space);
      const rest = r.params.length === 0 ? {} : inner.sample(r, trials, context);
      const out: Record<string, ParamValue> = {};
      // In the space's order, and only the active parameters (a fixed conditional one may not be).
      for (const spec of space.params) {
        const value = spec.name in values ? values[spec.name] : rest[spec.name];
        if (value !== undefined && space.isActive(spec.name, out)) out[spec.name] = value;
      }
      return out as Params;
    },
  };
  if (inner.isExhausted) {
    const exhausted = inner.isExhausted.bind(inner);
    return { ...self, isExhausted: (space: SearchSpaceLike, trials: readonly FrozenTrial[]) => reducedOf(space).params.length > 0 && exhausted(reducedOf(space), trials) };
  }
  return self;
}

function check(where: string, space: SearchSpaceLike, values: Readonly<Record<string, ParamValue>>): void {
  for (const [name, value] of Object.entries(values)) {
    const spec = space.params.find((s) => s.name === name);
    if (!spec) {
      throw new RxtrainError('INVALID_CONFIG', `${where}: fixed parameter '${name}' is not a parameter of the space (it has: ${space.params.map((s) => s.name).join(', ')})`, { where, field: `fixed.${name}`, param: name });
    }
    if (!contains(spec.distribution, value)) {
      throw new RxtrainError('INVALID_CONFIG', `${where}: fixed parameter '${name}' = ${describe(value)} is not a value of its distribution (${describeDistribution(spec.distribution)})`, { where, field: `fixed.${name}`, param: name, value });
    }
  }
}

function describeDistribution(d: SearchSpaceLike['params'][number]['distribution']): string {
  if (d.kind === 'categorical') return `one of ${d.choices.map((c) => describe(c)).join(', ')}`;
  const step = d.kind === 'int' ? (d.step === 1 ? '' : `, step ${d.step}`) : d.step === undefined ? '' : `, step ${d.step}`;
  return `${d.kind === 'int' ? 'an integer' : 'a number'} in [${d.low}, ${d.high}]${step}${d.log ? ', log scale' : ''}`;
}
