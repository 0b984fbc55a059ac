/**
 * Parzen estimators as in TPE (Bergstra et al. 2011; Optuna's `_ParzenEstimator`): a weighted mixture
 * with one component per observation plus a broad prior component. A component is a product over
 * dimensions of truncated normals (numeric dimensions, in model space) or smoothed one-hot
 * distributions (categorical dimensions). With one dimension it is the independent (univariate) TPE
 * estimator; with several, the multivariate one, whose components share their weight across dimensions.
 */
import type { Random } from '../../random.js';
import { normalMass, normalPpf, normalCdf } from './normal.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export type ParzenDimSpec =
  | {
      readonly kind: 'numeric';
      /** Model-space bounds the kernels are truncated to. */
      readonly low: number;
      readonly high: number;
      /** For discrete dimensions: the model-space cell of the value at x, whose probability mass is compared. */
      readonly cell?: (x: number) => readonly [number, number];
    }
  | { readonly kind: 'categorical'; readonly size: number };

export interface ParzenOptions {
  /** Weight of the prior component relative to one observation (Optuna: 1). */
  readonly priorWeight: number;
  /** Multivariate bandwidth (Scott-like, shared) instead of the univariate neighbour-distance rule. */
  readonly multivariate: boolean;
  /**
   * Leave each continuous kernel's 1/σ out of `logPdfParzen`, so that a component counts by its weight
   * times the product of its continuous bandwidths: broad kernels (isolated observations, the prior)
   * weigh more against narrow ones. The result is then no longer a density (it integrates to Σ wᵢ·Πσᵢ),
   * but it is the score Optuna 3.1's TPE compares (see `TpeSamplerConfig.scoring`). Sampling is
   * unaffected; discrete dimensions keep their cell mass. Default false.
   */
  readonly bandwidthWeighted?: boolean;
}

interface NumericDim {
  readonly kind: 'numeric';
  readonly spec: Extract<ParzenDimSpec, { kind: 'numeric' }>;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** log of each truncated kernel's mass inside [low, high]. */
  readonly logZ: Float64Array;
  /** 1/σ and −log σ − log Z − log √(2π) per kernel (no −log σ if bandwidth-weighted): constants, computed once. */
  readonly invSigmas: Float64Array;
  readonly logNorm: Float64Array;
}
interface CategoricalDim {
  readonly kind: 'categorical';
  readonly size: number;
  /** Row-major components × size probabilities. */
  readonly probs: Float64Array;
  readonly logProbs: Float64Array;
}

export interface ParzenEstimator {
  readonly components: number;
  readonly weights: Float64Array;
  readonly logWeights: Float64Array;
  readonly dims: ReadonlyArray<NumericDim | CategoricalDim>;
}

/**
 * Fit an estimator. `observations[i][d]` is observation i's value in dimension d (model space for
 * numeric dimensions, the choice index for categorical ones); `obsWeights[i]` its weight.
 */
export function fitParzen(specs: readonly ParzenDimSpec[], observations: ReadonlyArray<ArrayLike<number>>, obsWeights: ArrayLike<number>, options: ParzenOptions): ParzenEstimator {
  const n = observations.length;
  const k = n + 1; // the prior is the last component
  const weights = new Float64Array(k);
  let total = options.priorWeight;
  for (let i = 0; i < n; i++) total += obsWeights[i]!;
  for (let i = 0; i < n; i++) weights[i] = obsWeights[i]! / total;
  weights[n] = options.priorWeight / total;
  const logWeights = weights.map((w) => Math.log(w));
  const dims = specs.map((spec, d): NumericDim | CategoricalDim => {
    if (spec.kind === 'categorical') {
      const size = spec.size;
      const probs = new Float64Array(k * size);
      // Each observation's one-hot is smoothed by priorWeight / components on every choice; the prior is uniform.
      const smooth = options.priorWeight / k;
      for (let i = 0; i < n; i++) {
        const c = observations[i]![d]!;
        const row = i * size;
        for (let j = 0; j < size; j++) probs[row + j] = (smooth + (j === c ? 1 : 0)) / (1 + size * smooth);
      }
      for (let j = 0; j < size; j++) probs[n * size + j] = 1 / size;
      return { kind: 'categorical', size, probs, logProbs: probs.map((p) => Math.log(p)) };
    }
    const { low, high } = spec;
    const range = high - low;
    const mus = new Float64Array(k);
    const sigmas = new Float64Array(k);
    for (let i = 0; i < n; i++) mus[i] = observations[i]![d]!;
    mus[n] = 0.5 * (low + high);
    if (options.multivariate) {
      const sigma = 0.2 * Math.max(n, 1) ** (-1 / (specs.length + 4)) * range;
      sigmas.fill(sigma);
    } else {
      // Each kernel is as wide as the larger gap to its neighbours (the bounds count as neighbours, except
      // for the outermost kernels, which only look inwards).
      // A comparator sort of a thousand kernels costs more than everything else here: see sortedOrder.
      const order = sortedOrder(mus);
      for (let r = 0; r < k; r++) {
        const mu = mus[order[r]!]!;
        const gl = r === 0 ? (k > 1 ? -Infinity : mu - low) : mu - mus[order[r - 1]!]!;
        const gr = r === k - 1 ? (k > 1 ? -Infinity : high - mu) : mus[order[r + 1]!]! - mu;
        sigmas[order[r]!] = Math.max(gl, gr);
      }
    }
    // Optuna's "magic clip": no kernel narrower than range / min(100, 1 + components).
    const minSigma = range / Math.min(100, 1 + k);
    for (let i = 0; i < k; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i]!));
    sigmas[n] = range;
    const logZ = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const a = (low - mus[i]!) / sigmas[i]!;
      const b = (high - mus[i]!) / sigmas[i]!;
      // Well inside the bounds the kernel's mass is 1 to double precision.
      logZ[i] = a < -9 && b > 9 ? 0 : Math.log(Math.max(normalMass(a, b), 1e-300));
    }
    const invSigmas = new Float64Array(k);
    const logNorm = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      invSigmas[i] = 1 / sigmas[i]!;
      logNorm[i] = (options.bandwidthWeighted ? 0 : -Math.log(sigmas[i]!)) - logZ[i]! - LOG_SQRT_2PI;
    }
    return { kind: 'numeric', spec, mus, sigmas, logZ, invSigmas, logNorm };
  });
  return { components: k, weights, logWeights, dims };
}

