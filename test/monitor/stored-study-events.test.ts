// A stored study as the monitor's events: each record seen once, each step once, the end once, and
// newBest only for a completed trial that beats the best so far; an evolve study's generations too.
import t from 'tap';
import { storedStudyEvents } from '../../lib/monitor/stored-study-events.js';
import type { FrozenTrial } from '../../lib/search/types.js';
import type { StudyRecord } from '../../lib/storage/storage.js';

const study: StudyRecord = { name: 's', direction: 'minimize', metric: 'loss', createdAt: 0 };
const trial = (over: Partial<FrozenTrial> & { number: number }): FrozenTrial => ({ state: 'running', params: {}, intermediate: [], startedAt: 100, ...over });

t.test('a trial as it runs: started, each new step, its end; waiting trials are not shown', async (t) => {
  const events = storedStudyEvents(study);
  t.same(events.update([trial({ number: 0, state: 'waiting', params: { x: 1 } })]), [], 'a queued trial is not shown');
  // Created running without parameters (a study samples after creating the trial), then given them.
  t.same(events.update([trial({ number: 0 })]), [{ type: 'trialStarted', trial: 0, params: {}, time: 100, direction: 'minimize', metric: 'loss' }]);
  t.same(events.update([trial({ number: 0, params: { x: 1 } })]), [{ type: 'trialStarted', trial: 0, params: { x: 1 }, time: 100, direction: 'minimize', metric: 'loss' }], 'started again once it has parameters');
  t.same(events.update([trial({ number: 0, params: { x: 1 } })]), [], 'nothing changed: nothing sent');
  const steps: Array<[number, number]> = [[0, 3], [1, 2]];
  t.same(
    events.update([trial({ number: 0, params: { x: 1 }, intermediate: steps })], () => new Map([[1, { loss: 2, accuracy: 0.5 }]])),
    [
      { type: 'epochEnd', trial: 0, epoch: 0, metrics: { loss: 3 }, value: 3 },
      { type: 'epochEnd', trial: 0, epoch: 1, metrics: { loss: 2, accuracy: 0.5 }, value: 2 },
    ],
    'each step once; its metrics where the storage keeps them, else the study metric alone',
  );
  const done = trial({ number: 0, state: 'completed', params: { x: 1 }, intermediate: [...steps, [2, 1]], value: 1, finishedAt: 350 });
  t.same(events.update([done]), [
    { type: 'epochEnd', trial: 0, epoch: 2, metrics: { loss: 1 }, value: 1 },
    { type: 'trialCompleted', trial: 0, value: 1, params: { x: 1 }, durationMs: 250 },
    { type: 'newBest', trial: 0, value: 1, params: { x: 1 }, direction: 'minimize', metric: 'loss' },
  ]);
  t.same(events.update([done]), [], 'a finished trial is not sent again');
  t.same(events.update([{ ...done, attrs: { requeuedAs: 4 } }]), [{ type: 'trialAttrs', trial: 0, attrs: { requeuedAs: 4 } }], 'but attributes set on it later are');
});

t.test('attributes: sent with the trial, and when they change', async (t) => {
  const events = storedStudyEvents(study);
  const out = events.update([trial({ number: 0, params: { x: 1 }, attrs: { note: 'baseline' } })]);
  t.same(out.map((e) => e.type), ['trialStarted', 'trialAttrs']);
  t.match(out[1], { trial: 0, attrs: { note: 'baseline' } });
  t.same(events.update([trial({ number: 0, params: { x: 1 }, attrs: { note: 'baseline' } })]), [], 'unchanged: not sent again');
  t.same(events.update([trial({ number: 0, params: { x: 1 }, attrs: { note: 'baseline', worker: 'host-a' } })]), [{ type: 'trialAttrs', trial: 0, attrs: { note: 'baseline', worker: 'host-a' } }]);
});

