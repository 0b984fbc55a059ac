// Populations and PBT reach the monitor as typed plain-data events: an evolve() stream through
// monitorTap becomes `generationStarted` records followed by each member's trial events (without
// running anything twice); pbt()'s events go as they are.
import t, { type Test } from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, Subject, toArray } from 'rxjs';
import { evolve } from '../../lib/evolve/evolve.js';
import type { Population } from '../../lib/evolve/types.js';
import { generationStarted, isPopulation } from '../../lib/monitor/population-events.js';
import type { GenerationStarted } from '../../lib/monitor/protocol.js';
import type { MonitorSink } from '../../lib/monitor/start-monitor.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { toyMember, toySpace } from '../../lib/pbt/toy.js';
import { space, uniform } from '../../lib/search/space.js';
import { monitorTap } from '../../operators/monitor-tap.js';

type Sent = { run: string; event: { readonly type: string; readonly [k: string]: unknown } };

function fakeMonitor(): MonitorSink & { sent: Sent[] } {
  const sent: Sent[] = [];
  return { sent, publish: (run, event) => sent.push({ run, event: event as Sent['event'] }), newRun: () => 'run-1' };
}

t.test('an evolve() stream: a generationStarted record per population, then its members\' trial events', async (t) => {
  const monitor = fakeMonitor();
  let runs = 0;
  const objective = (trial: { params: { x: number; y: number } }): number => {
    runs++;
    return (trial.params.x - 1) ** 2 + trial.params.y ** 2;
  };
  const populations = await lastValueFrom(
    evolve(space({ x: uniform(-5, 5), y: uniform(-5, 5) }), objective, { populationSize: 5, generations: 4, elitism: 1, seed: 3 }).pipe(monitorTap(monitor, { run: 'evo' }), toArray()),
  );
  t.equal(populations.length, 4, 'the populations pass on');
  t.ok(populations.every(isPopulation), 'unchanged: still populations');
  t.equal(runs, 5 + 3 * 4, 'each member ran once (elites are not rerun; watching does not rerun)');
  t.ok(monitor.sent.every((s) => s.run === 'evo'));
  const gens = monitor.sent.filter((s) => s.event.type === 'generationStarted').map((s) => s.event as unknown as GenerationStarted);
  t.same(gens.map((g) => g.generation), [0, 1, 2, 3]);
  gens.forEach((g, i) => {
    const p = populations[i]!;
    t.same(g.members, p.members.map((m) => ({ index: m.index, trial: m.trial, params: m.params, origin: m.origin, parents: m.parents })), `generation ${i}: its members as plain data`);
    t.same(JSON.parse(JSON.stringify(g)), g, 'nothing lost in JSON');
  });
  t.notOk(gens[0]!.best, 'no best before the first generation ended');
  t.type(gens[1]!.best?.value, 'number', 'later generations carry the best so far');
  // Each generation's record comes before its members' ends, and every member ends.
  for (const g of gens) {
    const at = monitor.sent.findIndex((s) => s.event === (g as unknown));
    for (const m of g.members) {
      const end = monitor.sent.findIndex((s, i) => i > at && s.event.type === 'trialCompleted' && s.event.trial === m.trial);
      t.ok(end > at, `generation ${g.generation}: trial ${m.trial} ends after the record`);
    }
  }
  t.same(monitor.sent.at(-1)?.event, { type: 'runEnd', state: 'completed' });
});

t.test('unsubscribing from a tapped evolve() stream stops watching its members', (t) => {
  const monitor = fakeMonitor();
  const member = new Subject<{ readonly type: string }>();
  const source = new Subject<Population>();
  const sub = source.pipe(monitorTap(monitor, { run: 'evo' })).subscribe();
  source.next({ generation: 0, members: [{ index: 0, trial: 0, params: { x: 1 }, origin: 'random', parents: [], events: member as never }], direction: 'minimize' });
  member.next({ type: 'trialStarted' });
  sub.unsubscribe();
  member.next({ type: 'epochEnd' });
  t.same(monitor.sent.map((s) => s.event.type), ['generationStarted', 'trialStarted', 'runEnd']);
  t.equal(member.observed, false, 'no subscription left on the member');
  t.end();
});

t.test('isPopulation tells populations from events', (t) => {
  t.ok(isPopulation({ generation: 0, members: [], direction: 'minimize' }));
  t.notOk(isPopulation({ type: 'epochEnd', generation: 0, members: [] }));
  t.notOk(isPopulation(null));
  t.notOk(isPopulation({ generation: '0', members: [] }));
  t.same(generationStarted({ generation: 2, members: [], best: { trial: 1, value: 0.5, params: { x: 1 } }, direction: 'maximize', metric: 'val_accuracy' }), { type: 'generationStarted', generation: 2, members: [], best: { trial: 1, value: 0.5, params: { x: 1 } }, direction: 'maximize', metric: 'val_accuracy' });
  t.end();
});

