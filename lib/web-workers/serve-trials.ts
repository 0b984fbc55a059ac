/**
 * The Web Worker's side of {@link webWorkerObjective}: run each trial the page sends with `run`, and
 * send its events back as plain messages. The pruning decision stays with the page's study, which
 * stops a trial by unsubscribing: the worker then unsubscribes the trial's stream.
 */
import type { Observable, Subscription } from 'rxjs';
import type { Params } from '../search/types.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { WorkerTrialInput } from './trial-input.js';

/** The part of a worker's global scope used here. */
interface WorkerScope {
  onmessage: ((e: { readonly data: ToWorker }) => void) | null;
  postMessage(message: FromWorker): void;
}

/**
 * Serve trials in this Web Worker (call it once, at the top of the worker's module).
 *
 * @example
 * ```ts
 * // trial-worker.ts, bundled for a module worker
 * import { serveTrials, train, mlp } from 'rxtrain';
 * serveTrials(({ params, seed }) => train(mlp({ inputShape: [64], units: [params.units], classes: 10, seed }), data, { epochs: 10, validation }));
 * ```
 * @param run The objective: the trial's training stream (its `epochEnd` events go to the study).
 * @param scope The worker's global scope (default: `globalThis`).
 */
export function serveTrials<P extends Params = Params>(
  run: (input: WorkerTrialInput<P>) => Observable<{ readonly type: string }>,
  scope: WorkerScope = globalThis as object as WorkerScope,
): void {
  const running = new Map<number, Subscription>();
  const post = (m: FromWorker): void => scope.postMessage(m);
  scope.onmessage = ({ data }) => {
    if (data.type === 'stop') {
      running.get(data.id)?.unsubscribe();
      running.delete(data.id);
      return;
    }
    const { id, input } = data;
    const fail = (err: unknown): void => {
      running.delete(id);
      const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? { code: err.code } : {};
      post({ type: 'error', id, message: err instanceof Error ? err.message : String(err), ...code });
    };
    try {
      const sub = run(input as WorkerTrialInput<P>).subscribe({
        next: (event) => post({ type: 'event', id, event }),
        error: fail,
        complete: () => {
          running.delete(id);
          post({ type: 'complete', id });
        },
      });
      if (!sub.closed) running.set(id, sub);
    } catch (err) {
      fail(err);
    }
  };
}
