// The Web Worker's side of webWorkerObjective, in Node with a scope in place of the worker's global:
// a trial's events go out as messages, then its end; a stop unsubscribes its stream; a failing stream
// or objective is an error message with its code. The page's side in Chromium: test/browser/demo.test.ts.
import t from 'tap';
import { Observable, Subject, interval, map, of, throwError } from 'rxjs';
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

t.test('in Node: no Web Workers, no IndexedDB, and each says so', async (t) => {
  t.throws(() => webWorkerObjective({ url: '/w.js' }), { code: 'INVALID_CONFIG', message: /no Web Workers \(in Node, use workerPool and workerObjective\)/ });
  t.throws(() => webWorkerObjective({ url: '/w.js', workers: 0 }), { code: 'INVALID_CONFIG', message: /workers/ });
  await t.rejects(indexedDbStorage('x'), { code: 'STORAGE', message: /no IndexedDB/ });
});
