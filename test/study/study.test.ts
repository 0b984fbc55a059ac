import t from 'tap';
import { join } from 'node:path';
import { study } from '../../lib/study/study.js';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import { manualClock } from '../../lib/clock.js';
import { checkedSpace, stepSampler, thresholdPruner, xSpace } from './helpers.js';

const base = () => ({ name: 's', direction: 'minimize' as const, space: xSpace, sampler: stepSampler() });

t.test('config errors name the field', async (t) => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ name: '' }, /option 'name' must be a non-empty string/],
    [{ direction: 'down' }, /option 'direction' must be one of 'minimize', 'maximize'/],
    [{ metric: 3 }, /option 'metric'/],
    [{ storage: {} }, /option 'storage' must be a Storage/],
    [{ space: 5 }, /option 'space' must be a search space/],
    [{ sampler: { sample: 1 } }, /option 'sampler' must be a Sampler/],
    [{ pruner: {} }, /option 'pruner' must be a Pruner/],
    [{ seed: NaN }, /option 'seed' must be a finite number/],
    [{ clock: {} }, /option 'clock' must be a Clock/],
    [{ onInterrupted: 'requeue' }, /option 'onInterrupted'/],
    [{ samplr: 1 }, /option 'samplr' is not a known option/],
  ];
  for (const [change, message] of bad) {
    t.throws(() => study({ ...base(), ...change } as never), { code: 'INVALID_CONFIG', message }, JSON.stringify(change));
  }
  t.throws(() => study(undefined as never), /study\(\): option 'config' must be an object/);
});

t.test('ask and tell', async (t) => {
  const clock = manualClock(1000);
  const sampler = stepSampler();
  const s = study({ ...base(), sampler, clock });
  const a = s.ask();
  const b = s.ask();
  t.same([a.number, a.params, b.number, b.params], [0, { x: -5 }, 1, { x: -4 }]);
  t.same(sampler.seen, [{ number: 0, trials: [] }, { number: 1, trials: [0] }], 'the sampler sees earlier trials, not the new one');
  t.equal(a.study, 's');
  t.equal(a.direction, 'minimize');
  t.equal(a.metric, undefined);
  clock.advance(5);
  const ra = s.tell(a, 3);
  t.same(ra, { number: 0, state: 'completed', params: { x: -5 }, value: 3, intermediate: [], startedAt: 1000, finishedAt: 1005 });
  t.throws(() => s.tell(a, 4), { code: 'STORAGE', message: /completed, not running/ }, 'a trial is told once');
  const rb = s.tell(b.number, NaN);
  t.same([rb.state, rb.error], ['failed', 'the objective returned NaN'], 'NaN is a failure, not a value');
  const c = s.ask();
  c.report(0, 5);
  c.report(1, 2);
  t.same([s.tell(c, 'pruned').state, s.trials()[2]?.value], ['pruned', 2], 'pruned keeps the last intermediate value');
  const d = s.ask();
  const rd = s.tell(d, 'failed', new Error('out of memory'));
  t.same([rd.state, rd.error], ['failed', 'out of memory']);
  t.equal(s.tell(s.ask(), 'failed').error, 'failed');
  t.throws(() => s.tell(s.ask(), 'done' as never), /option 'result'/);
  t.throws(() => s.tell({} as never, 1), /option 'trial'/);
  const other = study({ ...base(), name: 'other' });
  t.throws(() => s.tell(other.ask(), 1), /option 'trial' belongs to study "other", not "s"/);
  t.same(s.trials(['completed']).map((x) => x.number), [0]);
  t.equal(s.best()?.number, 0);
});

t.test('best: by direction, the earliest among equals', async (t) => {
  for (const [direction, expected] of [['minimize', 1], ['maximize', 2]] as const) {
    const s = study({ ...base(), direction });
    t.equal(s.best(), undefined, 'no completed trial, no best');
    for (const v of [3, 1, 7, 1, 7]) s.tell(s.ask(), v);
    s.tell(s.ask(), 'failed');
    t.equal(s.best()?.number, expected, direction);
  }
});