t.test("pbt()'s events reach the monitor as they are: exploits, explores, the schedules", async (t) => {
  const before = tf.memory().numTensors;
  const monitor = fakeMonitor();
  const events = await lastValueFrom(
    pbt(toySpace, () => toyMember({ lr: 0.02 }), { populationSize: 4, epochs: 24, readyEvery: 4, metric: 'Q', direction: 'maximize', exploit: { quantile: 0.25 }, seed: 1 }).pipe(
      monitorTap(monitor, { run: 'pbt' }),
      toArray(),
    ),
  );
  t.same(monitor.sent.slice(0, -1).map((s) => s.event), events, 'every event, the same objects, in order');
  const exploits = events.filter((e) => e.type === 'exploit');
  t.ok(exploits.length > 0, `${exploits.length} exploits`);
  t.ok(events.some((e) => e.type === 'pbtCompleted'));
  t.same(JSON.parse(JSON.stringify(monitor.sent.map((s) => s.event))), monitor.sent.map((s) => s.event), 'plain data: nothing lost in JSON');
  t.equal(tf.memory().numTensors, before, 'no tensors left');
});

/** The newBest records sent, checked as a run of improvements by `direction`. */
function checkImprovements(t: Test, news: Sent['event'][], direction: 'minimize' | 'maximize', best: number): void {
  t.ok(news.length > 0, `${news.length} newBest records`);
  t.equal(news[0]?.previous, undefined, 'the first has nothing to beat');
  news.forEach((e, i) => {
    t.equal(e.direction, direction, 'each says which way is better');
    if (i > 0) {
      t.equal(e.previous, news[i - 1]!.value, 'each names the value it beat');
      t.ok(direction === 'maximize' ? (e.value as number) > (e.previous as number) : (e.value as number) < (e.previous as number), `${e.value} improves on ${e.previous}`);
    }
  });
  t.equal(news.at(-1)?.value, best, 'the last is the best');
}

t.test('a maximising evolve() run: its direction travels, and newBest comes for the first member and each improvement', async (t) => {
  const monitor = fakeMonitor();
  const f = (p: { x: number; y: number }): number => -((p.x - 1) ** 2) - p.y ** 2;
  const populations = await lastValueFrom(
    evolve(space({ x: uniform(-5, 5), y: uniform(-5, 5) }), (trial) => f(trial.params), { populationSize: 6, generations: 4, elitism: 1, seed: 3, direction: 'maximize' }).pipe(monitorTap(monitor, { run: 'evo' }), toArray()),
  );
  const gens = monitor.sent.filter((s) => s.event.type === 'generationStarted');
  t.ok(gens.every((g) => g.event.direction === 'maximize'), 'every generation says higher is better, generation 0 too');
  const best = Math.max(...populations.flatMap((p) => p.members.map((m) => f(m.params))));
  const news = monitor.sent.filter((s) => s.event.type === 'newBest').map((s) => s.event);
  checkImprovements(t, news, 'maximize', best);
  const firstEnd = monitor.sent.findIndex((s) => s.event.type === 'trialCompleted');
  t.equal(monitor.sent[firstEnd + 1]?.event.type, 'newBest', 'right after the first completed member');
});

t.test('pbt(): pbtStarted carries the metric and direction; newBest at each ready time that improves', async (t) => {
  const monitor = fakeMonitor();
  const events = await lastValueFrom(
    pbt(toySpace, () => toyMember({ lr: 0.02 }), { populationSize: 4, epochs: 24, readyEvery: 4, metric: 'Q', direction: 'maximize', seed: 1 }).pipe(monitorTap(monitor, { run: 'pbt' }), toArray()),
  );
  t.match(events[0], { type: 'pbtStarted', metric: 'Q', direction: 'maximize' });
  const readies = events.filter((e) => e.type === 'ready');
  const best = Math.max(...readies.map((r) => (r.type === 'ready' ? r.ranking[0]!.value : -Infinity)));
  const news = events.filter((e) => e.type === 'newBest') as unknown as Sent['event'][];
  checkImprovements(t, news, 'maximize', best);
  t.ok(news.every((e) => typeof e.member === 'number' && e.metric === 'Q'), 'each names its member and the metric');
});

t.test('monitorTap({objective}): a plain run says what it is judged by, before its events', async (t) => {
  const monitor = fakeMonitor();
  new Subject<{ type: string }>().pipe(monitorTap(monitor, { run: 'a', objective: { metric: 'val_accuracy' } })).subscribe().unsubscribe();
  t.same(monitor.sent[0], { run: 'a', event: { type: 'runObjective', metric: 'val_accuracy', direction: 'maximize' } }, 'an accuracy is maximised by default');
  const loss = fakeMonitor();
  const sub = new Subject<{ type: string }>().pipe(monitorTap(loss, { run: 'b', objective: { metric: 'val_loss' } })).subscribe();
  sub.unsubscribe();
  t.match(loss.sent[0]?.event, { type: 'runObjective', metric: 'val_loss', direction: 'minimize' });
  t.throws(() => monitorTap(loss, { objective: { metric: 'val_loss', direction: 'up' } } as never), { code: 'INVALID_CONFIG', message: /objective\.direction/ });
  t.throws(() => monitorTap(loss, { objective: { metric: 'val_loss', mode: 'max' } } as never), { code: 'INVALID_CONFIG', message: /objective\.mode/ });
});
