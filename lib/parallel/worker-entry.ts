/**
 * The code each worker thread runs: one tfjs engine and backend per thread, one task at a time. A task
 * names a module and an export; the export is called with the task's input and may return a value, a
 * Promise, or an Observable whose events are streamed back. A `cancel` unsubscribes the task's stream,
 * which stops training at the next step boundary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isObservable, type Subscription } from 'rxjs';
import { useBackend, type BackendName } from '../backend/use-backend.js';
import { loadFunction } from '../thread/load-module.js';
import { toWire } from '../thread/wire-error.js';
import type { FromWorker, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker-entry.ts must run in a worker thread');
const post = (m: FromWorker): void => port.postMessage(m);
const data = workerData as { backend: BackendName | 'auto' };

const running = new Map<number, Subscription | 'promise'>();

async function run(id: number, module: string, exportName: string, input: unknown): Promise<void> {
  try {
    const fn = await loadFunction<(input: unknown) => unknown>('worker:', module, exportName);
    const out: unknown = await fn(input);
    if (!running.has(id)) return; // cancelled while loading
    if (isObservable(out)) {
      let finished = false;
      const sub = out.subscribe({
        next: (event) => post({ type: 'event', id, event }),
        error: (err: unknown) => {
          finished = true;
          running.delete(id);
          post({ type: 'error', id, error: toWire(err) });
        },
        complete: () => {
          finished = true;
          running.delete(id);
          post({ type: 'done', id });
        },
      });
      if (!finished) running.set(id, sub);
      return;
    }
    running.delete(id);
    post({ type: 'result', id, value: out });
    post({ type: 'done', id });
  } catch (err) {
    running.delete(id);
    post({ type: 'error', id, error: toWire(err) });
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'run') {
    running.set(m.id, 'promise');
    void run(m.id, m.module, m.exportName, m.input);
  } else if (m.type === 'cancel') {
    const r = running.get(m.id);
    running.delete(m.id);
    if (r && r !== 'promise') r.unsubscribe();
    post({ type: 'done', id: m.id });
  }
});

try {
  const info = await useBackend(data.backend);
  post({ type: 'ready', backend: info.name });
} catch (err) {
  post({ type: 'fatal', error: toWire(err) });
}
