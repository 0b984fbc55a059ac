import t from 'tap';
import { randomSampler } from '../../../lib/search/samplers/random-sampler.js';
import { tpeSampler } from '../../../lib/search/samplers/tpe-sampler.js';
import { choice, int, space, uniform, when } from '../../../lib/search/space.js';
import type { FrozenTrial, Params, Sampler } from '../../../lib/search/types.js';

const s = space({ x: uniform(-5, 5), y: uniform(-5, 5), n: int(0, 20), c: choice(['a', 'b', 'c']) });
const f = (p: Params): number => ((p.x as number) - 1.5) ** 2 + ((p.y as number) + 2) ** 2 + Math.abs((p.n as number) - 7) + (p.c === 'b' ? 0 : 3);

function best(sampler: Sampler, n: number): number {
  const trials: FrozenTrial[] = [];
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(s, trials, { direction: 'minimize', trialNumber: i });
    const value = f(params);
    b = Math.min(b, value);
    trials.push({ number: i, state: 'completed', params, value, intermediate: [] });
  }
  return b;
}

t.test('TPE beats random on a mixed problem (5 seeds, 60 trials)', async (t) => {
  for (const scoring of ['bandwidth-weighted', 'density'] as const) {
    for (const multivariate of [false, true]) {
      let tpe = 0, rnd = 0;
      for (let seed = 0; seed < 5; seed++) {
        tpe += best(tpeSampler({ seed, multivariate, scoring }), 60);
        rnd += best(randomSampler({ seed }), 60);
      }
      t.ok(tpe < rnd * 0.6, `${scoring}, multivariate=${multivariate}: TPE ${(tpe / 5).toFixed(3)} vs random ${(rnd / 5).toFixed(3)}`);
    }
  }
});

t.test('maximize: the good region is where values are high', async (t) => {
  const one = space({ x: uniform(0, 1) });
  const trials: FrozenTrial[] = Array.from({ length: 40 }, (_, i) => ({ number: i, state: 'completed', params: { x: i / 39 }, value: i / 39, intermediate: [] }));
  const sampler = tpeSampler({ seed: 1 });
  const xs = Array.from({ length: 20 }, (_, k) => sampler.sample(one, trials, { direction: 'maximize', trialNumber: 40 + k }).x as number);
  t.ok(xs.reduce((a, b) => a + b) / xs.length > 0.7, `samples near the top (${xs.map((x) => x.toFixed(2)).join(' ')})`);
  const low = Array.from({ length: 20 }, (_, k) => sampler.sample(one, trials, { direction: 'minimize', trialNumber: 40 + k }).x as number);
  t.ok(low.reduce((a, b) => a + b) / low.length < 0.3, 'and near the bottom when minimising');
});

t.test('pruned trials rank below completed ones, failed ones are ignored', async (t) => {
  const one = space({ x: uniform(0, 1) });
  // Completed trials are good near x = 0.8; pruned trials near x = 0.1 have tiny (optimistic) intermediate values;
  // failed trials near 0.5 carry no value at all.
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 30; i++) {
    const x = i % 3 === 0 ? 0.8 + 0.005 * i : i % 3 === 1 ? 0.1 + 0.003 * i : 0.5;
    const state = i % 3 === 0 ? 'completed' : i % 3 === 1 ? 'pruned' : 'failed';
    trials.push({ number: i, state, params: { x }, intermediate: state === 'pruned' ? [[1, -100]] : [], ...(state === 'completed' ? { value: 1 - x } : {}) });
  }
  const sampler = tpeSampler({ seed: 3, nStartup: 5 });
  const xs = Array.from({ length: 20 }, (_, k) => sampler.sample(one, trials, { direction: 'minimize', trialNumber: 30 + k }).x as number);
  t.ok(xs.filter((x) => x > 0.5).length >= 16, `follows completed trials, not pruned ones (${xs.map((x) => x.toFixed(2)).join(' ')})`);
});

t.test('conditional parameters learn from the trials where they were active', async (t) => {
  const cs = space({ opt: choice(['adam', 'sgd']), m: when('opt', 'sgd', uniform(0, 1)) });
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 40; i++) {
    const params: Params = i % 2 ? { opt: 'adam' } : { opt: 'sgd', m: (i * 0.37) % 1 };
    trials.push({ number: i, state: 'completed', params, value: params.m === undefined ? 1 : Math.abs((params.m as number) - 0.9), intermediate: [] });
  }
  const sampler = tpeSampler({ seed: 5 });
  const ms = Array.from({ length: 30 }, (_, k) => sampler.sample(cs, trials, { direction: 'minimize', trialNumber: 40 + k })).filter((p) => p.m !== undefined).map((p) => p.m as number);
  t.ok(ms.length > 15, `sgd chosen mostly (${ms.length}/30)`);
  t.ok(ms.reduce((a, b) => a + b) / ms.length > 0.7, 'm near its best value');
});

t.test('config errors name the field', async (t) => {
  t.throws(() => tpeSampler({} as never), { code: 'INVALID_CONFIG', details: { field: 'seed' } });
  t.throws(() => tpeSampler({ seed: 1, gamma: 1.5 }), { code: 'INVALID_CONFIG', details: { field: 'gamma' } });
  t.throws(() => tpeSampler({ seed: 1, nStartup: -1 }), { code: 'INVALID_CONFIG', details: { field: 'nStartup' } });
  t.throws(() => tpeSampler({ seed: 1, nEICandidates: 0 }), { code: 'INVALID_CONFIG', details: { field: 'nEICandidates' } });
  t.throws(() => tpeSampler({ seed: 1, multivariate: 'yes' as never }), { code: 'INVALID_CONFIG', details: { field: 'multivariate' } });
  t.throws(() => tpeSampler({ seed: 1, nStartups: 3 } as never), { code: 'INVALID_CONFIG', details: { field: 'nStartups' } });
  t.throws(() => tpeSampler({ seed: 1, scoring: 'ratio' as never }), { code: 'INVALID_CONFIG', details: { field: 'scoring' } });
  const bad = tpeSampler({ seed: 1, nStartup: 1, gamma: () => Number.NaN });
  t.throws(() => bad.sample(space({ x: uniform(0, 1) }), [{ number: 0, state: 'completed', params: { x: 0.5 }, value: 1, intermediate: [] }], { direction: 'minimize', trialNumber: 1 }), { code: 'INVALID_CONFIG', details: { field: 'gamma' } });
});

t.test("the default scoring is Optuna 3.1's bandwidth-weighted one, and 'density' is a different sampler", async (t) => {
  const run = (sampler: Sampler): Params[] => {
    const trials: FrozenTrial[] = [];
    for (let i = 0; i < 30; i++) {
      const params = sampler.sample(s, trials, { direction: 'minimize', trialNumber: i });
      trials.push({ number: i, state: 'completed', params, value: f(params), intermediate: [] });
    }
    return trials.slice(10).map((x) => x.params); // after the 10 random start-up trials
  };
  const byDefault = run(tpeSampler({ seed: 3 }));
  t.same(byDefault, run(tpeSampler({ seed: 3, scoring: 'bandwidth-weighted' })), 'default = bandwidth-weighted');
  t.notSame(byDefault, run(tpeSampler({ seed: 3, scoring: 'density' })), 'density scoring picks other candidates');
});
