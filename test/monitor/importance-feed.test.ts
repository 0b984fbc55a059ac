// importanceFeed: when it computes (after minTrials, then as the completed trials grow, and once more
// at studyCompleted), what (each objective's importance, the dominant parameter first), and that a
// bad option is refused when the operator is made.
import t from 'tap';
import { from, lastValueFrom, toArray } from 'rxjs';
import { importanceFeed } from '../../lib/monitor/importance-feed.js';
import { createRandom } from '../../lib/random.js';

const random = createRandom(3);
// x drives the first objective, y the second; z drives neither.
const events = (n: number, directions = ['minimize', 'maximize']) => [
  { type: 'trialStarted', trial: 0, params: {}, time: 0, direction: directions[0], metric: 'f1', directions, metrics: ['f1', 'f2'] },
  ...Array.from({ length: n }, (_, trial) => {
    const params = { x: random.float(), y: random.float(), z: random.float() };
    const values = [params.x ** 2, 3 * params.y];
    return { type: 'trialCompleted', trial, value: values[0], values, params, durationMs: 1 };
  }),
];

t.test('recomputed as the trials grow, each objective explained by its own parameter', async (t) => {
  const out = await lastValueFrom(from([...events(40), { type: 'studyCompleted', reason: 'trials', completed: 40, pruned: 0, failed: 0, durationMs: 1 }]).pipe(importanceFeed({ minTrials: 8, growth: 0.5 }), toArray()));
  // 8, then max(+5, ×1.5): 13, 20, 30; then the end's 40.
  t.same(out.map((e) => e.trials), [8, 13, 20, 30, 40]);
  const last = out[out.length - 1]!;
  t.equal(last.evaluator, 'fanova');
  t.same(last.objectives.map((o) => [o.metric, o.direction, o.importance[0]![0]]), [['f1', 'minimize', 'x'], ['f2', 'maximize', 'y']]);
  for (const o of last.objectives) t.ok(Math.abs(o.importance.reduce((a, [, v]) => a + v, 0) - 1) < 1e-9, 'shares sum to 1');
});

t.test('a single-objective study, past fanovaUpTo: mean decrease in impurity', async (t) => {
  const single = events(12).map((e) => (e.type === 'trialStarted' ? { type: 'trialStarted', trial: 0, params: {}, time: 0, direction: 'minimize', metric: 'f1' } : { ...e, values: undefined }));
  const out = await lastValueFrom(from(single).pipe(importanceFeed({ minTrials: 11, fanovaUpTo: 10 }), toArray()));
  t.same(out.map((e) => e.trials), [11, 12], 'at minTrials, then the last one when the events end');
  t.equal(out[0]!.evaluator, 'meanDecreaseImpurity');
  t.equal(out[0]!.objectives.length, 1);
  t.equal(out[0]!.objectives[0]!.importance[0]![0], 'x');
});

t.test("a trial's completion seen again (an evolve() elite, replayed each generation) counts once", async (t) => {
  const once = events(10);
  const again = once.filter((e) => e.type === 'trialCompleted' && e.trial < 4);
  const out = await lastValueFrom(from([...once, ...again, { type: 'studyCompleted', reason: 'trials', completed: 10, pruned: 0, failed: 0, durationMs: 1 }]).pipe(importanceFeed({ minTrials: 10 }), toArray()));
  t.same(out.map((e) => e.trials), [10], 'ten trials, computed once: the repeats add none');
});

t.test('events that end without a studyCompleted (an evolve() run) still count their last trials', async (t) => {
  const out = await lastValueFrom(from(events(12)).pipe(importanceFeed({ minTrials: 8 }), toArray()));
  t.same(out.map((e) => e.trials), [8, 12], 'at 8, then the last 4 when the events end');
  const few = await lastValueFrom(from(events(5)).pipe(importanceFeed({ minTrials: 8 }), toArray()));
  t.same(few.map((e) => e.trials), [5], 'fewer than minTrials: computed once at the end, as at studyCompleted');
});

t.test('nothing while importance cannot be computed', async (t) => {
  const flat = Array.from({ length: 10 }, (_, trial) => ({ type: 'trialCompleted', trial, value: 1, params: { x: trial }, durationMs: 1 }));
  t.same(await lastValueFrom(from(flat).pipe(importanceFeed({ minTrials: 2 }), toArray())), []);
});

t.test('bad options are refused when the operator is made', async (t) => {
  t.throws(() => importanceFeed({ minTrials: 0 }), { code: 'INVALID_CONFIG', message: /minTrials/ });
  t.throws(() => importanceFeed({ growth: -1 }), { code: 'INVALID_CONFIG', message: /growth/ });
  t.throws(() => importanceFeed({ every: 3 } as never), { code: 'INVALID_CONFIG', message: /every/ });
});
