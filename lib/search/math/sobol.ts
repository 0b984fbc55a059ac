/**
 * Sobol points (Joe & Kuo's direction numbers, in Gray-code order as their generator and SciPy's
 * produce them), optionally Owen-scrambled.
 *
 * A point is computed from its index alone (no generator state), so a sampler can ask for trial n's
 * point in any order, in any process.
 *
 * Owen scrambling (nested uniform scrambling, Owen 1995): bit k of a coordinate is flipped or not by a
 * random bit that depends on the dimension, on k and on the coordinate's k bits above it, so each
 * elementary interval's halves are swapped independently. The random bits come from a hash of the
 * seed (Burley's hash-based way, without his bit-reversal shortcut: 32 hashes a coordinate), so the
 * scrambled sequence is a pure function of (seed, index). It keeps the net's stratification (every
 * 2^m consecutive points from 0 put one point in each elementary box), and makes each point uniform.
 */
import { hashSeed } from '../../random.js';
import { JOE_KUO, JOE_KUO_DIMENSIONS } from './sobol-directions.js';

/** The most dimensions a Sobol point can have (the direction numbers at hand). */
export const SOBOL_MAX_DIMENSIONS = JOE_KUO_DIMENSIONS;

const BITS = 32;
let table: Uint32Array[] | undefined;

/** V_1 … V_32 (scaled by 2^32) of every dimension, built once from the constant table. */
function directionTable(): Uint32Array[] {
  if (table) return table;
  const out: Uint32Array[] = [];
  const first = new Uint32Array(BITS);
  for (let k = 1; k <= BITS; k++) first[k - 1] = (1 << (BITS - k)) >>> 0;
  out.push(first);
  for (const line of JOE_KUO.trim().split('\n')) {
    const [, s, a, ...m] = line.trim().split(/\s+/).map(Number) as [number, number, number, ...number[]];
    const v = new Uint32Array(BITS);
    for (let k = 1; k <= Math.min(s, BITS); k++) v[k - 1] = (m[k - 1]! << (BITS - k)) >>> 0;
    for (let k = s + 1; k <= BITS; k++) {
      let x = (v[k - s - 1]! ^ (v[k - s - 1]! >>> s)) >>> 0;
      for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x = (x ^ v[k - i - 1]!) >>> 0;
      v[k - 1] = x;
    }
    out.push(v);
  }
  table = out;
  return out;
}

/** The unscrambled coordinate `dim` (0-based) of point `index`, as a 32-bit integer (the point is it / 2^32). */
export function sobolInteger(index: number, dim: number): number {
  const v = directionTable()[dim];
  if (!v) throw new RangeError(`sobol: dimension ${dim} is beyond the ${SOBOL_MAX_DIMENSIONS} available`);
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** BITS) throw new RangeError(`sobol: index must be an integer in [0, 2^32) (got ${index})`);
  let gray = (index ^ (index >>> 1)) >>> 0;
  let x = 0;
  for (let k = 0; gray !== 0; k++, gray >>>= 1) if (gray & 1) x ^= v[k]!;
  return x >>> 0;
}

/** A 32-bit mixer (Wellons' lowbias32): every input bit changes about half the output bits. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Owen-scramble a 32-bit coordinate with the dimension's key. */
export function owenScramble(x: number, key: number): number {
  let out = 0;
  for (let k = 0; k < BITS; k++) {
    const shift = BITS - 1 - k;
    // The k bits above bit k (none for the first), tagged with k so that prefixes of different lengths differ.
    const prefix = k === 0 ? 0 : x >>> (BITS - k);
    const flip = mix32(mix32(key ^ Math.imul(k + 1, 0x9e3779b9)) ^ prefix) >>> 31;
    out |= (((x >>> shift) & 1) ^ flip) << shift;
  }
  return out >>> 0;
}

/** The scrambling key of one dimension. */
export function sobolKey(seed: number, dim: number): number {
  return hashSeed(seed, 'sobol', dim);
}

/**
 * Point `index` of the `dims`-dimensional Sobol sequence, in [0, 1)^dims; Owen-scrambled with `seed`
 * when one is given.
 */
export function sobolPoint(index: number, dims: number, seed?: number): number[] {
  const out = new Array<number>(dims);
  for (let j = 0; j < dims; j++) {
    const x = sobolInteger(index, j);
    out[j] = (seed === undefined ? x : owenScramble(x, sobolKey(seed, j))) / 2 ** BITS;
  }
  return out;
}
