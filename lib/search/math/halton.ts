/**
 * Halton points: coordinate j is the radical inverse of the index in the j-th prime base, optionally
 * scrambled by random digit permutations (Braaten & Weller's idea, with one independent seeded
 * permutation per dimension and digit position, as SciPy's `Halton(scramble=True)`).
 *
 * Scrambling matters beyond a few dimensions: the plain sequence in bases 29 and 31 puts its first
 * points on a line. A point is computed from its index alone, so trial n's point needs no state.
 */
import { createRandom, hashSeed, permutation } from '../../random.js';

const primes: number[] = [];

/** The first `n` primes (found once, then cached: they never change). */
export function firstPrimes(n: number): number[] {
  for (let c = primes.length === 0 ? 2 : primes[primes.length - 1]! + 1; primes.length < n; c++) {
    let prime = true;
    for (const p of primes) {
      if (p * p > c) break;
      if (c % p === 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes.push(c);
  }
  return primes.slice(0, n);
}

/** Digits used per base: enough that the last one is below a double's resolution. */
function digitsFor(base: number): number {
  return Math.ceil(53 / Math.log2(base));
}

const BELOW_ONE = 1 - 2 ** -53;

/** The radical inverse of `index` in `base`, each digit position k mapped through `perms[k]` when given. */
export function radicalInverse(index: number, base: number, perms?: readonly Int32Array[]): number {
  let x = 0;
  let scale = 1 / base;
  let i = index;
  const digits = perms ? perms.length : Infinity;
  // Without permutations the trailing zero digits add nothing; with them, every position counts.
  for (let k = 0; k < digits && (perms || i > 0); k++) {
    const d = i % base;
    i = Math.floor(i / base);
    x += (perms ? perms[k]![d]! : d) * scale;
    scale /= base;
  }
  return Math.min(x, BELOW_ONE);
}

/**
 * A Halton sequence: `point(index, dims)` in [0, 1)^dims; scrambled with `seed` when one is given (the
 * permutations are drawn once per dimension, on first use).
 */
export function haltonSequence(seed?: number): (index: number, dims: number) => number[] {
  const perms: Array<readonly Int32Array[]> = [];
  const permsOf = (j: number, base: number): readonly Int32Array[] => {
    let p = perms[j];
    if (!p) {
      p = Array.from({ length: digitsFor(base) }, (_, k) => permutation(base, createRandom(hashSeed(seed!, 'halton', j, k))));
      perms[j] = p;
    }
    return p;
  };
  return (index, dims) => {
    if (!Number.isInteger(index) || index < 0 || index > Number.MAX_SAFE_INTEGER) throw new RangeError(`halton: index must be a safe integer ≥ 0 (got ${index})`);
    const bases = firstPrimes(dims);
    return Array.from({ length: dims }, (_, j) => radicalInverse(index, bases[j]!, seed === undefined ? undefined : permsOf(j, bases[j]!)));
  };
}
