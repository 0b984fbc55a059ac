import t from 'tap';
import { cmaEsSampler } from '../../../lib/search/samplers/cma-es-sampler.js';
import { choice, int, space, uniform } from '../../../lib/search/space.js';
import type { FrozenTrial, Params } from '../../../lib/search/types.js';

const s = space({ a: uniform(-1, 1), b: uniform(-1, 1), c: uniform(-1, 1), d: uniform(-1, 1) });
const sphere = (p: Params): number => ['a', 'b', 'c', 'd'].reduce((acc, k) => acc + ((p[k] as number) - 0.3) ** 2, 0);

t.test('converges on a sphere', async (t) => {
  const sampler = cmaEsSampler({ seed: 1 });
  const trials: FrozenTrial[] = [];
  let best = Infinity;
  for (let i = 0; i < 300; i++) {
    const params = sampler.sample(s, trials, { direction: 'minimize', trialNumber: i });
    const value = sphere(params);
    best = Math.min(best, value);
    trials.push({ number: i, state: 'completed', params, value, intermediate: [] });
  }
  t.ok(best < 1e-4, `best ${best}`);
});

t.test('a generation with a running trial is not used yet', async (t) => {
  const sampler = cmaEsSampler({ seed: 2, popsize: 4 });
  const gen0: FrozenTrial[] = [0, 1, 2, 3].map((i) => ({ number: i, state: i === 2 ? 'running' : 'completed', params: { a: 0.1 * i, b: 0, c: 0, d: 0 }, intermediate: [], ...(i === 2 ? {} : { value: i }) }));
  const ctx = { direction: 'minimize' as const, trialNumber: 4 };
  t.same(sampler.sample(s, gen0, ctx), cmaEsSampler({ seed: 2, popsize: 4 }).sample(s, [], ctx), 'drawn from the initial distribution');
  const done = gen0.map((x) => (x.state === 'running' ? { ...x, state: 'completed' as const, value: 9 } : x));
  t.notSame(sampler.sample(s, done, ctx), sampler.sample(s, [], ctx), 'once complete, the update is used');
  const failed = gen0.map((x) => (x.state === 'running' ? { ...x, state: 'failed' as const } : x));
  t.notSame(sampler.sample(s, failed, ctx), sampler.sample(s, [], ctx), 'a failed trial finishes its generation');
});

t.test('ints, categoricals and no numeric parameters', async (t) => {
  const mixed = space({ n: int(1, 100, { log: true }), c: choice(['x', 'y']) });
  const sampler = cmaEsSampler({ seed: 3 });
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 30; i++) {
    const params = sampler.sample(mixed, trials, { direction: 'maximize', trialNumber: i });
    t.same(mixed.problems(params), []);
    trials.push({ number: i, state: 'completed', params, value: params.n as number, intermediate: [] });
  }
  const only = space({ c: choice([1, 2, 3]) });
  t.same(only.problems(sampler.sample(only, trials, { direction: 'minimize', trialNumber: 30 })), []);
});

t.test('config errors name the field', async (t) => {
  t.throws(() => cmaEsSampler({ seed: 1, sigma0: 0 }), { code: 'INVALID_CONFIG', details: { field: 'sigma0' } });
  t.throws(() => cmaEsSampler({ seed: 1, popsize: 1 }), { code: 'INVALID_CONFIG', details: { field: 'popsize' } });
  t.throws(() => cmaEsSampler({ seed: 1, sigma: 0.1 } as never), { code: 'INVALID_CONFIG', details: { field: 'sigma' } });
});
