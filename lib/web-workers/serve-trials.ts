/**
 * The Web Worker's side of {@link webWorkerObjective}: run each trial the page sends with `run`, and
 * send its events back as plain messages. The pruning decision stays with the page's study, which
 * stops a trial by unsubscribing: the worker then unsubscribes the trial's stream. A pause from the
 * page sets the trial's `paused` flag, which the trial's `holdWhile` gate reads at its epoch boundaries.
 */
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { acknowledgedPause } from '../acknowledged-pause.js';
import type { Params } from '../search/types.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { WorkerTrialControl, WorkerTrialInput } from './trial-input.js';

/** The part of a worker's global scope used here. */
interface WorkerScope {
  onmessage: ((e: { readonly data: ToWorker }) => void) | null;
  postMessage(message: FromWorker): void;
}

/** A trial running in this worker. */
interface Running {
  readonly paused: BehaviorSubject<boolean>;
  subscription?: Subscription;
}

/**
 * Serve trials in this Web Worker (call it once, at the top of the worker's module).
 *
 * @example
 * ```ts
 * // trial-worker.ts, bundled for a module worker
 * import { serveTrials, batches, mlp } from 'rxtrain';
 * import { holdWhile, epochs, trainStep, epochEnd } from 'rxtrain/operators';
 * serveTrials(({ params, seed }, { paused }) =>
 *   batches(data, { batchSize: 64, seed }).pipe(holdWhile(paused), epochs(10), trainStep(model, { optimizer }), epochEnd({ model, validation })));
 * ```
 * @param run The objective: the trial's training stream (its `epochEnd` events go to the study), given
 *   the trial's data and its control (`paused`, for `holdWhile`).
 * @param scope The worker's global scope (default: `globalThis`).
 */
export function serveTrials<P extends Params = Params>(
  run: (input: WorkerTrialInput<P>, control: WorkerTrialControl) => Observable<{ readonly type: string }>,
  scope: WorkerScope = globalThis as object as WorkerScope,
): void {
  const running = new Map<number, Running>();
  const post = (m: FromWorker): void => scope.postMessage(m);
  const end = (id: number): void => {
    running.get(id)?.paused.complete();
    running.delete(id);
  };
  scope.onmessage = ({ data }) => {
    if (data.type === 'stop') {
      running.get(data.id)?.subscription?.unsubscribe();
      end(data.id);
      return;
    }
    if (data.type === 'pause') {
      running.get(data.id)?.paused.next(data.paused);
      return;
    }
    const { id, input } = data;
    const trial: Running = { paused: new BehaviorSubject(data.paused === true) };
    running.set(id, trial);
    const paused = acknowledgedPause(trial.paused, (held) => post({ type: held ? 'held' : 'released', id }));
    const fail = (err: unknown): void => {
      end(id);
      const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? { code: err.code } : {};
      post({ type: 'error', id, message: err instanceof Error ? err.message : String(err), ...code });
    };
    try {
      const sub = run(input as WorkerTrialInput<P>, { paused }).subscribe({
        next: (event) => post({ type: 'event', id, event }),
        error: fail,
        complete: () => {
          end(id);
          post({ type: 'complete', id });
        },
      });
      if (running.get(id) === trial) trial.subscription = sub;
    } catch (err) {
      fail(err);
    }
  };
}
