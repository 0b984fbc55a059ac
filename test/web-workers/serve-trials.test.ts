// The Web Worker's side of webWorkerObjective, in Node with a scope in place of the worker's global:
// a trial's events go out as messages, then its end; a stop unsubscribes its stream; a failing stream
// or objective is an error message with its code; a pause holds the trial at its next gate (held), a
// resume lets it go on (released). The page's side (webWorkerObjective's pause flag and its holds) on
// fake Workers that run serveTrials in this process; both in Chromium: test/browser/demo.test.ts.
import t from 'tap';
import { BehaviorSubject, Observable, Subject, filter, firstValueFrom, interval, lastValueFrom, map, of, repeat, take, throwError, toArray } from 'rxjs';
import { randomSampler, study, space, uniform } from '../../lib/core.js';
import { holdWhile } from '../../operators/hold-while.js';
import { serveTrials } from '../../lib/web-workers/serve-trials.js';
import { webWorkerObjective } from '../../lib/web-workers/web-worker-objective.js';
import { indexedDbStorage } from '../../lib/storage/indexeddb-storage.js';
import { RxtrainError } from '../../lib/errors.js';
import type { FromWorker, ToWorker } from '../../lib/web-workers/protocol.js';

function fakeScope() {
  const sent: FromWorker[] = [];
  const scope = { onmessage: null as ((e: { readonly data: ToWorker }) => void) | null, postMessage: (m: FromWorker) => void sent.push(m) };
  return { scope, sent, send: (data: ToWorker) => scope.onmessage!({ data }) };
}
const input = { params: { x: 1 }, number: 0, seed: 7, study: 's' };

t.test('events, then complete; a failure is an error message with its code', async (t) => {
  const { scope, sent, send } = fakeScope();
  serveTrials((i) => (i.number === 0 ? of({ type: 'epochEnd', epoch: 1, seed: i.seed }) : throwError(() => new RxtrainError('NON_FINITE', 'loss is NaN'))), scope);
  send({ type: 'run', id: 1, input });
  send({ type: 'run', id: 2, input: { ...input, number: 1 } });
  t.same(sent, [
    { type: 'event', id: 1, event: { type: 'epochEnd', epoch: 1, seed: 7 } },
    { type: 'complete', id: 1 },
    { type: 'error', id: 2, message: 'loss is NaN', code: 'NON_FINITE' },
  ]);
});

t.test('a stop unsubscribes the trial in the worker', async (t) => {
  const { scope, sent, send } = fakeScope();
  const stopped = new Subject<void>();
  const steps = new Observable<{ type: string }>((sub) => {
    const inner = interval(1).pipe(map((k) => ({ type: 'step', k }))).subscribe(sub);
    return () => {
      inner.unsubscribe();
      stopped.next();
    };
  });
  serveTrials(() => steps, scope);
  send({ type: 'run', id: 5, input });
  const gone = new Promise((resolve) => stopped.subscribe(resolve));
  send({ type: 'stop', id: 5 });
  await gone;
  t.notOk(sent.some((m) => m.type === 'complete'), 'a stopped trial does not complete from the worker: the page ended it');
});

// One "epoch" per tick, behind a holdWhile gate that reads the trial's pause flag before each epoch.
function tickedEpochs(tick: Subject<void>, paused: Observable<boolean>, n: number) {
  let epoch = 0;
  return tick.pipe(take(1), map(() => ({ type: 'epochEnd', epoch: ++epoch })), holdWhile(paused), repeat(n));
}

t.test('a pause holds the trial at its next epoch boundary and says so; a resume lets it finish', async (t) => {
  const { scope, sent, send } = fakeScope();
  const tick = new Subject<void>();
  serveTrials((_, { paused }) => tickedEpochs(tick, paused, 3), scope);
  send({ type: 'run', id: 3, input });
  tick.next();
  send({ type: 'pause', id: 3, paused: true });
  tick.next(); // the epoch under way when the pause came finishes; the gate then holds
  t.same(sent.slice(-2), [{ type: 'event', id: 3, event: { type: 'epochEnd', epoch: 2 } }, { type: 'held', id: 3 }]);
  tick.next();
  tick.next();
  t.equal(sent.filter((m) => m.type === 'event').length, 2, 'held: ticks start no epoch');
  send({ type: 'pause', id: 3, paused: false });
  t.same(sent.at(-1), { type: 'released', id: 3 });
  tick.next();
  t.same(sent.slice(-2), [{ type: 'event', id: 3, event: { type: 'epochEnd', epoch: 3 } }, { type: 'complete', id: 3 }]);
  send({ type: 'pause', id: 3, paused: true });
  t.equal(sent.length, 6, 'a pause for a trial that ended is ignored');
});

