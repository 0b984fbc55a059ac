import t from 'tap';
import { lastValueFrom, of, toArray } from 'rxjs';
import { manualClock } from '../../lib/clock.js';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import { study } from '../../lib/study/study.js';
import type { StudyEvent } from '../../lib/study/study-events.js';
import { epochEnd, stepSampler, thresholdPruner, xSpace } from './helpers.js';

const multiSampler = () => Object.assign(stepSampler(), { multiObjective: true });
const base = () => ({
  name: 'mo',
  directions: ['maximize', 'minimize'] as const,
  space: xSpace,
  sampler: multiSampler(),
  clock: manualClock(),
});
const codeAndField = (code: string, field: string) => ({ name: 'RxtrainError', code, details: { field } });

t.test('config errors name the field', async (t) => {
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ direction: 'minimize', directions: ['minimize', 'maximize'] }, 'directions'],
    [{ directions: [] }, 'directions'],
    [{ directions: ['minimize', 'up'] }, 'directions[1]'],
    [{ directions: 'minimize' }, 'directions'],
    [{ directions: ['minimize', 'maximize'], metrics: ['a'] }, 'metrics'],
    [{ directions: ['minimize', 'maximize'], metric: 'a' }, 'metric'],
    [{ directions: ['minimize', 'maximize'], metrics: ['a', 'b'], metric: 'a' }, 'metrics'],
    [{ directions: ['minimize', 'maximize'], metrics: ['a', 'a'] }, 'metrics'],
    [{ directions: ['minimize', 'maximize'], pruner: thresholdPruner(1) }, 'pruner'],
    [{ directions: ['minimize', 'maximize'], sampler: stepSampler() }, 'sampler'],
    [{ directions: ['minimize', 'maximize'], constraints: [1] }, 'constraints'],
  ];
  for (const [patch, field] of bad) {
    const { directions: _d, ...rest } = base();
    t.throws(() => study({ ...rest, ...patch } as never), codeAndField('INVALID_CONFIG', field), `${JSON.stringify(Object.keys(patch))} → ${field}`);
  }
  t.throws(() => study({ ...base(), pruner: thresholdPruner(1) }), /not supported in a multi-objective study/);
  const one = study({ name: 'one', directions: ['maximize'], metrics: ['acc'], space: xSpace, sampler: stepSampler() });
  t.equal(one.direction, 'maximize', 'directions of length 1 is a single-objective study');
  t.equal(one.metric, 'acc');
  t.same(one.directions, ['maximize']);
});

t.test('tell, values, Pareto front and best()', async (t) => {
  const s = study(base());
  t.same(s.directions, ['maximize', 'minimize']);
  t.equal(s.direction, 'maximize', 'direction is the first objective');
  const results: Array<[number, number]> = [[0.9, 100], [0.8, 50], [0.7, 80], [0.95, 200], [0.8, 50], [0.6, 10]];
  for (const r of results) s.tell(s.ask(), r);
  const rec = s.trials()[0]!;
  t.same(rec.values, [0.9, 100]);
  t.equal(rec.value, undefined, 'a multi-objective record has values, no value');
  // (0.7, 80) is dominated by (0.8, 50); the two (0.8, 50) tie and both stay.
  t.same(s.paretoFront().map((x) => x.number), [0, 1, 3, 4, 5]);
  t.throws(() => s.best(), { code: 'INVALID_CONFIG', message: /paretoFront\(\)/ });
  t.throws(() => s.tell(s.ask(), 0.5), codeAndField('INVALID_CONFIG', 'result'), 'one number for two objectives');
  t.throws(() => s.tell(s.ask(), [1, 2, 3]), codeAndField('INVALID_CONFIG', 'result'));
  const nan = s.tell(s.ask(), [NaN, 1]);
  t.equal(nan.state, 'failed');
  t.match(nan.error, /returned \[NaN, 1\]/);
  // Reopening with other objectives is refused by the storage, naming the field.
  t.throws(() => study({ ...base(), storage: s.storage, directions: ['maximize', 'maximize'] }), codeAndField('STORAGE', 'directions'));
  t.throws(() => study({ ...base(), storage: s.storage, directions: undefined, direction: 'maximize' } as never), codeAndField('STORAGE', 'directions'));
  t.equal(study({ ...base(), storage: s.storage }).trials().length, s.trials().length, 'reopened with the same objectives');
});

t.test('a single-objective front is its best trials', async (t) => {
  const s = study({ name: 'so', direction: 'minimize', space: xSpace, sampler: stepSampler() });
  for (const v of [3, 1, 2, 1]) s.tell(s.ask(), v);
  t.same(s.paretoFront().map((x) => x.number), [1, 3]);
  t.equal(s.best()?.number, 1);
  t.equal(s.tell(s.ask(), [5]).value, 5, 'an array of one value is a single objective value');
});

