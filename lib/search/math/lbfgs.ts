/**
 * A small box-constrained L-BFGS (projected steps, backtracking Armijo line search). Enough for fitting a
 * handful of GP hyperparameters; not a general-purpose optimiser.
 */

export interface Objective {
  (x: Float64Array): { value: number; grad: Float64Array };
}

export interface LbfgsOptions {
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
  readonly maxIterations?: number;
  readonly memory?: number;
  readonly tolerance?: number;
}

export function minimizeLbfgs(f: Objective, x0: ArrayLike<number>, options: LbfgsOptions): { x: Float64Array; value: number } {
  const n = x0.length;
  const { lower, upper } = options;
  const maxIter = options.maxIterations ?? 60;
  const m = options.memory ?? 6;
  const tol = options.tolerance ?? 1e-7;
  const clamp = (v: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) v[i] = Math.min(upper[i]!, Math.max(lower[i]!, v[i]!));
    return v;
  };
  let x = clamp(Float64Array.from(x0));
  let cur = f(x);
  if (!Number.isFinite(cur.value)) return { x, value: cur.value };
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
    return s;
  };
  for (let iter = 0; iter < maxIter; iter++) {
    // Two-loop recursion for the quasi-Newton direction; gradient components that push against an
    // active bound are zeroed so the projected step still descends.
    const g = Float64Array.from(cur.grad);
    for (let i = 0; i < n; i++) {
      if ((x[i]! <= lower[i]! && g[i]! > 0) || (x[i]! >= upper[i]! && g[i]! < 0)) g[i] = 0;
    }
    let gnorm = 0;
    for (let i = 0; i < n; i++) gnorm = Math.max(gnorm, Math.abs(g[i]!));
    if (gnorm < tol) break;
    const q = Float64Array.from(g);
    const alphas: number[] = [];
    for (let k = ss.length - 1; k >= 0; k--) {
      const a = dot(ss[k]!, q) / dot(ys[k]!, ss[k]!);
      alphas.push(a);
      for (let i = 0; i < n; i++) q[i]! -= a * ys[k]![i]!;
    }
    if (ss.length > 0) {
      const gamma = dot(ss[ss.length - 1]!, ys[ys.length - 1]!) / dot(ys[ys.length - 1]!, ys[ys.length - 1]!);
      for (let i = 0; i < n; i++) q[i]! *= gamma;
    } else {
      const scale = 1 / Math.max(1, gnorm);
      for (let i = 0; i < n; i++) q[i]! *= scale;
    }
    for (let k = 0; k < ss.length; k++) {
      const b = dot(ys[k]!, q) / dot(ys[k]!, ss[k]!);
      const a = alphas[ss.length - 1 - k]!;
      for (let i = 0; i < n; i++) q[i]! += (a - b) * ss[k]![i]!;
    }
    const dir = q.map((v) => -v);
    let slope = dot(dir, g);
    if (!(slope < 0)) {
      ss.length = 0;
      ys.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i]! / Math.max(1, gnorm);
      slope = dot(dir, g);
    }
    let step = 1;
    let next: { value: number; grad: Float64Array } | undefined;
    let xn = x;
    for (let ls = 0; ls < 20; ls++) {
      xn = clamp(x.map((v, i) => v + step * dir[i]!));
      const trial = f(xn);
      if (Number.isFinite(trial.value) && trial.value <= cur.value + 1e-4 * step * slope) {
        next = trial;
        break;
      }
      step *= 0.5;
    }
    if (!next) break;
    const s = xn.map((v, i) => v - x[i]!);
    const y = next.grad.map((v, i) => v - cur.grad[i]!);
    const improvement = cur.value - next.value;
    x = xn;
    cur = next;
    if (dot(s, y) > 1e-12) {
      ss.push(s);
      ys.push(y);
      if (ss.length > m) {
        ss.shift();
        ys.shift();
      }
    }
    if (improvement < tol * Math.max(1, Math.abs(cur.value))) break;
  }
  return { x, value: cur.value };
}
