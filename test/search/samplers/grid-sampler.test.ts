import t from 'tap';
import { gridSampler } from '../../../lib/search/samplers/grid-sampler.js';
import { choice, int, logUniform, space, uniform, when } from '../../../lib/search/space.js';
import type { FrozenTrial, Params } from '../../../lib/search/types.js';

const ctx = (trialNumber: number) => ({ direction: 'minimize' as const, trialNumber });
const record = (number: number, params: Params): FrozenTrial => ({ number, state: 'completed', params, value: number, intermediate: [] });

t.test('exhaustive over choices and ints, points per float; then isExhausted', async (t) => {
  const s = space({ a: choice(['x', 'y']), n: int(1, 3), f: uniform(0, 1), l: logUniform(1, 100) });
  const sampler = gridSampler({ points: 3, seed: 4 });
  t.equal(sampler.grid(s).length, 2 * 3 * 3 * 3);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 54; i++) {
    t.notOk(sampler.isExhausted(s, trials));
    trials.push(record(i, sampler.sample(s, trials, ctx(i))));
  }
  t.equal(new Set(trials.map((x) => JSON.stringify(x.params))).size, 54, 'no point twice');
  t.same([...new Set(trials.map((x) => x.params.f))].sort(), [0, 0.5, 1]);
  t.same([...new Set(trials.map((x) => x.params.l))].sort((a, b) => (a as number) - (b as number)), [1, 10, 100]);
  t.ok(sampler.isExhausted(s, trials));
  // 'repeat': a second pass in the same order
  t.same(sampler.sample(s, trials, ctx(54)), trials[0]!.params);
});

t.test('running and failed trials take their point too', async (t) => {
  const s = space({ a: choice([1, 2, 3]) });
  const sampler = gridSampler();
  const trials: FrozenTrial[] = [
    { number: 0, state: 'running', params: { a: 1 }, intermediate: [] },
    { number: 1, state: 'failed', params: { a: 2 }, intermediate: [] },
  ];
  t.same(sampler.sample(s, trials, ctx(2)), { a: 3 });
});

t.test('conditional parameters multiply the grid only where active', async (t) => {
  const s = space({ opt: choice(['adam', 'sgd']), m: when('opt', 'sgd', uniform(0, 0.9, { step: 0.3 })), k: int(0, 10, { step: 5 }) });
  const g = gridSampler().grid(s);
  t.equal(g.length, (1 + 4) * 3);
  t.ok(g.every((p) => s.validate(p)));
  t.same(g[0], { opt: 'adam', k: 0 }, 'lexicographic without a seed');
});

t.test('maxDiscretePoints thins big int ranges; maxGridSize fails fast', async (t) => {
  const s = space({ n: int(32, 512), lr: logUniform(1e-4, 1e-1) });
  t.equal(gridSampler({ points: 2 }).grid(s).length, 481 * 2);
  const thin = gridSampler({ points: 2, maxDiscretePoints: 5 }).grid(s);
  t.same([...new Set(thin.map((p) => p.n))], [32, 152, 272, 392, 512]);
  t.throws(() => gridSampler({ maxGridSize: 100 }).grid(s), { code: 'INVALID_CONFIG', details: { field: 'maxGridSize' } });
});

t.test("whenExhausted: 'throw'", async (t) => {
  const s = space({ a: choice([true, false]) });
  const sampler = gridSampler({ whenExhausted: 'throw' });
  const trials = [record(0, { a: true }), record(1, { a: false })];
  t.throws(() => sampler.sample(s, trials, ctx(2)), { code: 'INVALID_CONFIG', details: { exhausted: true } });
});

t.test('config errors name the field', async (t) => {
  t.throws(() => gridSampler({ points: 0 }), { code: 'INVALID_CONFIG', details: { field: 'points' } });
  t.throws(() => gridSampler({ whenExhausted: 'stop' as never }), { code: 'INVALID_CONFIG', details: { field: 'whenExhausted' } });
  t.throws(() => gridSampler({ pionts: 3 } as never), { code: 'INVALID_CONFIG', details: { field: 'pionts' } });
  t.throws(() => gridSampler({ seed: Number.NaN }), { code: 'INVALID_CONFIG', details: { field: 'seed' } });
});
