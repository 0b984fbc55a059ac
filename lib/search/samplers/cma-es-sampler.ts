import { createRandom, type Random } from '../../random.js';
import { finiteNumber, knownFields, numberInRange, positiveInt, requireObject } from '../../validate.js';
import { symmetricEigen } from '../math/linalg.js';
import { sampleDistribution } from '../distribution.js';
import type { FrozenTrial, ParamSpec, Sampler, SearchSpaceLike } from '../types.js';
import { assign, fromUnit, lossOf, toUnit, type NumericDistribution } from './common.js';

export interface CmaEsSamplerConfig {
  readonly seed: number;
  /** Initial step size in the unit cube. Default 1/6 (Optuna: a sixth of the range). */
  readonly sigma0?: number;
  /** Population size λ. Default Hansen's 4 + ⌊3 ln n⌋ for n numeric parameters. */
  readonly popsize?: number;
}

/**
 * CMA-ES (Hansen's (μ/μ_w, λ)-CMA-ES with the standard parameters of "The CMA Evolution Strategy: A
 * Tutorial", 2016) over the unconditional numeric parameters, mapped to the unit cube (log parameters
 * in log space). Categorical and conditional parameters are sampled at random.
 *
 * Intuition: sample a generation from a Gaussian, move its mean toward the best half, and stretch its
 * covariance along the directions that worked.
 *
 * Generations come from trial numbers: trial n belongs to generation ⌊n / λ⌋ (`tell` is implicit).
 * Sampling a trial replays the updates of every earlier generation whose trials have all finished, in
 * order, from the trials' parameters and losses; a generation with a trial still running, and every
 * generation after it, is not used yet (in a parallel study the next generation is then drawn from
 * the last complete state). Pruned trials count with their last intermediate value; failed trials are
 * left out of their generation's update. Points outside the cube are redrawn (up to 100 times) and
 * then clipped. Everything is a pure function of the seed and the trials, so a resumed study samples
 * the same parameters.
 *
 * @example
 * ```ts
 * import { cmaEsSampler } from 'rxtrain';
 * const sampler = cmaEsSampler({ seed: 1, sigma0: 0.2 });
 * ```
 *
 * @param config see {@link CmaEsSamplerConfig}; `seed` is required.
 * @returns a {@link Sampler}.
 */
export function cmaEsSampler(config: CmaEsSamplerConfig): Sampler {
  const where = 'cmaEsSampler()';
  const c = requireObject(where, config);
  knownFields(where, c, ['seed', 'sigma0', 'popsize']);
  const base = createRandom(finiteNumber(where, 'seed', c.seed));
  const sigma0 = c.sigma0 === undefined ? 1 / 6 : numberInRange(where, 'sigma0', c.sigma0, 0, 1, { loOpen: true });
  const popsize = c.popsize === undefined ? undefined : positiveInt(where, 'popsize', c.popsize);
  if (popsize !== undefined) numberInRange(where, 'popsize', popsize, 2, Infinity);
  const cache = new WeakMap<SearchSpaceLike, ReplayCache>();

  return {
    name: 'cmaes',
    sample(space, trials, context) {
      const random = base.fork(context.trialNumber);
      const numeric = space.params.filter((s): s is ParamSpec & { distribution: NumericDistribution } => s.condition === undefined && s.distribution.kind !== 'categorical');
      if (numeric.length === 0) return assign(space, (_n, d) => sampleDistribution(d, random));
      const n = numeric.length;
      const params = makeParams(n, popsize ?? 4 + Math.floor(3 * Math.log(n)));
      const generation = Math.floor(context.trialNumber / params.lambda);
      let replay = cache.get(space);
      if (!replay || replay.key !== `${n}:${params.lambda}`) {
        replay = { key: `${n}:${params.lambda}`, fingerprints: [], states: [] };
        cache.set(space, replay);
      }
      const state = stateFor(generation, trials, numeric, params, sigma0, context.direction, replay);
      const x = draw(state, params, random);
      const values = new Map(numeric.map((s, i) => [s.name, fromUnit(s.distribution, x[i]!)] as const));
      return assign(space, (name, d) => values.get(name) ?? sampleDistribution(d, random));
    },
  };
}