t.test('trial handle: report, shouldPrune, attrs, seed, record', async (t) => {
  const pruner = thresholdPruner(1);
  const s = study({ ...base(), metric: 'val_loss', pruner, seed: 7 });
  const a = s.ask();
  t.equal(a.metric, 'val_loss');
  a.report(0, 0.5);
  t.equal(a.shouldPrune(), false);
  a.report(0, 0.5);
  t.throws(() => a.report(0, 0.6), /append-only/);
  t.throws(() => a.report(1, NaN), { code: 'NON_FINITE' });
  a.report(1, 2);
  t.equal(a.shouldPrune(), true);
  a.setAttrs({ path: '/tmp/m' });
  t.same(a.record().attrs, { path: '/tmp/m' });
  t.same(a.record().intermediate, [[0, 0.5], [1, 2]]);
  s.tell(a, 'pruned');
  t.equal(a.shouldPrune(), false, 'a finished trial is not pruned again');
  t.equal(study({ ...base() }).ask().shouldPrune(), false, 'no pruner, no pruning');

  const seeds = (seed?: number) => {
    const st = study({ ...base(), name: 'seeds', ...(seed === undefined ? {} : { seed }) });
    return [st.ask().seed, st.ask().seed];
  };
  t.same(seeds(7), seeds(7), 'same study seed, same trial seeds');
  t.not(seeds(7)[0], seeds(8)[0]);
  t.not(seeds(7)[0], seeds(7)[1], 'each trial its own seed');
  t.same(seeds(), seeds(), 'without a seed, derived from the name');
});

t.test('enqueue: queued parameters are asked first', async (t) => {
  const sampler = stepSampler();
  const s = study({ ...base(), space: checkedSpace, sampler });
  s.enqueue({ x: 4.5 }, { why: 'known good' });
  const queued = s.ask();
  t.same([queued.number, queued.params], [0, { x: 4.5 }]);
  t.same(queued.record().attrs, { why: 'known good' });
  t.equal(sampler.seen.length, 0, 'no sampling for a queued trial');
  t.same(s.ask().params, { x: -4 });
  t.throws(() => s.enqueue({ x: 50 }), { code: 'INVALID_CONFIG', message: /x: 50 is not in \[-5, 5\]/ });
  const x: number = s.ask().params.x; // params are typed from the space
  t.type(x, 'number');
});

t.test('a sampler that throws fails its trial and the ask', async (t) => {
  const s = study({ ...base(), sampler: { name: 'bad', sample: () => { throw new Error('no idea'); } } });
  t.throws(() => s.ask(), /no idea/);
  t.same(s.trials().map((x) => [x.state, x.error]), [['failed', 'sampling failed: no idea']]);
});

t.test('reopening a study: same trials, interrupted ones failed or retried', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'study.db');
  const dead = new Set<number>();
  const storage = () => sqliteStorage(path, { isRunnerAlive: (_h, pid) => !dead.has(pid) });
  const first = study({ ...base(), storage: storage() });
  first.tell(first.ask(), 1);
  first.ask(); // left running
  t.throws(() => study({ ...base(), direction: 'maximize', storage: storage() }), { code: 'STORAGE', message: /direction/ });
  dead.add(process.pid);
  const again = study({ ...base(), storage: storage(), onInterrupted: 'retry' });
  t.same(again.interrupted.map((x) => [x.number, x.error]), [[1, 'interrupted']]);
  t.same(again.trials().map((x) => [x.number, x.state]), [[0, 'completed'], [1, 'failed'], [2, 'waiting']]);
  const retry = again.ask();
  t.same([retry.number, retry.params, retry.record().attrs], [2, { x: -4 }, { retryOf: 1 }]);
  const mem = memoryStorage();
  study({ ...base(), storage: mem, metric: 'a' });
  t.throws(() => study({ ...base(), storage: mem, metric: 'b' }), /metric/);
});
