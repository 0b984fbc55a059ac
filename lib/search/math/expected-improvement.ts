import { normalCdf, normalLogPdf, erfc } from './normal.js';

/**
 * log EI for minimisation: log E[max(best − f, 0)] with f ~ N(mean, sd²). Computed as
 * log sd + log h(z), h(z) = z·Φ(z) + φ(z), z = (best − mean)/sd, with an asymptotic form far in the
 * lower tail so that candidates stay comparable when every EI underflows.
 */
export function logExpectedImprovement(mean: number, sd: number, best: number): number {
  const z = (best - mean) / sd;
  return Math.log(sd) + logH(z);
}

function logH(z: number): number {
  if (z > -6) {
    const h = z * normalCdf(z) + Math.exp(normalLogPdf(z));
    return Math.log(Math.max(h, 1e-300));
  }
  // h(z) = φ(z) − |z|·Φ(−|z|)... use the Mills-ratio form: h(z) = φ(z)·(1 − |z|·R(|z|)), R(t) = Φ(−t)/φ(t).
  const t = -z;
  const mills = (0.5 * erfc(t / Math.SQRT2)) / Math.exp(normalLogPdf(t));
  const inner = 1 - t * mills;
  if (inner > 1e-12) return normalLogPdf(t) + Math.log(inner);
  // Deep tail: 1 − t·R(t) ≈ 1/t² − 3/t⁴.
  return normalLogPdf(t) + Math.log(1 / (t * t) - 3 / t ** 4);
}