interface CmaParams {
  readonly n: number;
  readonly lambda: number;
  readonly mu: number;
  readonly weights: Float64Array;
  readonly muEff: number;
  readonly cs: number;
  readonly ds: number;
  readonly cc: number;
  readonly c1: number;
  readonly cmu: number;
  readonly chiN: number;
}

function makeParams(n: number, lambda: number): CmaParams {
  const mu = Math.floor(lambda / 2);
  const raw = Float64Array.from({ length: mu }, (_, i) => Math.log(mu + 0.5) - Math.log(i + 1));
  const sum = raw.reduce((a, b) => a + b, 0);
  const weights = raw.map((w) => w / sum);
  const muEff = 1 / weights.reduce((a, w) => a + w * w, 0);
  const cs = (muEff + 2) / (n + muEff + 5);
  const ds = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cs;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const c1 = 2 / ((n + 1.3) ** 2 + muEff);
  const cmu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return { n, lambda, mu, weights, muEff, cs, ds, cc, c1, cmu, chiN };
}

interface CmaState {
  readonly mean: Float64Array;
  readonly sigma: number;
  readonly cov: Float64Array;
  readonly pc: Float64Array;
  readonly ps: Float64Array;
  /** Eigenvectors (columns) and sqrt eigenvalues of cov. */
  readonly b: Float64Array;
  readonly dd: Float64Array;
  readonly updates: number;
}

interface ReplayCache {
  key: string;
  fingerprints: string[];
  states: CmaState[];
}

function initialState(n: number, sigma0: number): CmaState {
  const cov = new Float64Array(n * n);
  const b = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    cov[i * n + i] = 1;
    b[i * n + i] = 1;
  }
  return { mean: new Float64Array(n).fill(0.5), sigma: sigma0, cov, pc: new Float64Array(n), ps: new Float64Array(n), b, dd: new Float64Array(n).fill(1), updates: 0 };
}

/** The state from which generation `generation` is drawn: replay every complete earlier generation. */
function stateFor(generation: number, trials: readonly FrozenTrial[], numeric: readonly (ParamSpec & { distribution: NumericDistribution })[], p: CmaParams, sigma0: number, direction: 'minimize' | 'maximize', cache: ReplayCache): CmaState {
  const byGen = new Map<number, FrozenTrial[]>();
  for (const t of trials) {
    const g = Math.floor(t.number / p.lambda);
    if (g >= generation) continue;
    let list = byGen.get(g);
    if (!list) byGen.set(g, (list = []));
    list.push(t);
  }
  let state = initialState(p.n, sigma0);
  for (let g = 0; g < generation; g++) {
    const members = byGen.get(g) ?? [];
    const finished = members.length === p.lambda && members.every((t) => t.state === 'completed' || t.state === 'pruned' || t.state === 'failed');
    if (!finished) break;
    const scored = members
      .map((t) => ({ t, loss: lossOf(t, direction) }))
      .filter((s): s is { t: FrozenTrial; loss: number } => s.loss !== undefined && numeric.every((spec) => typeof s.t.params[spec.name] === 'number'))
      .sort((a, b) => a.loss - b.loss || a.t.number - b.t.number);
    const fingerprint = scored.map((s) => `${s.t.number}:${s.loss}:${numeric.map((spec) => s.t.params[spec.name]).join(',')}`).join(';');
    if (cache.fingerprints[g] === fingerprint && cache.states[g]) {
      state = cache.states[g]!;
      continue;
    }
    const xs = scored.map((s) => Float64Array.from(numeric, (spec) => toUnit(spec.distribution, s.t.params[spec.name] as number)));
    state = update(state, xs, p);
    cache.fingerprints[g] = fingerprint;
    cache.states[g] = state;
    cache.fingerprints.length = g + 1;
    cache.states.length = g + 1;
  }
  return state;
}

