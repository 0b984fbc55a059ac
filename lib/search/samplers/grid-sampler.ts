import { RxtrainError, configError } from '../../errors.js';
import { createRandom, permutation } from '../../random.js';
import { finiteNumber, knownFields, oneOf, positiveInt, requireObject } from '../../validate.js';
import { cardinality, snap } from '../distribution.js';
import type { Distribution, FrozenTrial, ParamSpec, ParamValue, Params, Sampler, SearchSpaceLike } from '../types.js';

export interface GridSamplerConfig {
  /** Shuffle the grid with this seed; without it, grid points come in lexicographic order. */
  readonly seed?: number;
  /** Points per float parameter without a step, evenly spaced including both ends (log-spaced for log). Default 5. */
  readonly points?: number;
  /**
   * At most this many values per int or stepped float parameter (evenly spaced, ends included).
   * Default: all of them, so ints are searched exhaustively.
   */
  readonly maxDiscretePoints?: number;
  /**
   * What to do once every grid point has a trial: `'repeat'` (default) starts another pass, picking
   * the least-visited points first, in the same order; `'throw'` throws an `INVALID_CONFIG` error whose
   * `details.exhausted` is true. Either way `isExhausted()` turns true, which a study can check to stop.
   */
  readonly whenExhausted?: 'repeat' | 'throw';
  /** Cap on the number of grid points, to fail fast on a grid that could never be searched. Default 1e6. */
  readonly maxGridSize?: number;
}

export interface GridSampler extends Sampler {
  /** The grid points of `space`, in the order they are tried. */
  grid(space: SearchSpaceLike): readonly Params[];
  /** Whether every grid point already has a trial (of any state) in `trials`. */
  isExhausted(space: SearchSpaceLike, trials: readonly FrozenTrial[]): boolean;
}

/**
 * Exhaustive search over a grid: every combination of choices and ints (all values), and of `points`
 * values per float. Conditional parameters only multiply the grid where they are active.
 *
 * Which point a trial gets is derived from the trials already in the study (a point is taken once any
 * trial, even a running or failed one, has its parameters), so parallel and resumed studies do not
 * repeat points. Once all are taken, see `whenExhausted`.
 *
 * @example
 * ```ts
 * import { gridSampler } from 'rxtrain';
 * const sampler = gridSampler({ points: 4, seed: 1 });
 * ```
 *
 * @param config see {@link GridSamplerConfig}; all fields optional.
 * @returns a {@link GridSampler}: a Sampler that can also list its grid and say when it is exhausted.
 */
export function gridSampler(config: GridSamplerConfig = {}): GridSampler {
  const where = 'gridSampler()';
  const c = requireObject(where, config);
  knownFields(where, c, ['seed', 'points', 'maxDiscretePoints', 'whenExhausted', 'maxGridSize']);
  const seed = c.seed === undefined ? undefined : finiteNumber(where, 'seed', c.seed);
  const points = c.points === undefined ? 5 : positiveInt(where, 'points', c.points);
  const maxDiscrete = c.maxDiscretePoints === undefined ? Infinity : positiveInt(where, 'maxDiscretePoints', c.maxDiscretePoints);
  const whenExhausted = c.whenExhausted === undefined ? 'repeat' : oneOf(where, 'whenExhausted', c.whenExhausted, ['repeat', 'throw'] as const);
  const maxGridSize = c.maxGridSize === undefined ? 1_000_000 : positiveInt(where, 'maxGridSize', c.maxGridSize);

  const cache = new WeakMap<SearchSpaceLike, { points: Params[]; index: Map<string, number> }>();
  const gridOf = (space: SearchSpaceLike) => {
    let g = cache.get(space);
    if (!g) {
      const all = enumerate(space, (d) => valuesOf(d, points, maxDiscrete), maxGridSize);
      if (seed !== undefined) {
        const perm = permutation(all.length, createRandom(seed));
        const shuffled = Array.from(perm, (i) => all[i]!);
        all.splice(0, all.length, ...shuffled);
      }
      const index = new Map<string, number>();
      all.forEach((p, i) => index.set(keyOf(space.params, p), i));
      g = { points: all, index };
      cache.set(space, g);
    }
    return g;
  };
  const visits = (space: SearchSpaceLike, trials: readonly FrozenTrial[]): Int32Array => {
    const g = gridOf(space);
    const counts = new Int32Array(g.points.length);
    for (const t of trials) {
      const i = g.index.get(keyOf(space.params, t.params));
      if (i !== undefined) counts[i]!++;
    }
    return counts;
  };

  return {
    name: 'grid',
    // It reads no values, so it serves a study of any number of objectives as it is.
    multiObjective: true,
    grid: (space) => gridOf(space).points,
    isExhausted: (space, trials) => visits(space, trials).every((v) => v > 0),
    sample(space, trials) {
      const g = gridOf(space);
      const counts = visits(space, trials);
      let best = 0;
      for (let i = 1; i < counts.length; i++) if (counts[i]! < counts[best]!) best = i;
      if (counts[best]! > 0 && whenExhausted === 'throw') {
        throw new RxtrainError('INVALID_CONFIG', `${where}: all ${g.points.length} grid points have been tried (whenExhausted: 'throw')`, { where, field: 'whenExhausted', exhausted: true });
      }
      return { ...g.points[best]! };
    },
  };
}

function keyOf(specs: readonly ParamSpec[], params: Params): string {
  // JSON keeps 'true' (string) and true (boolean) apart.
  return JSON.stringify(specs.map((s) => params[s.name] ?? null));
}

/** The grid values of one parameter. */
export function valuesOf(d: Distribution, points: number, maxDiscrete: number): ParamValue[] {
  if (d.kind === 'categorical') return [...d.choices];
  const n = cardinality(d);
  if (Number.isFinite(n) && n <= maxDiscrete) {
    return Array.from({ length: n }, (_, k) => snap(d, d.low + k * (d.kind === 'int' ? d.step : d.step!)));
  }
  const m = Number.isFinite(n) ? maxDiscrete : points;
  if (m === 1) return [snap(d, d.log ? Math.sqrt(d.low * d.high) : (d.low + d.high) / 2)];
  const out: number[] = [];
  for (let k = 0; k < m; k++) {
    const f = k / (m - 1);
    // Log-spaced points are rounded to 12 significant digits so that 1, 10, 100 come out as such.
    const x = d.log ? Number(Math.exp(Math.log(d.low) + f * (Math.log(d.high) - Math.log(d.low))).toPrecision(12)) : d.low + f * (d.high - d.low);
    const v = k === m - 1 ? d.high : snap(d, x);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

function enumerate(space: SearchSpaceLike, values: (d: Distribution) => ParamValue[], max: number): Params[] {
  const specs = space.params;
  const perParam = specs.map((s) => values(s.distribution));
  const out: Params[] = [];
  const current: Record<string, ParamValue> = {};
  const rec = (i: number): void => {
    if (i === specs.length) {
      if (out.length >= max) {
        throw configError('gridSampler()', 'maxGridSize', `is exceeded: the grid of this space has more than ${max} points; lower 'points' or set 'maxDiscretePoints'`);
      }
      out.push({ ...current });
      return;
    }
    const spec = specs[i]!;
    if (!space.isActive(spec.name, current)) return rec(i + 1);
    for (const v of perParam[i]!) {
      current[spec.name] = v;
      rec(i + 1);
    }
    delete current[spec.name];
  };
  rec(0);
  return out;
}
