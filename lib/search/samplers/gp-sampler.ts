import { createRandom, type Random } from '../../random.js';
import { finiteNumber, knownFields, nonNegativeInt, positiveInt, requireObject } from '../../validate.js';
import { logExpectedImprovement } from '../math/expected-improvement.js';
import { fitGp, type GpModel } from '../math/gp.js';
import { sampleDistribution } from '../distribution.js';
import type { ParamSpec, ParamValue, Params, Sampler, SearchSpaceLike } from '../types.js';
import { assign, fromUnit, scoredTrials, toUnit, type Scored } from './common.js';

export interface GpSamplerConfig {
  readonly seed: number;
  /** Random trials before the GP takes over (completed and pruned trials count). Default 10. */
  readonly nStartup?: number;
  /** Random candidates scored by expected improvement per trial (plus as many around the best trials). Default 1000. */
  readonly nCandidates?: number;
  /** Extra random starts of the hyperparameter fit (beside the default start). Default 2. */
  readonly restarts?: number;
  /**
   * The GP is fitted to at most this many trials (the best half and the most recent half), to bound
   * its O(n³) cost. Default 200.
   */
  readonly maxObservations?: number;
}

/**
 * Gaussian-process Bayesian optimisation.
 *
 * Intuition: model the loss as a smooth random function of the parameters, learn how smooth it is along
 * each parameter from the trials so far, and try next where the expected improvement over the best
 * trial is largest.
 *
 * - Inputs: every parameter mapped to [0, 1] (log parameters in log space, ints and steps snapped);
 *   categoricals one-hot; an inactive conditional parameter sits at −0.5 (out of range, so trials where
 *   it is inactive are kin to each other, not to any active value).
 * - Model: Matérn-5/2 kernel with one lengthscale per input, signal and noise variance, fitted by
 *   maximising the marginal likelihood (weak log-normal priors) with L-BFGS from the default and
 *   `restarts` random starts. Targets: losses (maximised values negated), ranks above the median kept,
 *   the worse half squashed by a log so that huge losses do not flatten the model, then standardised.
 * - Acquisition: log expected improvement, maximised over random candidates and perturbations of the
 *   best trials, then refined by a local search on the best few.
 * - Pruned trials count with their last intermediate value; failed, running and waiting ones are ignored.
 *
 * @example
 * ```ts
 * import { gpSampler } from 'rxtrain';
 * const sampler = gpSampler({ seed: 1 });
 * ```
 *
 * @param config see {@link GpSamplerConfig}; `seed` is required.
 * @returns a {@link Sampler}.
 */
export function gpSampler(config: GpSamplerConfig): Sampler {
  const where = 'gpSampler()';
  const c = requireObject(where, config);
  knownFields(where, c, ['seed', 'nStartup', 'nCandidates', 'restarts', 'maxObservations']);
  const base = createRandom(finiteNumber(where, 'seed', c.seed));
  const nStartup = c.nStartup === undefined ? 10 : nonNegativeInt(where, 'nStartup', c.nStartup);
  const nCandidates = c.nCandidates === undefined ? 1000 : positiveInt(where, 'nCandidates', c.nCandidates);
  const restarts = c.restarts === undefined ? 2 : nonNegativeInt(where, 'restarts', c.restarts);
  const maxObs = c.maxObservations === undefined ? 200 : positiveInt(where, 'maxObservations', c.maxObservations);

  return {
    name: 'gp',
    sample(space, trials, context) {
      const random = base.fork(context.trialNumber);
      let scored = scoredTrials(trials, context.direction).filter((s) => validFor(space, s.trial.params));
      if (scored.length < Math.max(nStartup, 2)) return assign(space, (_n, d) => sampleDistribution(d, random));
      if (scored.length > maxObs) scored = subsample(scored, maxObs);
      const codec = makeCodec(space);
      const x = scored.map((s) => codec.features(s.trial.params));
      const y = transformTargets(scored.map((s) => s.loss));
      const model = fitGp(x, y, random.fork('fit'), { restarts });
      let best = Infinity;
      for (const v of y) best = Math.min(best, v);
      const score = (params: Params): number => {
        const { mean, variance } = model.predict(codec.features(params));
        return logExpectedImprovement(mean, Math.sqrt(variance), best);
      };
      return maximize(space, codec, score, scored, y, nCandidates, random.fork('acq'));
    },
  };
}

function validFor(space: SearchSpaceLike, params: Params): boolean {
  const assigned: Record<string, ParamValue> = {};
  for (const spec of space.params) {
    const v = params[spec.name];
    if (!space.isActive(spec.name, assigned)) continue;
    if (v === undefined) return false;
    if (spec.distribution.kind === 'categorical' ? !spec.distribution.choices.includes(v) : typeof v !== 'number') return false;
    assigned[spec.name] = v;
  }
  return true;
}

/** Keep the best half and the most recent half of the trials. */
function subsample(scored: Scored[], max: number): Scored[] {
  const keep = new Set<Scored>();
  const byLoss = [...scored].sort((a, b) => a.loss - b.loss);
  for (const s of byLoss.slice(0, Math.floor(max / 2))) keep.add(s);
  for (let i = scored.length - 1; i >= 0 && keep.size < max; i--) keep.add(scored[i]!);
  return scored.filter((s) => keep.has(s));
}

