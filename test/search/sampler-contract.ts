/**
 * The contract every Sampler must meet, as one suite run against each implementation (as Optuna does):
 * parameters always valid for the space (bounds, types, steps, log scales, conditions), reproducible
 * from the seed, sensitive to the seed, robust to pruned/failed/running trials and to an empty history.
 */
import type t from 'tap';
import { createRandom } from '../../lib/random.js';
import { choice, int, logUniform, space, uniform, when, type SearchSpace } from '../../lib/search/space.js';
import type { Direction, FrozenTrial, Params, Sampler, TrialState } from '../../lib/search/types.js';

type TapTest = Parameters<Parameters<typeof t.test>[0]>[0];

export interface ContractOptions {
  /** Trials per run (enough to get past the sampler's random start-up). Default 30. */
  readonly trials?: number;
}

export const mixedSpace = space({
  optimizer: choice(['adam', 'sgd', 'rmsprop']),
  momentum: when('optimizer', 'sgd', uniform(0, 0.9, { step: 0.1 })),
  lr: logUniform(1e-4, 1e-1),
  units: int(1, 64, { log: true }),
  layers: int(1, 7, { step: 2 }),
  x: uniform(-2, 3),
  flag: choice([true, false]),
});

const continuousSpace = space({ a: uniform(-5, 10), b: uniform(0, 15), c: logUniform(1e-3, 10) });
const categoricalSpace = space({ a: choice(['x', 'y', 'z']), b: choice([1, 2]) });
const singleIntSpace = space({ n: int(0, 3) });

/** A deterministic objective of any params object (so histories are reproducible). */
function objective(p: Params): number {
  let v = 0;
  for (const [k, x] of Object.entries(p)) {
    const h = k.length * 0.37;
    if (typeof x === 'number') v += Math.sin(x * 1.7 + h) + 0.01 * Math.abs(Math.log(Math.abs(x) + 1e-3));
    else v += (String(x).charCodeAt(0) % 7) / 7;
  }
  return v;
}

/** Build trial `number` in the given state from its params, as a storage would record it. */
export function frozen(number: number, params: Params, state: TrialState, value?: number): FrozenTrial {
  const base = { number, state, params, intermediate: [] as Array<readonly [number, number]> };
  if (state === 'completed') return { ...base, value: value!, intermediate: [[0, value! + 1], [1, value!]] };
  if (state === 'pruned') return { ...base, intermediate: [[0, value! + 2]] };
  if (state === 'failed') return { ...base, error: 'boom' };
  return base;
}

/** Drive a sampler for `n` trials: a mix of completed, pruned, failed and (left running) trials. */
export function drive(sampler: Sampler, s: SearchSpace, n: number, direction: Direction = 'minimize', mixStates = true): Params[] {
  const trials: FrozenTrial[] = [];
  const out: Params[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(s, trials, { direction, trialNumber: i });
    out.push(params);
    const value = objective(params);
    const state: TrialState = !mixStates ? 'completed' : i % 7 === 3 ? 'failed' : i % 5 === 4 ? 'pruned' : i % 11 === 10 ? 'running' : 'completed';
    trials.push(frozen(i, params, state, value));
  }
  return out;
}

export function samplerContract(t: TapTest, makeSampler: (seed: number) => Sampler, options: ContractOptions = {}): void {
  const n = options.trials ?? 30;

  t.test('parameters are always valid for the space (bounds, types, steps, log, conditions)', async (t) => {
    for (const [name, s] of [['mixed', mixedSpace], ['continuous', continuousSpace], ['categorical', categoricalSpace], ['single int', singleIntSpace]] as const) {
      const all = drive(makeSampler(1), s as SearchSpace, n);
      const bad = all.map((p) => s.problems(p)).filter((p) => p.length > 0);
      t.same(bad, [], `${name}: ${all.length} samples valid`);
    }
    const mixed = drive(makeSampler(2), mixedSpace, n);
    t.ok(mixed.some((p) => p.momentum !== undefined) || mixed.every((p) => p.optimizer !== 'sgd'), 'conditional parameter appears when active');
    t.ok(mixed.every((p) => typeof p.units === 'number' && Number.isInteger(p.units)), 'ints are integers');
    t.ok(mixed.every((p) => typeof p.flag === 'boolean'), 'boolean choices stay booleans');
  });

  t.test('same seed and history → same parameters', async (t) => {
    t.same(drive(makeSampler(7), mixedSpace, n), drive(makeSampler(7), mixedSpace, n));
    t.same(drive(makeSampler(7), continuousSpace, n, 'maximize'), drive(makeSampler(7), continuousSpace, n, 'maximize'));
  });

  t.test('a fresh sampler given the same history reproduces a trial (stateless across calls)', async (t) => {
    const a = makeSampler(3);
    const params = drive(a, continuousSpace, n, 'minimize', false);
    const trials = params.slice(0, n - 1).map((p, i) => frozen(i, p, 'completed', objective(p)));
    const again = makeSampler(3).sample(continuousSpace, trials, { direction: 'minimize', trialNumber: n - 1 });
    t.same(again, params[n - 1]);
  });

  t.test('different seed → different parameters', async (t) => {
    t.notSame(drive(makeSampler(1), continuousSpace, n), drive(makeSampler(2), continuousSpace, n));
  });

  t.test('empty history, and histories of only failed / pruned / running trials', async (t) => {
    for (const s of [mixedSpace, continuousSpace, categoricalSpace] as SearchSpace[]) {
      const p = makeSampler(5).sample(s, [], { direction: 'minimize', trialNumber: 0 });
      t.same(s.problems(p), [], 'valid with no trials');
      const r = createRandom(9);
      for (const state of ['failed', 'pruned', 'running'] as const) {
        const history = Array.from({ length: 25 }, (_, i) => frozen(i, s.sample(r), state, i));
        const q = makeSampler(5).sample(s, history, { direction: 'maximize', trialNumber: 25 });
        t.same(s.problems(q), [], `valid after only ${state} trials`);
      }
    }
  });

  t.test('pruned trials without intermediate values, and non-finite values, are tolerated', async (t) => {
    const r = createRandom(11);
    const history: FrozenTrial[] = Array.from({ length: 30 }, (_, i) => {
      const params = continuousSpace.sample(r);
      if (i % 3 === 0) return { number: i, state: 'pruned', params, intermediate: [] };
      if (i % 3 === 1) return { number: i, state: 'completed', params, value: i % 2 ? Number.NaN : Infinity, intermediate: [] };
      return frozen(i, params, 'completed', objective(params));
    });
    const p = makeSampler(1).sample(continuousSpace, history, { direction: 'minimize', trialNumber: 30 });
    t.same(continuousSpace.problems(p), []);
  });
}
