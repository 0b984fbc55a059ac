import t from 'tap';
import { gridSampler } from '../../../lib/search/samplers/grid-sampler.js';
import { partialFixedSampler } from '../../../lib/search/samplers/partial-fixed-sampler.js';
import { randomSampler } from '../../../lib/search/samplers/random-sampler.js';
import { tpeSampler } from '../../../lib/search/samplers/tpe-sampler.js';
import { choice, int, logUniform, space, uniform, when } from '../../../lib/search/space.js';
import type { FrozenTrial, ParamValue, Params, Sampler, SearchSpaceLike } from '../../../lib/search/types.js';
import { mixedSpace, samplerContract } from '../sampler-contract.js';

// The contract runs each sampler on four spaces with no parameter name in common; fix one parameter of
// each (a conditional one in the mixed space), choosing the wrapper by the space's parameters.
function fixedFor(s: SearchSpaceLike): Record<string, ParamValue> {
  const names = s.params.map((p) => p.name);
  if (names.includes('momentum')) return { momentum: 0.3, units: 8 };
  if (names.includes('n')) return { n: 2 };
  return s.params[0]!.distribution.kind === 'categorical' ? { a: 'y' } : { a: 5 };
}
function contractSampler(seed: number): Sampler {
  const inner = tpeSampler({ seed, nStartup: 5 });
  const wrappers = new Map<SearchSpaceLike, Sampler>();
  return {
    name: 'partialFixed(tpe), per space',
    sample(s, trials, context) {
      if (!wrappers.has(s)) wrappers.set(s, partialFixedSampler({ sampler: inner, fixed: fixedFor(s) }));
      return wrappers.get(s)!.sample(s, trials, context);
    },
  };
}
t.test('contract', async (t) => samplerContract(t, contractSampler));

function run(sampler: Sampler, s: SearchSpaceLike, n: number, f: (p: Params) => number = () => 0): Params[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(s, trials, { direction: 'minimize', trialNumber: i });
    trials.push({ number: i, state: 'completed', params, value: f(params), intermediate: [] });
  }
  return trials.map((x) => x.params);
}

t.test('fixed parameters take their value in every trial; the rest come from the wrapped sampler', async (t) => {
  const trials = run(partialFixedSampler({ sampler: randomSampler({ seed: 2 }), fixed: { optimizer: 'adam', units: 8 } }), mixedSpace, 40);
  t.ok(trials.every((p) => p.optimizer === 'adam' && p.units === 8));
  t.ok(trials.every((p) => p.momentum === undefined), "momentum exists only for 'sgd', never fixed to 'adam'");
  t.ok(trials.every((p) => mixedSpace.validate(p)), 'valid, in the space');
  t.ok(new Set(trials.map((p) => p.lr)).size === 40, 'lr varies');
  t.same(Object.keys(trials[0]!), ['optimizer', 'lr', 'units', 'layers', 'x', 'flag'], "keys in the space's order");
  // The unfixed parameters are exactly what the wrapped sampler draws on the reduced space.
  const reduced = space({ lr: logUniform(1e-4, 1e-1), layers: int(1, 7, { step: 2 }), x: uniform(-2, 3), flag: choice([true, false]) });
  const plain = run(randomSampler({ seed: 2 }), reduced, 40);
  t.same(trials.map(({ optimizer, units, ...rest }) => rest), plain);
});

t.test('a parameter conditional on a fixed one follows the fixed value; a fixed conditional one appears only when active', async (t) => {
  const sgd = run(partialFixedSampler({ sampler: randomSampler({ seed: 1 }), fixed: { optimizer: 'sgd' } }), mixedSpace, 20);
  t.ok(sgd.every((p) => typeof p.momentum === 'number'), 'momentum sampled in every trial');
  const momentum = run(partialFixedSampler({ sampler: randomSampler({ seed: 1 }), fixed: { momentum: 0.5 } }), mixedSpace, 60);
  t.ok(momentum.every((p) => (p.optimizer === 'sgd' ? p.momentum === 0.5 : p.momentum === undefined)));
  t.ok(momentum.some((p) => p.optimizer === 'sgd') && momentum.some((p) => p.optimizer !== 'sgd'));
});

t.test('TPE learns from the trials as they are, with the fixed parameter in them', async (t) => {
  const s = space({ c: choice(['a', 'b']), x: uniform(-5, 5), y: uniform(-5, 5) });
  const f = (p: Params) => ((p.x as number) - 1) ** 2 + ((p.y as number) + 2) ** 2 + (p.c === 'a' ? 0 : 10);
  const best = (sampler: Sampler) => Math.min(...run(sampler, s, 60, f).map(f));
  let fixed = 0;
  let free = 0;
  for (let seed = 0; seed < 5; seed++) {
    fixed += best(partialFixedSampler({ sampler: tpeSampler({ seed }), fixed: { c: 'a' } }));
    free += best(randomSampler({ seed }));
  }
  t.ok(fixed < free, `fixing c: 'a' and TPE on x, y: mean best ${(fixed / 5).toFixed(3)} vs random ${(free / 5).toFixed(3)}`);
});

