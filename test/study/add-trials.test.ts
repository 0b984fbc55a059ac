import t from 'tap';
import { join } from 'node:path';
import { manualClock } from '../../lib/clock.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { tpeSampler } from '../../lib/search/samplers/tpe-sampler.js';
import { choice, space, uniform } from '../../lib/search/space.js';
import type { FrozenTrial, Sampler } from '../../lib/search/types.js';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import type { Storage } from '../../lib/storage/storage.js';
import { study } from '../../lib/study/study.js';

const s2 = space({ x: uniform(-5, 5), y: uniform(-5, 5), c: choice(['a', 'b']) });
const f = (p: { x: number; y: number; c: 'a' | 'b' }) => (p.x - 1.5) ** 2 + (p.y + 2) ** 2 + (p.c === 'b' ? 0 : 4);

/** A source study: completed, pruned and failed trials, with intermediate values. */
function source(storage: Storage = memoryStorage()) {
  const s = study({ name: 'source', direction: 'minimize', space: s2, sampler: randomSampler({ seed: 3 }), storage });
  for (let i = 0; i < 12; i++) {
    const trial = s.ask();
    trial.report(0, f(trial.params) + 1);
    if (i % 4 === 1) s.tell(trial, 'pruned');
    else if (i % 4 === 2) s.tell(trial, 'failed', new Error('out of memory'));
    else {
      trial.report(1, f(trial.params));
      trial.setAttrs({ note: `trial ${i}` });
      s.tell(trial, f(trial.params));
    }
  }
  return s;
}

for (const kind of ['memory', 'sqlite'] as const) {
  t.test(`${kind}: finished trials are copied with their states, values, intermediate values (and their times) and attrs`, async (t) => {
    const storage = kind === 'memory' ? memoryStorage() : sqliteStorage(join(t.testdir({}), 'warm.db'));
    t.teardown(() => storage.close());
    const from = source(storage);
    const clock = manualClock(5000);
    const to = study({ name: 'target', direction: 'minimize', space: s2, sampler: randomSampler({ seed: 1 }), storage, clock });
    to.tell(to.ask(), 7);
    const added = to.addTrials(from.trials());
    t.same(added.map((x) => x.number), Array.from({ length: 12 }, (_, i) => i + 1), 'the next numbers of the target study');
    const strip = (x: FrozenTrial) => [x.state, x.params, x.value, x.intermediate, x.stepTimes, x.error];
    t.same(added.map(strip), from.trials().map(strip));
    t.equal(added[0]!.stepTimes?.length, 2, "each step keeps the time it was first reported at, not the target's clock");
    t.same(added.map((x) => x.attrs?.addedFrom), from.trials().map((x) => x.number), 'attrs.addedFrom: the old number');
    t.equal(added[0]!.attrs?.note, 'trial 0', 'other attrs kept');
    t.same(to.trials().map((x) => x.number), Array.from({ length: 13 }, (_, i) => i), 'stored');
    t.equal(added[0]!.startedAt, 5000, "started and finished by the target study's clock");
    t.equal(to.best()!.value, Math.min(7, ...from.trials(['completed']).map((x) => x.value!)), 'best() counts them');
    t.equal(from.trials().length, 12, 'the source study is unchanged');
  });
}

t.test('a warm start: TPE given 60 earlier trials finds a better point in its first 10 than it does cold', async (t) => {
  const best = (s: { trials(states?: readonly ['completed']): readonly FrozenTrial[] }, after: number) => Math.min(...s.trials(['completed']).filter((x) => x.number >= after).map((x) => x.value!));
  let warm = 0;
  let cold = 0;
  for (let seed = 0; seed < 5; seed++) {
    const earlier = study({ name: 'earlier', direction: 'minimize', space: s2, sampler: randomSampler({ seed: 100 + seed }) });
    for (let i = 0; i < 60; i++) {
      const trial = earlier.ask();
      earlier.tell(trial, f(trial.params));
    }
    const run = (addFirst: boolean) => {
      const s = study({ name: 'later', direction: 'minimize', space: s2, sampler: tpeSampler({ seed }) });
      if (addFirst) s.addTrials(earlier.trials());
      const start = s.trials().length;
      for (let i = 0; i < 10; i++) {
        const trial = s.ask();
        s.tell(trial, f(trial.params));
      }
      return best(s, start);
    };
    warm += run(true);
    cold += run(false);
  }
  t.ok(warm < cold / 2, `mean best of the 10 new trials: warm ${(warm / 5).toFixed(3)}, cold ${(cold / 5).toFixed(3)}`);
});

t.test('the sampler sees the added trials as its own', async (t) => {
  const seen: number[] = [];
  const spy: Sampler = { name: 'spy', sample: (_s, trials) => (seen.push(trials.length), { x: 0, y: 0, c: 'a' }) };
  const to = study({ name: 'target', direction: 'minimize', space: s2, sampler: spy });
  to.addTrials(source().trials(['completed']));
  to.ask();
  t.same(seen, [6]);
});

t.test('refusals: nothing is added when one trial does not fit', async (t) => {
  const to = study({ name: 'target', direction: 'minimize', space: s2, sampler: randomSampler({ seed: 1 }) });
  const good = source().trials();
  const with_ = (i: number, change: Partial<FrozenTrial> | Record<string, unknown>) => good.map((x, k) => (k === i ? ({ ...x, ...change } as FrozenTrial) : x));
  t.throws(() => to.addTrials(with_(3, { params: { x: 9, y: 0, c: 'a' } })), { code: 'INVALID_CONFIG', details: { field: 'trials[3]' }, message: /study\.addTrials\(\): trial 3 \(number 3\) does not fit the space: 'x' = 9 is not a value of the parameter/ });
  t.throws(() => to.addTrials(with_(0, { params: { x: 0, y: 0, c: 'a', z: 1 } })), { code: 'INVALID_CONFIG', message: /'z' is not a parameter of the space/ });
  t.throws(() => to.addTrials(with_(5, { state: 'running' })), { code: 'INVALID_CONFIG', message: /trial 5 \(number 5\) is "running": only finished trials \(completed, pruned, failed\) can be added; queue the parameters of an unfinished one with study\.enqueue\(\)/ });
  t.throws(() => to.addTrials(with_(0, { value: Number.NaN })), { code: 'INVALID_CONFIG', message: /is completed but its value is NaN, not a finite number/ });
  t.throws(() => to.addTrials(with_(0, { intermediate: [[0, 1], [0, 2]] })), { code: 'INVALID_CONFIG', message: /reports step 0 twice/ });
  t.throws(() => to.addTrials(with_(0, { intermediate: [[-1, 1]] })), { code: 'INVALID_CONFIG', message: /intermediate step -1: steps are integers ≥ 0/ });
  t.throws(() => to.addTrials(with_(0, { intermediate: [[0, Infinity]] })), { code: 'INVALID_CONFIG', message: /non-finite intermediate value at step 0/ });
  t.throws(() => to.addTrials('trials' as never), { code: 'INVALID_CONFIG', details: { field: 'trials' } });
  t.throws(() => to.addTrials([null as never]), { code: 'INVALID_CONFIG', message: /trial 0 must be a trial record/ });
  t.equal(to.trials().length, 0, 'nothing was added');
  t.same(to.addTrials([]), [], 'an empty list adds nothing');
});
