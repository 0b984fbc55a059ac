import t from 'tap';
import { createRandom } from '../../../lib/random.js';
import { qmcSampler } from '../../../lib/search/samplers/qmc-sampler.js';
import { randomSampler } from '../../../lib/search/samplers/random-sampler.js';
import { choice, int, logUniform, space, uniform, when } from '../../../lib/search/space.js';
import type { FrozenTrial, Params, Sampler, SearchSpaceLike } from '../../../lib/search/types.js';
import { starDiscrepancy2d } from '../math/discrepancy.js';

/** Trials 0..n-1 of a sampler on a space, each told a value (QMC ignores it). */
function run(sampler: Sampler, s: SearchSpaceLike, n: number): Params[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(s, trials, { direction: 'minimize', trialNumber: i });
    trials.push({ number: i, state: 'completed', params, value: i, intermediate: [] });
  }
  return trials.map((x) => x.params);
}

const tally = (values: unknown[]) => {
  const m = new Map<unknown, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
};

t.test('every distribution is stratified: 64 trials give each int, choice and log quarter its exact share', async (t) => {
  const s = space({ n: int(0, 7), c: choice(['a', 'b', 'c', 'd']), lr: logUniform(1e-4, 1), units: int(16, 128, { step: 16 }), x: uniform(0, 1, { step: 0.25 }) });
  for (const sequence of ['sobol', 'halton'] as const) {
    const trials = run(qmcSampler({ seed: 3, sequence }), s, sequence === 'sobol' ? 64 : 80);
    if (sequence === 'sobol') {
      t.same([...tally(trials.map((p) => p.n)).values()], Array(8).fill(8), 'sobol: each of 8 ints 8 times');
      t.same([...tally(trials.map((p) => p.c)).values()], Array(4).fill(16), 'sobol: each of 4 choices 16 times');
      t.same([...tally(trials.map((p) => p.units)).values()], Array(8).fill(8), 'sobol: each of 8 stepped ints 8 times');
      const quarter = tally(trials.map((p) => Math.floor((Math.log10(p.lr as number) + 4))));
      t.same([0, 1, 2, 3].map((k) => quarter.get(k)), [16, 16, 16, 16], 'sobol: each decade of the log range 16 times');
    } else {
      // Halton's base for the 5th parameter is 11: 80 trials are not a multiple, but every value appears ~16 times.
      t.same([...tally(trials.map((p) => p.n)).values()], Array(8).fill(10), 'halton (base 2): each of 8 ints 10 times in 80');
      const xs = tally(trials.map((p) => p.x));
      t.ok([...xs.values()].every((k) => k >= 14 && k <= 18), `halton (base 11): each of 5 steps 16 ± 2 times: ${[...xs.values()]}`);
    }
    t.ok(trials.every((p) => s.validate(p)), `${sequence}: all valid`);
  }
});

t.test('unscrambled: trial 0 takes the lowest values, trial 1 the middle of each range', async (t) => {
  const s = space({ x: uniform(0, 10), lr: logUniform(1e-4, 1), n: int(0, 8), c: choice(['a', 'b', 'c']) });
  for (const sequence of ['sobol', 'halton'] as const) {
    const [first, second] = run(qmcSampler({ scramble: false, sequence }), s, 2);
    t.same({ ...first, lr: Number((first!.lr as number).toPrecision(12)) }, { x: 0, lr: 1e-4, n: 0, c: 'a' }, `${sequence}: point 0 is the origin (lr up to exp(log(x)) rounding)`);
    if (sequence === 'sobol') {
      t.equal(second!.x, 5);
      t.ok(Math.abs((second!.lr as number) - 1e-2) < 1e-12, 'the middle of a log range is its geometric mean');
      t.equal(second!.n, 4);
      t.equal(second!.c, 'b');
    }
  }
  t.same(run(qmcSampler({ scramble: false }), s, 5), run(qmcSampler({ scramble: false, seed: 99 }), s, 5), 'unscrambled: the seed is unused');
});

t.test('the point is a function of the trial number only: histories, resumes and parallel trials agree', async (t) => {
  const s = space({ a: uniform(-1, 1), b: int(1, 100, { log: true }) });
  const sampler = qmcSampler({ seed: 9 });
  const alone = sampler.sample(s, [], { direction: 'minimize', trialNumber: 17 });
  const r = createRandom(1);
  const history: FrozenTrial[] = Array.from({ length: 17 }, (_, i) => ({ number: i, state: 'failed', params: s.sample(r), intermediate: [] }));
  t.same(qmcSampler({ seed: 9 }).sample(s, history, { direction: 'maximize', trialNumber: 17 }), alone);
});

t.test('conditional parameters keep their own dimension, used when active', async (t) => {
  const s = space({ opt: choice(['adam', 'sgd']), momentum: when('opt', 'sgd', uniform(0, 1)), lr: uniform(0, 1) });
  const trials = run(qmcSampler({ seed: 4 }), s, 64);
  const sgd = trials.filter((p) => p.opt === 'sgd');
  t.equal(sgd.length, 32, 'half the trials');
  t.ok(trials.every((p) => (p.momentum !== undefined) === (p.opt === 'sgd')), 'momentum exactly when sgd');
  t.ok(trials.every((p) => s.validate(p)));
});

t.test('covers two continuous parameters more evenly than random sampling', async (t) => {
  const s = space({ x: uniform(0, 1), y: uniform(0, 1) });
  const asPoints = (ps: Params[]) => ps.map((p) => [p.x as number, p.y as number]);
  for (const seed of [1, 2, 3]) {
    const sobol = starDiscrepancy2d(asPoints(run(qmcSampler({ seed }), s, 128)));
    const halton = starDiscrepancy2d(asPoints(run(qmcSampler({ seed, sequence: 'halton' }), s, 128)));
    const random = starDiscrepancy2d(asPoints(run(randomSampler({ seed }), s, 128)));
    t.ok(sobol < random && halton < random, `seed ${seed}: star discrepancy sobol ${sobol.toFixed(4)}, halton ${halton.toFixed(4)}, random ${random.toFixed(4)}`);
  }
});

t.test('Sobol has 1000 dimensions; Halton any number', async (t) => {
  const big = space(Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, uniform(0, 1)])));
  t.throws(() => qmcSampler({ seed: 1 }).sample(big, [], { direction: 'minimize', trialNumber: 0 }), { code: 'INVALID_CONFIG', message: /qmcSampler\(\): a Sobol sequence has at most 1000 dimensions, and the space has 1001 parameters; use sequence: 'halton'/ });
  t.same(big.problems(qmcSampler({ seed: 1, sequence: 'halton' }).sample(big, [], { direction: 'minimize', trialNumber: 3 })), []);
});

t.test('config errors name the field', async (t) => {
  t.throws(() => qmcSampler({}), { code: 'INVALID_CONFIG', details: { field: 'seed' }, message: /qmcSampler\(\): option 'seed' is required to scramble the sequence \(or pass scramble: false\)/ });
  t.throws(() => qmcSampler({ seed: 1, sequence: 'latin' as never }), { code: 'INVALID_CONFIG', details: { field: 'sequence' } });
  t.throws(() => qmcSampler({ seed: 1, scramble: 'yes' as never }), { code: 'INVALID_CONFIG', details: { field: 'scramble' } });
  t.throws(() => qmcSampler({ seed: Number.NaN }), { code: 'INVALID_CONFIG', details: { field: 'seed' } });
  t.throws(() => qmcSampler({ seed: 1, qmcType: 'sobol' } as never), { code: 'INVALID_CONFIG', details: { field: 'qmcType' } });
});
