/** Small dense linear algebra on row-major Float64Arrays: enough for Gaussian processes and CMA-ES. */

/**
 * In-place Cholesky factorisation of an n×n symmetric positive-definite matrix: on return the lower
 * triangle holds L with A = L·Lᵀ (the upper triangle is zeroed). Returns false if A is not positive definite.
 */
export function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = a[rj + j]!;
    for (let k = 0; k < j; k++) s -= a[rj + k]! * a[rj + k]!;
    if (!(s > 0)) return false;
    const d = Math.sqrt(s);
    a[rj + j] = d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = a[ri + j]!;
      for (let k = 0; k < j; k++) t -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = t / d;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
  return true;
}

/** Solve L·x = b in place (L lower triangular, from {@link cholesky}). */
export function solveLower(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * b[k]!;
    b[i] = s / l[ri + i]!;
  }
  return b;
}

/** Solve Lᵀ·x = b in place. */
export function solveUpper(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  return b;
}

/**
 * A⁻¹ from its Cholesky factor L (A = L·Lᵀ), as a full symmetric matrix. `out` and `scratch` (n×n
 * each) may be passed in to avoid allocating.
 */
export function choleskyInverse(l: Float64Array, n: number, out?: Float64Array, scratch?: Float64Array): Float64Array {
  // Row j of U holds column j of L⁻¹ (forward substitution of e_j), so that A⁻¹ = L⁻ᵀ·L⁻¹ has entries
  // A⁻¹_ij = Σ_k U_ik·U_jk: every inner loop runs along rows, which is what makes this fast.
  const u = scratch ?? new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let i = 0; i < j; i++) u[rj + i] = 0;
    for (let i = j; i < n; i++) {
      const ri = i * n;
      let s = i === j ? 1 : 0;
      for (let k = j; k < i; k++) s -= l[ri + k]! * u[rj + k]!;
      u[rj + i] = s / l[ri + i]!;
    }
  }
  const inv = out ?? new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += u[ri + k]! * u[rj + k]!;
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations: returns eigenvalues and
 * the eigenvectors as the columns of a row-major matrix. n is small (CMA-ES dimensions), so O(n³)
 * sweeps are cheap and the method is very robust.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}
