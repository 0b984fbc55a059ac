/**
 * Gaussian-process regression with a Matérn-5/2 ARD kernel, its hyperparameters (one lengthscale per
 * input dimension, signal variance, noise variance) fitted by maximising the log marginal likelihood
 * plus weak log-normal priors, with a few restarts of L-BFGS.
 */
import type { Random } from '../../random.js';
import { cholesky, choleskyInverse, solveLower, solveUpper } from './linalg.js';
import { minimizeLbfgs } from './lbfgs.js';

const SQRT5 = Math.sqrt(5);
const LOG_2PI = Math.log(2 * Math.PI);

export interface GpHyper {
  readonly lengthscales: Float64Array;
  readonly signal: number;
  readonly noise: number;
}

export interface GpModel {
  readonly hyper: GpHyper;
  /** Posterior mean and variance at a point (standardised units of the fitted targets). */
  predict(x: Float64Array): { mean: number; variance: number };
  readonly logMarginal: number;
}

// Bounds and priors on log-hyperparameters, for inputs in the unit cube and standardised targets.
const LOG_LS_BOUNDS: [number, number] = [Math.log(0.01), Math.log(20)];
const LOG_SIGNAL_BOUNDS: [number, number] = [Math.log(0.05), Math.log(20)];
const LOG_NOISE_BOUNDS: [number, number] = [Math.log(1e-6), Math.log(0.5)];
const LS_PRIOR = { mean: Math.log(0.5), sd: 1.5 };
const SIGNAL_PRIOR = { mean: 0, sd: 1.5 };
const NOISE_PRIOR = { mean: Math.log(1e-3), sd: 3 };

/** Scratch buffers for {@link negLogPosterior}, reused across the evaluations of one fit. */
export interface GpWorkspace {
  readonly n: number;
  readonly k: Float64Array;
  readonly kf: Float64Array;
  readonly dkdr: Float64Array;
  readonly inv: Float64Array;
  readonly li: Float64Array;
}

export function gpWorkspace(n: number): GpWorkspace {
  const m = n * n;
  return { n, k: new Float64Array(m), kf: new Float64Array(m), dkdr: new Float64Array(m), inv: new Float64Array(m), li: new Float64Array(m) };
}

/**
 * The negative log posterior of the hyperparameters θ = [log ℓ₁..log ℓ_d, log σ_f², log σ_n²] and its gradient,
 * given the targets and the per-dimension squared differences of the inputs (row-major n×n each).
 */
export function negLogPosterior(y: Float64Array, diff2: readonly Float64Array[], theta: Float64Array, ws: GpWorkspace = gpWorkspace(y.length)): { value: number; grad: Float64Array } {
  const n = y.length;
  const d = diff2.length;
  const invLs2 = new Float64Array(d);
  for (let i = 0; i < d; i++) invLs2[i] = Math.exp(-2 * theta[i]!);
  const signal = Math.exp(theta[d]!);
  const noise = Math.exp(theta[d + 1]!);
  const { k, kf, dkdr } = ws;
  // Lower triangles only: K (then its Cholesky factor), the noise-free K, and
  // σ²·(5/3)(1+√5 r)e^{−√5 r}, the common factor of ∂K/∂log ℓᵢ.
  for (let a = 0; a < n; a++) {
    const row = a * n;
    for (let b = 0; b <= a; b++) {
      let r2 = 0;
      const idx = row + b;
      for (let i = 0; i < d; i++) r2 += diff2[i]![idx]! * invLs2[i]!;
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      const kv = signal * (1 + SQRT5 * r + (5 / 3) * r2) * e;
      k[idx] = kv;
      kf[idx] = kv;
      dkdr[idx] = signal * (5 / 3) * (1 + SQRT5 * r) * e;
    }
    k[row + a]! += noise + 1e-9;
  }
  if (!cholesky(k, n)) return { value: Infinity, grad: new Float64Array(d + 2) };
  const alpha = solveUpper(k, n, solveLower(k, n, Float64Array.from(y)));
  let logDet = 0;
  for (let a = 0; a < n; a++) logDet += Math.log(k[a * n + a]!);
  let fit = 0;
  for (let a = 0; a < n; a++) fit += y[a]! * alpha[a]!;
  const nll = 0.5 * fit + logDet + 0.5 * n * LOG_2PI;
  const inv = choleskyInverse(k, n, ws.inv, ws.li);
  // W = ααᵀ − K⁻¹ (symmetric); ∂(−LML)/∂θ = −½ tr(W ∂K/∂θ), summed over the lower triangle.
  const gl = new Float64Array(d);
  let sf = 0;
  let sn = 0;
  for (let a = 0; a < n; a++) {
    const row = a * n;
    const aa = alpha[a]!;
    for (let b = 0; b < a; b++) {
      const idx = row + b;
      const w = aa * alpha[b]! - inv[idx]!;
      const wg = 2 * w * dkdr[idx]!;
      for (let i = 0; i < d; i++) gl[i]! += wg * diff2[i]![idx]!;
      sf += 2 * w * kf[idx]!;
    }
    const wd = aa * aa - inv[row + a]!;
    sf += wd * kf[row + a]!;
    sn += wd;
  }
  const grad = new Float64Array(d + 2);
  for (let i = 0; i < d; i++) grad[i] = -0.5 * gl[i]! * invLs2[i]!;
  grad[d] = -0.5 * sf;
  grad[d + 1] = -0.5 * sn * noise;
  // Log-normal priors.
  let prior = 0;
  const add = (j: number, p: { mean: number; sd: number }): void => {
    const z = (theta[j]! - p.mean) / p.sd;
    prior += 0.5 * z * z;
    grad[j]! += z / p.sd;
  };
  for (let i = 0; i < d; i++) add(i, LS_PRIOR);
  add(d, SIGNAL_PRIOR);
  add(d + 1, NOISE_PRIOR);
  return { value: nll + prior, grad };
}