t.test('a finished study replayed at once: pruned, failed, and newBest only on improvement, by direction', async (t) => {
  const events = storedStudyEvents({ name: 'm', direction: 'maximize', createdAt: 0 });
  const out = events.update([
    trial({ number: 0, state: 'completed', params: { x: 0 }, value: 0.5, finishedAt: 110 }),
    trial({ number: 1, state: 'pruned', params: { x: 1 }, intermediate: [[0, 0.1]], value: 0.1, finishedAt: 120 }),
    trial({ number: 2, state: 'completed', params: { x: 2 }, value: 0.4, finishedAt: 130 }),
    trial({ number: 3, state: 'failed', params: { x: 3 }, error: 'boom', finishedAt: 140 }),
    trial({ number: 4, state: 'completed', params: { x: 4 }, value: 0.9, finishedAt: 150 }),
    trial({ number: 5, state: 'completed', params: { x: 5 }, value: 0.99, constraints: [0.5], finishedAt: 160 }),
  ]);
  t.same(out.map((e) => `${e.type}${'trial' in e ? ` ${e.trial}` : ''}`), [
    'trialStarted 0', 'trialCompleted 0', 'newBest 0',
    'trialStarted 1', 'epochEnd 1', 'trialPruned 1',
    'trialStarted 2', 'trialCompleted 2',
    'trialStarted 3', 'trialFailed 3',
    'trialStarted 4', 'trialCompleted 4', 'newBest 4',
    'trialStarted 5', 'trialCompleted 5',
  ]);
  t.match(out.find((e) => e.type === 'epochEnd'), { metrics: { value: 0.1 } }, 'a study without a metric names its values "value"');
  t.match(out.find((e) => e.type === 'trialFailed'), { error: 'boom', durationMs: 40 });
  t.match(out.find((e) => e.type === 'newBest' && e.trial === 4), { type: 'newBest', trial: 4, value: 0.9, previous: 0.5, direction: 'maximize' });
  t.notOk(out.some((e) => e.type === 'newBest' && e.trial === 5), 'an infeasible trial (a constraint > 0) is not a best');
});

t.test("an evolve study's members give their generation's generationStarted, again when it gains one", async (t) => {
  const events = storedStudyEvents(study);
  const member = (n: number, g: number, m: number, parents: number[] = []): FrozenTrial =>
    trial({ number: n, params: { x: n }, attrs: { evolve: { generation: g, member: m, origin: parents.length ? 'offspring' : 'random', parents } } });
  const first = events.update([member(0, 0, 0), member(1, 0, 1)]);
  const gens = first.filter((e) => e.type === 'generationStarted');
  t.equal(gens.length, 2, 'one per member added');
  t.match(gens[1], { type: 'generationStarted', generation: 0, direction: 'minimize', metric: 'loss', members: [{ index: 0, trial: 0 }, { index: 1, trial: 1 }] });
  t.same(events.update([member(0, 0, 0), member(1, 0, 1)]).filter((e) => e.type === 'generationStarted'), [], 'known members: nothing');
  const next = events.update([member(0, 0, 0), member(1, 0, 1), member(2, 1, 0, [0, 1])]);
  t.match(next[0], { type: 'generationStarted', generation: 1, members: [{ index: 0, trial: 2, origin: 'offspring', parents: [0, 1] }] });
});

t.test("each step carries its stored time, where the storage has one (a step of an older file has none)", async (t) => {
  const events = storedStudyEvents(study);
  const out = events.update([trial({ number: 0, params: { x: 1 }, intermediate: [[0, 3], [1, 2], [2, 1]], stepTimes: [[1, 1_765_000_000_500], [2, 1_765_000_001_250]] })]);
  t.same(
    out.filter((e) => e.type === 'epochEnd'),
    [
      { type: 'epochEnd', trial: 0, epoch: 0, metrics: { loss: 3 }, value: 3 },
      { type: 'epochEnd', trial: 0, epoch: 1, metrics: { loss: 2 }, value: 2, time: 1_765_000_000_500 },
      { type: 'epochEnd', trial: 0, epoch: 2, metrics: { loss: 1 }, value: 1, time: 1_765_000_001_250 },
    ],
  );
});
