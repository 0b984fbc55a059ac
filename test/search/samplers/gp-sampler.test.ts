import t from 'tap';
import { gpSampler, transformTargets } from '../../../lib/search/samplers/gp-sampler.js';
import { choice, int, logUniform, space, uniform } from '../../../lib/search/space.js';
import type { FrozenTrial, Params } from '../../../lib/search/types.js';

t.test('finds the optimum of a smooth 2D function quickly', async (t) => {
  const s = space({ x: uniform(-5, 5), lr: logUniform(1e-4, 1) });
  const f = (p: Params): number => ((p.x as number) - 1) ** 2 + (Math.log10(p.lr as number) + 2) ** 2;
  const sampler = gpSampler({ seed: 1, nStartup: 5, nCandidates: 300 });
  const trials: FrozenTrial[] = [];
  let best = Infinity;
  for (let i = 0; i < 20; i++) {
    const params = sampler.sample(s, trials, { direction: 'minimize', trialNumber: i });
    const value = f(params);
    best = Math.min(best, value);
    trials.push({ number: i, state: 'completed', params, value, intermediate: [] });
  }
  t.ok(best < 0.01, `best ${best} after 20 trials`);
});

t.test('handles ints and categoricals (one-hot), maximising', async (t) => {
  const s = space({ n: int(1, 50), c: choice(['a', 'b', 'c']) });
  const f = (p: Params): number => -Math.abs((p.n as number) - 33) + (p.c === 'c' ? 5 : 0);
  const sampler = gpSampler({ seed: 2, nStartup: 5, nCandidates: 200 });
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 20; i++) {
    const params = sampler.sample(s, trials, { direction: 'maximize', trialNumber: i });
    trials.push({ number: i, state: 'completed', params, value: f(params), intermediate: [] });
  }
  const best = trials.reduce((a, b) => (b.value! > a.value! ? b : a));
  t.same(best.params.c, 'c');
  t.ok(Math.abs((best.params.n as number) - 33) <= 2, `n = ${best.params.n}`);
});

t.test('transformTargets keeps order, standardises, squashes the worse half', async (t) => {
  const y = transformTargets([1, 2, 3, 4, 1e6]);
  for (let i = 1; i < y.length; i++) t.ok(y[i]! > y[i - 1]!, 'monotone');
  const mean = y.reduce((a, b) => a + b) / y.length;
  t.ok(Math.abs(mean) < 1e-12);
  t.ok(y[4]! - y[3]! < 10 * (y[3]! - y[0]!), 'a huge loss does not flatten the others');
  t.same(Array.from(transformTargets([5, 5, 5])), [0, 0, 0], 'constant losses');
});

t.test('config errors name the field', async (t) => {
  t.throws(() => gpSampler({ seed: 1, nCandidates: 0 }), { code: 'INVALID_CONFIG', details: { field: 'nCandidates' } });
  t.throws(() => gpSampler({ seed: 1, restarts: -1 }), { code: 'INVALID_CONFIG', details: { field: 'restarts' } });
  t.throws(() => gpSampler({ seed: 1, kernel: 'rbf' } as never), { code: 'INVALID_CONFIG', details: { field: 'kernel' } });
});

t.test('degenerate histories: constant losses, repeated parameters, a single choice', async (t) => {
  const s = space({ n: int(1, 3), c: choice(['only']) });
  const trials: FrozenTrial[] = Array.from({ length: 15 }, (_, i) => ({ number: i, state: 'completed', params: { n: 1 + (i % 3), c: 'only' }, value: 4, intermediate: [] }));
  const p = gpSampler({ seed: 1, nCandidates: 50 }).sample(s, trials, { direction: 'minimize', trialNumber: 15 });
  t.same(s.problems(p), []);
});