t.test('optimize: array results, front events, summary', async (t) => {
  const s = study(base());
  const values: Array<[number, number]> = [[1, 5], [2, 6], [0, 9], [3, 8], [1, 1]];
  const events = await lastValueFrom(s.optimize((trial) => values[trial.number]!, { trials: 5 }).pipe(toArray()));
  const started = events.find((e) => e.type === 'trialStarted')!;
  t.match(started, { direction: 'maximize', directions: ['maximize', 'minimize'] });
  const done = events.filter((e) => e.type === 'trialCompleted');
  t.same(done.map((e) => e.values), values, 'trialCompleted carries every value');
  t.same(done.map((e) => e.value), values.map((v) => v[0]), 'and value is the first objective');
  t.notOk(events.some((e) => e.type === 'newBest'), 'no newBest in a multi-objective study');
  const fronts = events.filter((e) => e.type === 'paretoFrontChanged');
  // Trial 2 (0, 9) is dominated by trial 0 (1, 5); trial 4 (1, 1) dominates trial 0.
  t.same(fronts.map((e) => [e.trial, e.front]), [[0, [0]], [1, [0, 1]], [3, [0, 1, 3]], [4, [1, 3, 4]]]);
  const last = events[events.length - 1] as Extract<StudyEvent, { type: 'studyCompleted' }>;
  t.same(last.paretoFront, [1, 3, 4]);
  t.equal(last.best, undefined);
  t.equal(last.completed, 5);
  t.same(s.paretoFront().map((x) => x.number), [1, 3, 4]);
});

t.test('optimize: a training stream gives every metric; a missing one ends the study', async (t) => {
  const s = study({ ...base(), metrics: ['acc', 'params'] });
  const events = await lastValueFrom(
    s.optimize(() => of(epochEnd(0, { acc: 0.5, params: 10 }), epochEnd(1, { acc: 0.7, params: 10 })), { trials: 1 }).pipe(toArray()),
  );
  const epochs = events.filter((e) => e.type === 'epochEnd');
  t.same(epochs.map((e) => e.values), [[0.5, 10], [0.7, 10]]);
  t.same(epochs.map((e) => e.value), [0.5, 0.7], 'value is the first metric');
  t.same(s.trials()[0]!.values, [0.7, 10], 'the last epoch’s values');
  t.same(s.trials()[0]!.intermediate, [[0, 0.5], [1, 0.7]], 'the first metric is reported');

  const s2 = study({ ...base(), name: 'mo2', storage: s.storage, metrics: ['acc', 'params'] });
  await t.rejects(lastValueFrom(s2.optimize(() => of(epochEnd(0, { acc: 0.5 })), { trials: 3 })), codeAndField('INVALID_CONFIG', 'metrics'));
  t.equal(s2.trials().length, 1, 'a configuration error ends the study at its first trial');
});

t.test('optimize: an objective that returns the wrong number of values ends the study', async (t) => {
  const s = study(base());
  await t.rejects(lastValueFrom(s.optimize(() => 1, { trials: 3 })), codeAndField('INVALID_CONFIG', 'directions'));
  const one = study({ name: 'one', direction: 'minimize', space: xSpace, sampler: stepSampler() });
  await t.rejects(lastValueFrom(one.optimize(() => [1, 2], { trials: 3 })), codeAndField('INVALID_CONFIG', 'directions'));
});

t.test('constraints: stored, reported, and only feasible trials are best or on the front', async (t) => {
  const seen: number[] = [];
  const s = study({
    name: 'c',
    direction: 'minimize',
    space: xSpace,
    sampler: stepSampler(),
    clock: manualClock(),
    constraints: (trial) => {
      seen.push(trial.number);
      t.equal(trial.state, 'completed', 'the function sees the completed record');
      return [(trial.params.x as number) + 3]; // feasible when x ≤ -3
    },
  });
  const events = await lastValueFrom(s.optimize((trial) => (trial.params.x as number) ** 2, { trials: 4 }).pipe(toArray()));
  // x = -5, -4, -3, -2: values 25, 16, 9, 4; the last is infeasible.
  t.same(seen, [0, 1, 2, 3]);
  t.same(s.trials().map((x) => x.constraints), [[-2], [-1], [0], [1]]);
  t.same(events.filter((e) => e.type === 'trialCompleted').map((e) => e.feasible), [true, true, true, false]);
  t.same(events.filter((e) => e.type === 'newBest').map((e) => e.trial), [0, 1, 2], 'no newBest for the infeasible trial');
  t.equal(s.best()?.number, 2, 'best is the best feasible trial, not the lowest value');
  t.same(s.paretoFront().map((x) => x.number), [2]);

  const m = study({ ...base(), name: 'mc', storage: memoryStorage(), constraints: (trial) => [trial.values![1]! - 4] });
  for (const v of [[1, 5], [0.5, 3], [0.2, 1]]) m.tell(m.ask(), v);
  t.same(m.paretoFront().map((x) => x.number), [1, 2], 'the infeasible trial 0 is left off the front though nothing dominates it');

  const broken = study({ name: 'b', direction: 'minimize', space: xSpace, sampler: stepSampler(), constraints: () => [NaN] });
  const r = broken.tell(broken.ask(), 1);
  t.equal(r.state, 'failed');
  t.match(r.error, /constraints failed: .*finite numbers/);
});

