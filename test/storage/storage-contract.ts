/**
 * The one contract every Storage passes: the rules in lib/storage/storage.ts, checked in order.
 * A storage's own test file calls `storageContract(t, make)` with a factory for fresh instances;
 * `reopen` (when given) must return a new instance over the same data, for persistence checks.
 */
import type { Test } from 'tap';
import type { Storage } from '../../lib/storage/storage.js';

export interface ContractFactory {
  /** A fresh, empty storage. */
  make(): Storage;
  /** A second instance over the same data as `storage` (persistent storages only). */
  reopen?: (storage: Storage) => Storage;
}


export function storageContract(t: Test, factory: ContractFactory): void {
  t.test('rule 1: open creates, reopen loads, the objective cannot change', async (t) => {
    const s = factory.make();
    const a = s.openStudy({ name: 'a', direction: 'minimize', metric: 'val_loss' }, 100);
    t.same(a.study, { name: 'a', direction: 'minimize', metric: 'val_loss', createdAt: 100 });
    t.same(a.interrupted, []);
    const again = s.openStudy({ name: 'a', direction: 'minimize', metric: 'val_loss' }, 200);
    t.equal(again.study.createdAt, 100, 'loading keeps the creation time');
    s.openStudy({ name: 'b', direction: 'maximize' }, 300);
    t.same(s.listStudies().map((x) => x.name), ['a', 'b']);
    t.throws(() => s.openStudy({ name: 'a', direction: 'maximize', metric: 'val_loss' }, 0), /direction/);
    t.throws(() => s.openStudy({ name: 'a', direction: 'minimize', metric: 'loss' }, 0), /metric/);
    t.throws(() => s.openStudy({ name: 'a', direction: 'minimize' }, 0), { code: 'STORAGE' });
    t.throws(() => s.openStudy({ name: '', direction: 'minimize' }, 0), { code: 'STORAGE' });
    t.throws(() => s.getTrials('nope'), /no study named "nope"/);
    t.throws(() => s.createTrial('nope', { state: 'running', now: 0 }), { code: 'STORAGE' });
    s.close();
  });

  t.test('rule 2: trial numbers are 0, 1, 2, ... per study', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    s.openStudy({ name: 'b', direction: 'minimize' }, 0);
    const nums = [];
    for (let i = 0; i < 5; i++) nums.push(s.createTrial('a', { state: i % 2 ? 'waiting' : 'running', now: i }).number);
    t.same(nums, [0, 1, 2, 3, 4]);
    t.equal(s.createTrial('b', { state: 'running', now: 0 }).number, 0, 'numbering is per study');
    t.same(s.getTrials('a').map((x) => x.number), [0, 1, 2, 3, 4]);
    t.throws(() => s.createTrial('a', { state: 'completed' as 'running', now: 0 }), { code: 'STORAGE' });
    s.close();
  });

  t.test('a new trial record', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    const r = s.createTrial('a', { state: 'running', params: { lr: 0.1, opt: 'adam', bn: true }, attrs: { k: [1, 2] }, now: 7 });
    t.same(r, { number: 0, state: 'running', params: { lr: 0.1, opt: 'adam', bn: true }, intermediate: [], startedAt: 7, attrs: { k: [1, 2] } });
    const w = s.createTrial('a', { state: 'waiting', params: { lr: 0.2 }, now: 8 });
    t.same(w, { number: 1, state: 'waiting', params: { lr: 0.2 }, intermediate: [] }, 'a waiting trial has not started');
    t.same(s.getTrial('a', 0), r);
    t.equal(s.getTrial('a', 9), undefined);
    s.close();
  });

  t.test('rule 3: waiting → running → completed | pruned | failed, and no other move', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    s.createTrial('a', { state: 'waiting', params: { x: 1 }, now: 0 });
    s.createTrial('a', { state: 'waiting', params: { x: 2 }, now: 0 });
    t.throws(() => s.finishTrial('a', 0, { state: 'completed', value: 1, now: 1 }), /waiting, not running/);
    t.throws(() => s.reportIntermediate('a', 0, 0, 1), /waiting, not running/);
    const c = s.claimWaitingTrial('a', 5);
    t.same(c, { number: 0, state: 'running', params: { x: 1 }, intermediate: [], startedAt: 5 }, 'lowest waiting first');
    t.equal(s.claimWaitingTrial('a', 6)?.number, 1);
    t.equal(s.claimWaitingTrial('a', 7), undefined, 'nothing left to claim');
    const done = s.finishTrial('a', 0, { state: 'completed', value: 0.5, now: 9 });
    t.same(done, { number: 0, state: 'completed', params: { x: 1 }, value: 0.5, intermediate: [], startedAt: 5, finishedAt: 9 });
    for (const state of ['completed', 'pruned', 'failed'] as const) {
      t.throws(() => s.finishTrial('a', 0, { state, value: 1, now: 10 } as never), /completed, not running/, `completed → ${state}`);
    }
    t.throws(() => s.finishTrial('a', 5, { state: 'failed', now: 0 }), /no trial 5/);
    s.finishTrial('a', 1, { state: 'failed', error: 'boom', now: 10 });
    t.throws(() => s.finishTrial('a', 1, { state: 'completed', value: 1, now: 11 }), /failed, not running/);
    t.equal(s.claimWaitingTrial('a', 12), undefined, 'a finished trial is never claimed again');
    s.close();
  });

  t.test('rule 4: what a finished trial carries', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    for (let i = 0; i < 4; i++) s.createTrial('a', { state: 'running', now: i });
    t.throws(() => s.finishTrial('a', 0, { state: 'completed', value: NaN, now: 1 }), /must be finite/);
    t.throws(() => s.finishTrial('a', 0, { state: 'completed', value: Infinity, now: 1 }), /must be finite/);
    t.equal(s.getTrial('a', 0)?.state, 'running', 'a refused write changes nothing');
    s.reportIntermediate('a', 1, 0, 3);
    s.reportIntermediate('a', 1, 1, 2);
    t.equal(s.finishTrial('a', 1, { state: 'pruned', now: 5 }).value, 2, 'pruned: last intermediate value');
    const p = s.finishTrial('a', 2, { state: 'pruned', now: 5 });
    t.equal(p.value, undefined, 'pruned before any report: no value');
    t.equal(p.state, 'pruned');
    const f = s.finishTrial('a', 3, { state: 'failed', now: 6 });
    t.same([f.state, f.error, f.value, f.finishedAt], ['failed', 'failed', undefined, 6]);
    s.close();
  });

  t.test('rule 5: intermediate values are append-only per step', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    s.createTrial('a', { state: 'running', now: 0 });
    s.reportIntermediate('a', 0, 2, 0.5);
    s.reportIntermediate('a', 0, 0, 0.9);
    const r = s.reportIntermediate('a', 0, 1, 0.7);
    t.same(r.intermediate, [[0, 0.9], [1, 0.7], [2, 0.5]], 'in step order');
    t.same(s.reportIntermediate('a', 0, 1, 0.7).intermediate, r.intermediate, 'same step, same value: no-op');
    t.throws(() => s.reportIntermediate('a', 0, 1, 0.6), /append-only/);
    t.throws(() => s.reportIntermediate('a', 0, -1, 0.6), /integer ≥ 0/);
    t.throws(() => s.reportIntermediate('a', 0, 1.5, 0.6), /integer ≥ 0/);
    t.throws(() => s.reportIntermediate('a', 0, 3, NaN), { code: 'NON_FINITE' });
    t.same(s.getTrial('a', 0)?.intermediate, [[0, 0.9], [1, 0.7], [2, 0.5]]);
    s.finishTrial('a', 0, { state: 'completed', value: 0.5, now: 1 });
    t.throws(() => s.reportIntermediate('a', 0, 3, 0.4), /completed, not running/);
    s.close();
  });

  t.test('rule 5: each step keeps the time it was reported at', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    s.createTrial('a', { state: 'running', now: 0 });
    t.equal(s.reportIntermediate('a', 0, 1, 0.7, undefined, 1_765_000_000_250.5).stepTimes?.length, 1);
    s.reportIntermediate('a', 0, 0, 0.9, { loss: 0.9 }, 1_765_000_000_100);
    s.reportIntermediate('a', 0, 2, 0.5);
    const r = s.reportIntermediate('a', 0, 3, 0.4, undefined, 1_765_000_000_400);
    t.same(r.stepTimes, [[0, 1_765_000_000_100], [1, 1_765_000_000_250.5], [3, 1_765_000_000_400]], 'in step order, to the fraction of a ms; a step reported without a time has none');
    t.same(s.getTrial('a', 0)?.stepTimes, r.stepTimes, 'as read back');
    t.same(s.reportIntermediate('a', 0, 1, 0.7, undefined, 1_765_000_009_999).stepTimes, r.stepTimes, 'a retried write keeps the first time');
    t.throws(() => s.reportIntermediate('a', 0, 4, 0.3, undefined, NaN), { code: 'STORAGE', message: /time/ });
    t.equal(s.getTrial('a', 0)?.intermediate.length, 4, 'a step with a bad time is not written');
    s.createTrial('a', { state: 'running', now: 0 });
    s.reportIntermediate('a', 1, 0, 0.9);
    t.equal(s.getTrial('a', 1)?.stepTimes, undefined, 'no step with a time: no stepTimes');
    t.same(s.getTrials('a')[0]?.stepTimes, r.stepTimes, 'getTrials carries them too');
    s.close();
  });

  t.test('rule 6: parameters are written once', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    s.createTrial('a', { state: 'running', now: 0 });
    t.same(s.setTrialParams('a', 0, { x: 1.5, c: 'b' }).params, { x: 1.5, c: 'b' });
    t.throws(() => s.setTrialParams('a', 0, { x: 2 }), /already has parameters/);
    s.createTrial('a', { state: 'waiting', now: 0 });
    t.throws(() => s.setTrialParams('a', 1, { x: 2 }), /waiting, not running/);
    s.close();
  });

  t.test('attributes merge and survive as JSON', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    s.createTrial('a', { state: 'running', now: 0 });
    s.setTrialAttrs('a', 0, { a: 1 });
    s.finishTrial('a', 0, { state: 'completed', value: 1, now: 1 });
    t.same(s.setTrialAttrs('a', 0, { b: { c: 'd' } }).attrs, { a: 1, b: { c: 'd' } }, 'allowed after finishing');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    t.throws(() => s.setTrialAttrs('a', 0, cyclic), /JSON/);
    s.close();
  });

  t.test('rule 7: records are frozen snapshots', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    const before = s.createTrial('a', { state: 'running', params: { x: 1 }, now: 0 });
    s.reportIntermediate('a', 0, 0, 1);
    s.finishTrial('a', 0, { state: 'completed', value: 1, now: 1 });
    t.equal(before.state, 'running', 'an old record does not change');
    t.same(before.intermediate, []);
    const after = s.getTrial('a', 0)!;
    t.ok(Object.isFrozen(after) && Object.isFrozen(after.params) && Object.isFrozen(after.intermediate));
    t.ok(Object.isFrozen(after.intermediate[0]));
    t.throws(() => {
      (after.params as Record<string, unknown>).x = 2;
    });
    const list = s.getTrials('a') as unknown[];
    list.pop();
    t.equal(s.getTrials('a').length, 1, 'the list returned is a copy');
    s.close();
  });

  t.test('getTrials filters by state', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    for (let i = 0; i < 4; i++) s.createTrial('a', { state: 'running', now: 0 });
    s.finishTrial('a', 0, { state: 'completed', value: 1, now: 1 });
    s.finishTrial('a', 2, { state: 'failed', now: 1 });
    t.same(s.getTrials('a', ['completed', 'failed']).map((x) => x.number), [0, 2]);
    t.same(s.getTrials('a', ['running']).map((x) => x.number), [1, 3]);
    t.same(s.getTrials('a', []), []);
    s.close();
  });

  t.test('rule 8: trials running in a live process are not interrupted', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    s.createTrial('a', { state: 'running', now: 0 });
    const again = s.openStudy({ name: 'a', direction: 'minimize' }, 1);
    t.same(again.interrupted, []);
    t.equal(s.getTrial('a', 0)?.state, 'running');
    s.close();
  });

  t.test('multi-objective studies: directions and metrics kept, and checked on reopening', async (t) => {
    const s = factory.make();
    const spec = { name: 'm', direction: 'maximize', metric: 'acc', directions: ['maximize', 'minimize'], metrics: ['acc', 'params'] } as const;
    t.same(s.openStudy(spec, 1).study, { ...spec, createdAt: 1 });
    t.same(s.openStudy(spec, 2).study, { ...spec, createdAt: 1 }, 'loaded as created');
    t.throws(() => s.openStudy({ ...spec, directions: ['maximize', 'maximize'] }, 3), { code: 'STORAGE', details: { field: 'directions' } });
    t.throws(() => s.openStudy({ ...spec, metrics: ['acc', 'size'] }, 3), { code: 'STORAGE', details: { field: 'metrics' } });
    t.throws(() => s.openStudy({ name: 'm', direction: 'maximize', metric: 'acc' }, 3), { code: 'STORAGE', details: { field: 'directions' } }, 'not as a single-objective study');
    s.openStudy({ name: 'one', direction: 'minimize' }, 4);
    t.throws(() => s.openStudy({ name: 'one', direction: 'minimize', directions: ['minimize', 'minimize'] }, 5), { code: 'STORAGE', details: { field: 'directions' } });
    t.same(s.listStudies().map((x) => x.directions ?? null), [['maximize', 'minimize'], null]);
    s.close();
  });

  t.test('multi-value trials and constraints: kept in order, exactly, and checked', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'm', direction: 'maximize', directions: ['maximize', 'minimize', 'minimize'] }, 0);
    for (let i = 0; i < 5; i++) s.createTrial('m', { state: 'running', params: { x: i }, now: i });
    const done = s.finishTrial('m', 0, { state: 'completed', values: [0.1 + 0.2, -1e300, 5e-324], constraints: [-0.5, 0, 1e-9], now: 9 });
    t.same(done, { number: 0, state: 'completed', params: { x: 0 }, values: [0.1 + 0.2, -1e300, 5e-324], constraints: [-0.5, 0, 1e-9], intermediate: [], startedAt: 0, finishedAt: 9 });
    t.ok(Object.isFrozen(done.values) && Object.isFrozen(done.constraints), 'the lists are frozen with the record');
    t.same(s.getTrial('m', 0), done);
    const single = s.finishTrial('m', 1, { state: 'completed', value: 2, constraints: [3], now: 9 });
    t.same([single.value, single.values, single.constraints], [2, undefined, [3]], 'a single value may carry constraints too');
    t.throws(() => s.finishTrial('m', 2, { state: 'completed', values: [1, NaN], now: 9 }), { code: 'STORAGE', details: { field: 'values' } });
    t.throws(() => s.finishTrial('m', 2, { state: 'completed', values: [], now: 9 }), { code: 'STORAGE', details: { field: 'values' } });
    t.throws(() => s.finishTrial('m', 2, { state: 'completed', values: [1, 2], constraints: [Infinity], now: 9 }), { code: 'STORAGE', details: { field: 'constraints' } });
    t.equal(s.getTrial('m', 2)?.state, 'running', 'a refused finish changes nothing');
    s.reportIntermediate('m', 3, 0, 0.5);
    t.same(s.finishTrial('m', 3, { state: 'pruned', now: 9 }).values, undefined, 'a pruned trial has no values');
    t.same(s.getTrials('m', ['completed']).map((x) => x.values ?? x.value), [[0.1 + 0.2, -1e300, 5e-324], 2]);
    s.close();
  });

  t.test('a closed storage refuses work', async (t) => {
    const s = factory.make();
    s.openStudy({ name: 'a', direction: 'minimize' }, 0);
    s.close();
    t.throws(() => s.getTrials('a'), /closed/);
  });

  if (factory.reopen) {
    const reopen = factory.reopen;
    t.test('persistence: a reopened storage holds the same records', async (t) => {
      const s = factory.make();
      s.openStudy({ name: 'a', direction: 'maximize', metric: 'val_accuracy' }, 1);
      s.createTrial('a', { state: 'running', params: { lr: 1e-3, opt: 'sgd' }, now: 2 });
      s.reportIntermediate('a', 0, 0, 0.25, undefined, 2.5);
      s.reportIntermediate('a', 0, 1, 0.1 + 0.2);
      s.finishTrial('a', 0, { state: 'completed', value: 0.1 + 0.2, now: 3 });
      s.createTrial('a', { state: 'waiting', params: { lr: 1 }, attrs: { retryOf: 0 }, now: 4 });
      const before = s.getTrials('a');
      const r = reopen(s);
      t.same(r.listStudies(), [{ name: 'a', direction: 'maximize', metric: 'val_accuracy', createdAt: 1 }]);
      t.same(r.getTrials('a'), before, 'numbers round-trip exactly');
      t.equal(r.getTrials('a')[0]?.value, 0.1 + 0.2);
      t.same(r.getTrials('a')[0]?.stepTimes, [[0, 2.5]], 'step times too');
      t.equal(r.createTrial('a', { state: 'running', now: 5 }).number, 2, 'numbering continues');
      r.close();
      s.close();
    });

    t.test('persistence: multi-objective studies and their trials', async (t) => {
      const s = factory.make();
      const spec = { name: 'm', direction: 'minimize', directions: ['minimize', 'maximize'], metrics: ['loss', 'acc'], metric: 'loss' } as const;
      s.openStudy(spec, 1);
      s.createTrial('m', { state: 'running', params: { lr: 0.1 }, now: 2 });
      s.finishTrial('m', 0, { state: 'completed', values: [0.1 + 0.2, 0.7], constraints: [-1, 0.25], now: 3 });
      const before = s.getTrials('m');
      const r = reopen(s);
      t.same(r.listStudies(), [{ ...spec, createdAt: 1 }]);
      t.same(r.getTrials('m'), before);
      t.same(r.openStudy(spec, 9).study, { ...spec, createdAt: 1 });
      r.close();
      s.close();
    });
  }
}