t.test('a trial sent paused starts held; stopping it while held releases it', async (t) => {
  const { scope, sent, send } = fakeScope();
  const tick = new Subject<void>();
  serveTrials((_, { paused }) => tickedEpochs(tick, paused, 3), scope);
  send({ type: 'run', id: 4, input, paused: true });
  tick.next();
  t.same(sent, [{ type: 'held', id: 4 }], 'held before its first epoch');
  send({ type: 'stop', id: 4 });
  t.same(sent, [{ type: 'held', id: 4 }, { type: 'released', id: 4 }]);
  tick.next();
  t.equal(sent.length, 2, 'nothing runs after the stop');
});

/** Web Workers in Node, each serving `run`: messages both ways go through the event loop, as structured clones would. */
function fakeWorkers(t: { teardown(fn: () => void): void }, run: Parameters<typeof serveTrials>[0]): void {
  class FakeWorker {
    onmessage: ((e: { data: FromWorker }) => void) | null = null;
    onerror = null;
    readonly scope = { onmessage: null as ((e: { readonly data: ToWorker }) => void) | null, postMessage: (m: FromWorker) => queueMicrotask(() => this.onmessage?.({ data: m })) };
    constructor() {
      serveTrials(run, this.scope);
    }
    postMessage(m: ToWorker) {
      queueMicrotask(() => this.scope.onmessage!({ data: m }));
    }
    terminate() {}
  }
  Reflect.set(globalThis, 'Worker', FakeWorker);
  t.teardown(() => Reflect.deleteProperty(globalThis, 'Worker'));
}

t.test("the page's side: a trial paused before it starts starts held in its worker; resumed, it runs to the end", async (t) => {
  const tick = new Subject<void>();
  const metric = (epoch: number) => ({ type: 'epochEnd', epoch, metrics: { loss: 1 / epoch }, samples: 1, steps: 1, durationMs: 0 });
  fakeWorkers(t, (_, { paused }) => tickedEpochs(tick, paused, 2).pipe(map((e) => metric(e.epoch))));
  const paused = new BehaviorSubject(true);
  const objective = webWorkerObjective({ url: '/w.js', workers: 1, paused: () => paused });
  const holds = objective.holds.pipe(toArray());
  const allHolds = lastValueFrom(holds);
  const s = study({ name: 'w', direction: 'minimize', metric: 'loss', space: space({ x: uniform(0, 1) }), sampler: randomSampler({ seed: 1 }) });
  const events = lastValueFrom(s.optimize(objective, { trials: 1 }).pipe(toArray()));
  t.same(await firstValueFrom(objective.holds), { type: 'held', trial: 0, worker: 'rxtrain-worker-0' }, 'held before its first epoch');
  tick.next();
  paused.next(false);
  await firstValueFrom(objective.holds.pipe(filter((h) => h.type === 'released')));
  tick.next();
  tick.next();
  const ev = await events;
  t.same(ev.filter((e) => e.type === 'epochEnd').map((e) => (e as { epoch: number }).epoch), [1, 2], 'both epochs ran after the resume (the tick while held started none)');
  t.equal(s.trials()[0]!.state, 'completed');
  objective.terminate();
  t.same(await allHolds, [{ type: 'held', trial: 0, worker: 'rxtrain-worker-0' }, { type: 'released', trial: 0, worker: 'rxtrain-worker-0' }]);
});

t.test("a paused option whose flag is not an Observable fails the trial, naming the option and the trial", async (t) => {
  fakeWorkers(t, () => of({ type: 'epochEnd', epoch: 1, metrics: { loss: 1 }, samples: 1, steps: 1, durationMs: 0 }));
  const objective = webWorkerObjective({ url: '/w.js', workers: 1, paused: () => true as never });
  const s = study({ name: 'w', direction: 'minimize', metric: 'loss', space: space({ x: uniform(0, 1) }), sampler: randomSampler({ seed: 1 }) });
  await lastValueFrom(s.optimize(objective, { trials: 1 })).catch(() => undefined);
  const trial = s.trials()[0]!;
  t.equal(trial.state, 'failed');
  t.match(JSON.stringify(trial), /option 'paused' must return an Observable of booleans \(for trial 0\)/);
  objective.terminate();
});

t.test('in Node: no Web Workers, no IndexedDB, and each says so', async (t) => {
  t.throws(() => webWorkerObjective({ url: '/w.js' }), { code: 'INVALID_CONFIG', message: /no Web Workers \(in Node, use workerPool and workerObjective\)/ });
  t.throws(() => webWorkerObjective({ url: '/w.js', workers: 0 }), { code: 'INVALID_CONFIG', message: /workers/ });
  t.throws(() => webWorkerObjective({ url: '/w.js', paused: true as never }), { code: 'INVALID_CONFIG', message: /paused/ });
  await t.rejects(indexedDbStorage('x'), { code: 'STORAGE', message: /no IndexedDB/ });
});