t.test('random and NSGA-II samplers run a constrained multi-objective study end to end', async (t) => {
  const { nsga2Sampler } = await import('../../lib/search/samplers/nsga2-sampler.js');
  const { randomSampler } = await import('../../lib/search/samplers/random-sampler.js');
  const { space, uniform } = await import('../../lib/search/space.js');
  const s2 = space({ x: uniform(0, 1), y: uniform(0, 1) });
  for (const sampler of [randomSampler({ seed: 1 }), nsga2Sampler({ seed: 1, populationSize: 8 })]) {
    const s = study({
      name: sampler.name,
      directions: ['minimize', 'minimize'],
      space: s2,
      sampler,
      constraints: (trial) => [0.2 - (trial.params.x as number)],
    });
    const events = await lastValueFrom(s.optimize((trial) => [trial.params.x as number, 1 - Math.sqrt(trial.params.x as number) + (trial.params.y as number)], { trials: 40 }).pipe(toArray()));
    const front = s.paretoFront();
    t.ok(front.length > 0, `${sampler.name}: a front`);
    t.ok(front.every((x) => (x.params.x as number) >= 0.2), `${sampler.name}: only feasible trials on the front`);
    const last = events[events.length - 1] as Extract<StudyEvent, { type: 'studyCompleted' }>;
    t.same(last.paretoFront, front.map((x) => x.number), `${sampler.name}: the run's front is the study's`);
    t.ok(events.some((e) => e.type === 'trialCompleted' && e.feasible === false), `${sampler.name}: infeasible trials reported`);
  }
});

t.test("'params' is a ready metric: the stream's trainableParams", async (t) => {
  const s = study({ ...base(), name: 'size', metrics: ['acc', 'params'] });
  const run = { type: 'runStart', backend: 'cpu', trainableParams: 1234, time: 0 } as const;
  const events = await lastValueFrom(s.optimize(() => of(run, epochEnd(0, { acc: 0.5 }), epochEnd(1, { acc: 0.6 })), { trials: 1 }).pipe(toArray()));
  t.same(s.trials()[0]!.values, [0.6, 1234]);
  t.same(events.filter((e) => e.type === 'epochEnd').map((e) => (e.metrics as Record<string, number>).params), [1234, 1234], 'shown with the epoch’s metrics');
  const plain = study({ name: 'plain', direction: 'maximize', metric: 'acc', space: xSpace, sampler: stepSampler() });
  const evs = await lastValueFrom(plain.optimize(() => of(run, epochEnd(0, { acc: 0.5 })), { trials: 1 }).pipe(toArray()));
  t.notOk(evs.some((e) => e.type === 'epochEnd' && 'params' in e.metrics), 'added only when the study asks for it');
});

t.test('samplers that wrap or ignore values serve a multi-objective study; addTrials brings values', async (t) => {
  const { nsga2Sampler } = await import('../../lib/search/samplers/nsga2-sampler.js');
  const { qmcSampler } = await import('../../lib/search/samplers/qmc-sampler.js');
  const { partialFixedSampler } = await import('../../lib/search/samplers/partial-fixed-sampler.js');
  const { tpeSampler } = await import('../../lib/search/samplers/tpe-sampler.js');
  const { space, uniform } = await import('../../lib/search/space.js');
  const sp = space({ x: uniform(0, 1), y: uniform(0, 1) });
  const mk = (name: string, sampler: never) => study({ name, directions: ['minimize', 'maximize'], space: sp, sampler });
  t.ok(mk('q', qmcSampler({ seed: 1 }) as never));
  t.ok(mk('p', partialFixedSampler({ sampler: nsga2Sampler({ seed: 1 }), fixed: { x: 0.5 } }) as never));
  t.throws(() => mk('t', partialFixedSampler({ sampler: tpeSampler({ seed: 1 }), fixed: { x: 0.5 } }) as never), { code: 'INVALID_CONFIG', details: { field: 'sampler' } });

  const from = mk('from', nsga2Sampler({ seed: 1 }) as never);
  for (const v of [[1, 2], [2, 3]]) from.tell(from.ask(), v);
  const to = mk('to', nsga2Sampler({ seed: 2 }) as never);
  const added = to.addTrials(from.trials());
  t.same(added.map((x) => x.values), [[1, 2], [2, 3]]);
  t.same(to.paretoFront().map((x) => x.values), [[1, 2], [2, 3]]);
  const single = study({ name: 'single', direction: 'minimize', space: sp, sampler: nsga2Sampler({ seed: 3 }) });
  t.throws(() => to.addTrials(single.addTrials([{ number: 0, state: 'completed', params: { x: 0.1, y: 0.2 }, value: 1, intermediate: [] }])), {
    code: 'INVALID_CONFIG',
    message: /its values are undefined, not 2 finite numbers/,
  });
});