t.test('everything fixed: the wrapped sampler is not asked; a wrapped grid is exhausted on the rest', async (t) => {
  const s = space({ a: choice([1, 2]), b: choice(['x', 'y', 'z']) });
  const never: Sampler = { name: 'never', sample: () => { throw new Error('asked'); } };
  t.same(partialFixedSampler({ sampler: never, fixed: { a: 2, b: 'z' } }).sample(s, [], { direction: 'minimize', trialNumber: 0 }), { a: 2, b: 'z' });
  const grid = partialFixedSampler({ sampler: gridSampler(), fixed: { a: 1 } });
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < 3; i++) {
    t.notOk(grid.isExhausted!(s, trials));
    trials.push({ number: i, state: 'completed', params: grid.sample(s, trials, { direction: 'minimize', trialNumber: i }), value: 0, intermediate: [] });
  }
  t.same(trials.map((x) => x.params), [{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 1, b: 'z' }], 'the grid of b, with a fixed');
  t.ok(grid.isExhausted!(s, trials));
  t.equal(partialFixedSampler({ sampler: randomSampler({ seed: 1 }), fixed: { a: 1 } }).isExhausted, undefined, 'no isExhausted when the wrapped sampler has none');
});

t.test('fixed values are checked against the space: the error names the parameter', async (t) => {
  const ctx = { direction: 'minimize' as const, trialNumber: 0 };
  const make = (fixed: Record<string, ParamValue>) => partialFixedSampler({ sampler: randomSampler({ seed: 1 }), fixed });
  t.throws(() => make({ optimiser: 'adam' }).sample(mixedSpace, [], ctx), { code: 'INVALID_CONFIG', details: { param: 'optimiser', field: 'fixed.optimiser' }, message: /partialFixedSampler\(\): fixed parameter 'optimiser' is not a parameter of the space \(it has: optimizer, momentum, lr, units, layers, x, flag\)/ });
  t.throws(() => make({ optimizer: 'adamw' }).sample(mixedSpace, [], ctx), { code: 'INVALID_CONFIG', details: { param: 'optimizer' }, message: /fixed parameter 'optimizer' = "adamw" is not a value of its distribution \(one of "adam", "sgd", "rmsprop"\)/ });
  t.throws(() => make({ lr: 0.5 }).sample(mixedSpace, [], ctx), { code: 'INVALID_CONFIG', message: /'lr' = 0\.5 is not a value of its distribution \(a number in \[0\.0001, 0\.1\], log scale\)/ });
  t.throws(() => make({ layers: 2 }).sample(mixedSpace, [], ctx), { code: 'INVALID_CONFIG', message: /'layers' = 2 is not a value of its distribution \(an integer in \[1, 7\], step 2\)/ });
  t.throws(() => make({ units: 2.5 }).sample(mixedSpace, [], ctx), { code: 'INVALID_CONFIG', details: { param: 'units' } });
  t.throws(() => make({ flag: 'true' }).sample(mixedSpace, [], ctx), { code: 'INVALID_CONFIG', details: { param: 'flag' } }, 'a string is not the boolean');
  t.throws(() => make({ momentum: 0.35 }).sample(mixedSpace, [], ctx), { code: 'INVALID_CONFIG', details: { param: 'momentum' } }, 'off the step grid');
});

t.test('config errors name the field', async (t) => {
  const sampler = randomSampler({ seed: 1 });
  t.throws(() => partialFixedSampler({ sampler, fixed: {} }), { code: 'INVALID_CONFIG', details: { field: 'fixed' } });
  t.throws(() => partialFixedSampler({ sampler } as never), { code: 'INVALID_CONFIG', details: { field: 'fixed' } });
  t.throws(() => partialFixedSampler({ sampler, fixed: { x: Number.NaN } }), { code: 'INVALID_CONFIG', details: { field: 'fixed.x' } });
  t.throws(() => partialFixedSampler({ sampler, fixed: { x: null as never } }), { code: 'INVALID_CONFIG', details: { field: 'fixed.x' } });
  t.throws(() => partialFixedSampler({ sampler: {} as never, fixed: { x: 1 } }), { code: 'INVALID_CONFIG', details: { field: 'sampler' } });
  t.throws(() => partialFixedSampler({ sampler, fixed: { x: 1 }, seed: 1 } as never), { code: 'INVALID_CONFIG', details: { field: 'seed' } });
});