/** Indices of `values` in increasing order of value (ties by index). */
function sortedOrder(values: Float64Array): Uint32Array {
  const n = values.length;
  // Native numeric sort of the values, then each index goes to the next free slot of its value's run
  // (indices visited in increasing order, so ties keep index order).
  const sorted = Float64Array.from(values).sort();
  const order = new Uint32Array(n);
  const taken = new Uint32Array(n); // how many indices already sit in the run of equal values starting here
  for (let i = 0; i < n; i++) {
    const start = lowerBound(sorted, values[i]!);
    order[start + taken[start]!] = i;
    taken[start]!++;
  }
  return order;
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Draw `count` points; point j is `out[j][d]`. */
export function sampleParzen(est: ParzenEstimator, random: Random, count: number): Float64Array[] {
  const out: Float64Array[] = [];
  const cum = new Float64Array(est.components);
  let acc = 0;
  for (let i = 0; i < est.components; i++) cum[i] = acc += est.weights[i]!;
  for (let j = 0; j < count; j++) {
    const u = random.float() * acc;
    let c = 0;
    while (c < est.components - 1 && cum[c]! <= u) c++;
    const point = new Float64Array(est.dims.length);
    est.dims.forEach((dim, d) => {
      if (dim.kind === 'categorical') {
        const v = random.float();
        let s = 0;
        let choice = dim.size - 1;
        for (let q = 0; q < dim.size; q++) {
          s += dim.probs[c * dim.size + q]!;
          if (v < s) {
            choice = q;
            break;
          }
        }
        point[d] = choice;
      } else {
        point[d] = truncatedNormal(random, dim.mus[c]!, dim.sigmas[c]!, dim.spec.low, dim.spec.high);
      }
    });
    out.push(point);
  }
  return out;
}

function truncatedNormal(random: Random, mu: number, sigma: number, low: number, high: number): number {
  let a = (low - mu) / sigma;
  let b = (high - mu) / sigma;
  // Sample the tail nearer zero for precision: mirror when the interval lies in the upper tail.
  const flip = a > 0;
  if (flip) [a, b] = [-b, -a];
  const pa = normalCdf(a);
  const pb = normalCdf(b);
  let z = normalPpf(pa + random.float() * (pb - pa));
  if (!Number.isFinite(z)) z = random.float() * (b - a) + a;
  if (flip) z = -z;
  return Math.min(high, Math.max(low, mu + sigma * z));
}

/** log density (log mass for discrete dimensions) of each point. */
export function logPdfParzen(est: ParzenEstimator, points: readonly Float64Array[]): Float64Array {
  const k = est.components;
  const out = new Float64Array(points.length);
  const terms = new Float64Array(k);
  for (let j = 0; j < points.length; j++) {
    const x = points[j]!;
    terms.set(est.logWeights);
    for (let d = 0; d < est.dims.length; d++) {
      const dim = est.dims[d]!;
      const v = x[d]!;
      if (dim.kind === 'categorical') {
        for (let i = 0; i < k; i++) terms[i]! += dim.logProbs[i * dim.size + v]!;
      } else if (dim.spec.cell) {
        const [lo, hi] = dim.spec.cell(v);
        for (let i = 0; i < k; i++) {
          const s = dim.sigmas[i]!;
          const m = dim.mus[i]!;
          terms[i]! += Math.log(Math.max(normalMass((lo - m) / s, (hi - m) / s), 1e-300)) - dim.logZ[i]!;
        }
      } else {
        const { mus, invSigmas, logNorm } = dim;
        for (let i = 0; i < k; i++) {
          const z = (v - mus[i]!) * invSigmas[i]!;
          terms[i]! += logNorm[i]! - 0.5 * z * z;
        }
      }
    }
    let max = -Infinity;
    for (let i = 0; i < k; i++) if (terms[i]! > max) max = terms[i]!;
    let sum = 0;
    // Terms more than e⁻³⁶ below the largest cannot change the sum in double precision; skipping their
    // exp() is most of the speed at a thousand trials.
    for (let i = 0; i < k; i++) {
      const t = terms[i]! - max;
      if (t > -36) sum += Math.exp(t);
    }
    out[j] = max + Math.log(sum);
  }
  return out;
}