/** Fit a GP to inputs `x` (rows, ideally in [0,1]) and targets `y` (standardised). */
export function fitGp(x: readonly Float64Array[], y: Float64Array, random: Random, options: { restarts?: number; maxIterations?: number } = {}): GpModel {
  const n = y.length;
  const d = x[0]?.length ?? 0;
  const diff2 = squaredDifferences(x);
  const ws = gpWorkspace(n);
  const lower = new Float64Array(d + 2);
  const upper = new Float64Array(d + 2);
  for (let i = 0; i < d; i++) [lower[i], upper[i]] = LOG_LS_BOUNDS;
  [lower[d], upper[d]] = LOG_SIGNAL_BOUNDS;
  [lower[d + 1], upper[d + 1]] = LOG_NOISE_BOUNDS;
  const starts: Float64Array[] = [];
  const first = new Float64Array(d + 2);
  first.fill(LS_PRIOR.mean, 0, d);
  first[d] = 0;
  first[d + 1] = NOISE_PRIOR.mean;
  starts.push(first);
  // Random restarts: screen a few perturbations of the default by their objective value, then run
  // L-BFGS from the default and from the best `restarts` of them (starting anywhere in the box wastes
  // most iterations in flat regions).
  const restarts = options.restarts ?? 2;
  const screened: { s: Float64Array; value: number }[] = [];
  for (let r = 0; r < 4 * restarts; r++) {
    const s = Float64Array.from(first);
    for (let i = 0; i < d; i++) s[i] = Math.min(upper[i]!, Math.max(lower[i]!, LS_PRIOR.mean + 1.2 * random.normal()));
    s[d] = Math.log(0.3 + 2 * random.float());
    s[d + 1] = Math.min(upper[d + 1]!, Math.max(lower[d + 1]!, NOISE_PRIOR.mean + 2 * random.normal()));
    screened.push({ s, value: negLogPosterior(y, diff2, s, ws).value });
  }
  screened.sort((a, b) => a.value - b.value);
  for (const { s } of screened.slice(0, restarts)) starts.push(s);
  let best: { x: Float64Array; value: number } | undefined;
  for (const s of starts) {
    const res = minimizeLbfgs((t) => negLogPosterior(y, diff2, t, ws), s, { lower, upper, maxIterations: options.maxIterations ?? 50 });
    if (Number.isFinite(res.value) && (!best || res.value < best.value)) best = res;
  }
  const theta = best?.x ?? first;
  return buildModel(x, y, {
    lengthscales: Float64Array.from({ length: d }, (_, i) => Math.exp(theta[i]!)),
    signal: Math.exp(theta[d]!),
    noise: Math.exp(theta[d + 1]!),
  }, best ? -best.value : -Infinity);
}

/** Per input dimension, the n×n matrix of squared differences between the rows of `x`. */
export function squaredDifferences(x: readonly Float64Array[]): Float64Array[] {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const out: Float64Array[] = [];
  for (let i = 0; i < d; i++) {
    const m = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) m[a * n + b] = (x[a]![i]! - x[b]![i]!) ** 2;
    out.push(m);
  }
  return out;
}

/** Matérn-5/2 ARD kernel value between two points. */
export function matern52(a: Float64Array, b: Float64Array, invLs2: Float64Array, signal: number): number {
  let r2 = 0;
  for (let i = 0; i < a.length; i++) r2 += (a[i]! - b[i]!) ** 2 * invLs2[i]!;
  const r = Math.sqrt(r2);
  return signal * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

function buildModel(x: readonly Float64Array[], y: Float64Array, hyper: GpHyper, logMarginal: number): GpModel {
  const n = y.length;
  const invLs2 = hyper.lengthscales.map((l) => 1 / (l * l));
  let jitter = 1e-9;
  let l = new Float64Array(0);
  for (let attempt = 0; attempt < 8; attempt++) {
    l = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b <= a; b++) {
        const v = matern52(x[a]!, x[b]!, invLs2, hyper.signal);
        l[a * n + b] = v;
        l[b * n + a] = v;
      }
      l[a * n + a]! += hyper.noise + jitter;
    }
    if (cholesky(l, n)) break;
    jitter *= 100;
  }
  const alpha = solveUpper(l, n, solveLower(l, n, Float64Array.from(y)));
  const kx = new Float64Array(n);
  return {
    hyper,
    logMarginal,
    predict(point) {
      for (let a = 0; a < n; a++) kx[a] = matern52(point, x[a]!, invLs2, hyper.signal);
      let mean = 0;
      for (let a = 0; a < n; a++) mean += kx[a]! * alpha[a]!;
      const v = solveLower(l, n, kx);
      let vv = 0;
      for (let a = 0; a < n; a++) vv += v[a]! * v[a]!;
      return { mean, variance: Math.max(hyper.signal - vv, 1e-12) };
    },
  };
}