/**
 * Losses → GP targets. Values above the median are compressed by log1p of their distance to it (in
 * units of the inter-quartile range): BO cares about the good region, and a few enormous losses (as on
 * Rosenbrock) would otherwise make every good trial look alike. Then standardise.
 */
export function transformTargets(losses: readonly number[]): Float64Array {
  const sorted = [...losses].sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]!;
  const median = q(0.5);
  const scale = Math.max(q(0.75) - q(0.25), 1e-12 * Math.max(1, Math.abs(median)));
  const y = Float64Array.from(losses, (v) => (v <= median ? v - median : scale * Math.log1p((v - median) / scale)));
  let mean = 0;
  for (const v of y) mean += v;
  mean /= y.length;
  let sd = 0;
  for (const v of y) sd += (v - mean) ** 2;
  sd = Math.sqrt(sd / y.length) || 1;
  return y.map((v) => (v - mean) / sd);
}

interface Codec {
  readonly specs: readonly ParamSpec[];
  features(params: Params): Float64Array;
  /** Params from a raw vector: unit values for numeric params, choice indices for categoricals. */
  decode(raw: Float64Array): Params;
  encodeRaw(params: Params, random: Random): Float64Array;
}

function makeCodec(space: SearchSpaceLike): Codec {
  const specs = space.params;
  const index = new Map(specs.map((s, i) => [s.name, i] as const));
  const offsets: number[] = [];
  let width = 0;
  for (const s of specs) {
    offsets.push(width);
    width += s.distribution.kind === 'categorical' ? s.distribution.choices.length : 1;
  }
  return {
    specs,
    features(params) {
      const f = new Float64Array(width);
      specs.forEach((s, i) => {
        const v = params[s.name];
        const o = offsets[i]!;
        const d = s.distribution;
        if (d.kind === 'categorical') {
          const k = v === undefined ? -1 : d.choices.indexOf(v);
          if (k >= 0) f[o + k] = 1;
        } else {
          f[o] = v === undefined ? -0.5 : toUnit(d, v as number);
        }
      });
      return f;
    },
    decode(raw) {
      return assign(space, (name, d) => {
        const u = raw[index.get(name)!]!;
        return d.kind === 'categorical' ? d.choices[u]! : fromUnit(d, u);
      });
    },
    encodeRaw(params, random) {
      return Float64Array.from(specs, (s) => {
        const v = params[s.name];
        const d = s.distribution;
        if (d.kind === 'categorical') return v === undefined ? random.int(d.choices.length) : Math.max(0, d.choices.indexOf(v));
        return v === undefined ? random.float() : toUnit(d, v as number);
      });
    },
  };
}

function randomRaw(specs: readonly ParamSpec[], random: Random): Float64Array {
  return Float64Array.from(specs, (s) => (s.distribution.kind === 'categorical' ? random.int(s.distribution.choices.length) : random.float()));
}

function maximize(space: SearchSpaceLike, codec: Codec, score: (p: Params) => number, scored: readonly Scored[], y: Float64Array, nCandidates: number, random: Random): Params {
  const specs = codec.specs;
  type Cand = { raw: Float64Array; params: Params; value: number };
  const evaluate = (raw: Float64Array): Cand => {
    const params = codec.decode(raw);
    return { raw, params, value: score(params) };
  };
  const cands: Cand[] = [];
  for (let i = 0; i < nCandidates; i++) cands.push(evaluate(randomRaw(specs, random)));
  // Perturbations of the best trials: EI is often largest right next to them.
  const order = Array.from(y.keys()).sort((a, b) => y[a]! - y[b]!);
  const top = order.slice(0, Math.min(5, order.length));
  const perTop = Math.ceil(nCandidates / 2 / top.length);
  for (const t of top) {
    const center = codec.encodeRaw(scored[t]!.trial.params, random);
    for (let j = 0; j < perTop; j++) {
      const scale = [0.2, 0.05, 0.01][j % 3]!;
      cands.push(evaluate(perturb(specs, center, scale, random)));
    }
  }
  cands.sort((a, b) => b.value - a.value);
  // Local refinement of the best few: random-direction steps whose size shrinks on failure.
  let best = cands[0]!;
  for (const start of cands.slice(0, 3)) {
    let cur = start;
    let scale = 0.05;
    for (let it = 0; it < 40 && scale > 1e-4; it++) {
      const next = evaluate(perturb(specs, cur.raw, scale, random));
      if (next.value > cur.value) {
        cur = next;
        scale *= 1.5;
      } else {
        scale *= 0.7;
      }
    }
    if (cur.value > best.value) best = cur;
  }
  return best.params;
}

function perturb(specs: readonly ParamSpec[], center: Float64Array, scale: number, random: Random): Float64Array {
  return Float64Array.from(specs, (s, i) => {
    const d = s.distribution;
    const c = center[i]!;
    if (d.kind === 'categorical') return random.float() < scale ? random.int(d.choices.length) : c;
    const v = c + scale * random.normal();
    // Reflect into [0, 1] rather than clip, so the boundary is not over-sampled.
    const r = v < 0 ? -v : v > 1 ? 2 - v : v;
    return Math.min(1, Math.max(0, r));
  });
}