/** One CMA-ES generation update from the generation's points, best first. */
function update(s: CmaState, sorted: readonly Float64Array[], p: CmaParams): CmaState {
  const { n } = p;
  const m = Math.min(p.mu, sorted.length);
  if (m < 2) return s;
  // Renormalise the weights when failed trials left fewer than μ points.
  const w = p.weights.slice(0, m);
  const wsum = w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < m; i++) w[i]! /= wsum;
  const muEff = 1 / w.reduce((a, v) => a + v * v, 0);
  const ys = sorted.slice(0, m).map((x) => x.map((v, i) => (v - s.mean[i]!) / s.sigma));
  const yw = new Float64Array(n);
  for (let k = 0; k < m; k++) for (let i = 0; i < n; i++) yw[i]! += w[k]! * ys[k]![i]!;
  const mean = s.mean.map((v, i) => v + s.sigma * yw[i]!);
  // C^{-1/2}·yw = B·D⁻¹·Bᵀ·yw
  const bty = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += s.b[i * n + j]! * yw[i]!;
    bty[j] = acc / s.dd[j]!;
  }
  const invSqrtY = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += s.b[i * n + j]! * bty[j]!;
    invSqrtY[i] = acc;
  }
  const csn = Math.sqrt(p.cs * (2 - p.cs) * muEff);
  const ps = s.ps.map((v, i) => (1 - p.cs) * v + csn * invSqrtY[i]!);
  const psNorm = Math.sqrt(ps.reduce((a, v) => a + v * v, 0));
  const updates = s.updates + 1;
  const hs = psNorm / Math.sqrt(1 - (1 - p.cs) ** (2 * updates)) < (1.4 + 2 / (n + 1)) * p.chiN ? 1 : 0;
  const ccn = Math.sqrt(p.cc * (2 - p.cc) * muEff);
  const pc = s.pc.map((v, i) => (1 - p.cc) * v + hs * ccn * yw[i]!);
  const cov = new Float64Array(n * n);
  const decay = 1 - p.c1 - p.cmu;
  const correction = (1 - hs) * p.cc * (2 - p.cc);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let rankMu = 0;
      for (let k = 0; k < m; k++) rankMu += w[k]! * ys[k]![i]! * ys[k]![j]!;
      const old = s.cov[i * n + j]!;
      const v = decay * old + p.c1 * (pc[i]! * pc[j]! + correction * old) + p.cmu * rankMu;
      cov[i * n + j] = v;
      cov[j * n + i] = v;
    }
  }
  const sigma = s.sigma * Math.exp(Math.min(1, (p.cs / p.ds) * (psNorm / p.chiN - 1)));
  const { values, vectors } = symmetricEigen(cov, n);
  const dd = values.map((v) => Math.sqrt(Math.max(v, 1e-20)));
  return { mean, sigma, cov, pc, ps, b: vectors, dd, updates };
}

/** x = m + σ·B·D·z, redrawn until inside the unit cube (at most 100 times), then clipped. */
function draw(s: CmaState, p: CmaParams, random: Random): Float64Array {
  const { n } = p;
  const x = new Float64Array(n);
  for (let attempt = 0; attempt < 100; attempt++) {
    const z = Float64Array.from({ length: n }, () => random.normal() * 1);
    let inside = true;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += s.b[i * n + j]! * s.dd[j]! * z[j]!;
      x[i] = s.mean[i]! + s.sigma * acc;
      if (x[i]! < 0 || x[i]! > 1) inside = false;
    }
    if (inside) return x;
  }
  return x.map((v) => Math.min(1, Math.max(0, v)));
}
