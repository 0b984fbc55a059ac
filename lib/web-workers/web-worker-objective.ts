/**
 * Trials in Web Workers: the browser's counterpart of `workerPool` + `workerObjective` (Node's worker
 * threads). Each worker is a module worker running {@link serveTrials} with its own tfjs; a study
 * with `concurrency: n` runs n trials at once, each in its own worker. The worker streams plain events
 * back; the study's pruner decides in the page, and a pruned or stopped trial is stopped in its worker.
 */
import { Observable, Subject, type Subscription } from 'rxjs';
import { RxtrainError, configError } from '../errors.js';
import type { Params } from '../search/types.js';
import { trialPruning, type Objective } from '../study/index.js';
import { knownFields, positiveInt, requireObject } from '../validate.js';
import type { FromWorker, ToWorker } from './protocol.js';

export interface WebWorkerObjectiveConfig {
  /** The worker module's URL: a bundle that calls `serveTrials` (module workers have no import map). */
  readonly url: string | URL;
  /** How many workers at most (default 2); match the study's `concurrency`. */
  readonly workers?: number;
  /**
   * A trial's pause flag (e.g. `(n) => monitor.paused('study', n)`, or a page's pause button): sent to
   * the trial's worker, whose `holdWhile(paused)` holds the trial at its next epoch boundary.
   * Default: never paused.
   */
  readonly paused?: (trial: number) => Observable<boolean>;
}

/** A trial in a worker began or stopped being held by its pause gate (what the worker acknowledged). */
export interface WorkerHold {
  readonly type: 'held' | 'released';
  readonly trial: number;
  readonly worker: string;
}

/** An objective that runs trials in Web Workers, and ends them. */
export interface WebWorkerObjective<P extends Params = Params> extends Objective<P> {
  /** Terminate the workers (trials still running fail). */
  terminate(): void;
  /** Each time a paused trial really holds in its worker, and when it is released. */
  readonly holds: Observable<WorkerHold>;
}

/** The part of a browser's Worker used here. */
interface WorkerLike {
  onmessage: ((e: { readonly data: FromWorker }) => void) | null;
  onerror: ((e: { readonly message?: string }) => void) | null;
  postMessage(message: ToWorker): void;
  terminate(): void;
}
type WorkerConstructor = new (url: string | URL, options: { type: 'module'; name: string }) => WorkerLike;

interface Slot {
  readonly worker: WorkerLike;
  readonly name: string;
  /** The trial it runs: its message handler. */
  current?: (m: FromWorker) => void;
}

/**
 * Run a study's trials in Web Workers.
 *
 * @example
 * ```ts
 * import { study, webWorkerObjective } from 'rxtrain';
 * const objective = webWorkerObjective({ url: '/trial-worker.js', workers: 2 });
 * await lastValueFrom(s.optimize(objective, { trials: 20, concurrency: 2 }));
 * objective.terminate();
 * ```
 * @param config The worker module and how many workers.
 * @returns The objective; each trial's record gets `attrs.worker`, the name of the worker that ran it.
 */
export function webWorkerObjective<P extends Params = Params>(config: WebWorkerObjectiveConfig): WebWorkerObjective<P> {
  const where = 'webWorkerObjective()';
  const c = requireObject(where, config, 'config');
  knownFields(where, c, ['url', 'workers', 'paused']);
  if (typeof c.url !== 'string' && !(c.url instanceof URL)) throw configError(where, 'url', 'must be the URL of a worker module', c.url);
  const url = c.url;
  const size = c.workers === undefined ? 2 : positiveInt(where, 'workers', c.workers);
  if (c.paused !== undefined && typeof c.paused !== 'function') throw configError(where, 'paused', "must be a function from a trial's number to an Observable of booleans", c.paused);
  const pausedOf = c.paused as WebWorkerObjectiveConfig['paused'];
  const holds = new Subject<WorkerHold>();
  const Worker: WorkerConstructor | undefined = Reflect.get(globalThis, 'Worker' as string); // untyped: the DOM's Worker type is wider than what is used here
  if (!Worker) throw new RxtrainError('INVALID_CONFIG', `${where}: this runtime has no Web Workers (in Node, use workerPool and workerObjective)`);

  const slots: Slot[] = [];
  const idle: Slot[] = [];
  const waiting: Array<(slot: Slot) => void> = [];
  let nextId = 0;
  let terminated = false;

  const acquire = (got: (slot: Slot) => void): (() => void) => {
    const free = idle.pop() ?? (slots.length < size ? start() : undefined);
    if (free) {
      got(free);
      return () => undefined;
    }
    waiting.push(got);
    return () => {
      const k = waiting.indexOf(got);
      if (k >= 0) waiting.splice(k, 1);
    };
  };
  const release = (slot: Slot): void => {
    slot.current = undefined;
    const next = waiting.shift();
    if (next) next(slot);
    else idle.push(slot);
  };
  const start = (): Slot => {
    const name = `rxtrain-worker-${slots.length}`;
    const slot: Slot = { worker: new Worker(url, { type: 'module', name }), name };
    slot.worker.onmessage = (e) => slot.current?.(e.data);
    // A worker that fails to load or throws outside a trial: the trial it runs fails with the reason.
    slot.worker.onerror = (e) => slot.current?.({ type: 'error', id: -1, message: `worker ${name} (${String(url)}): ${e.message ?? 'failed to load'}` });
    slots.push(slot);
    return slot;
  };

  const objective = ((trial) => {
    const events = new Observable<{ readonly type: string }>((subscriber) => {
      if (terminated) throw new RxtrainError('INVALID_CONFIG', `${where}: its workers were terminated`);
      const id = nextId++;
      let slot: Slot | undefined;
      let ended = false;
      let pause: Subscription | undefined;
      let held = false;
      // A trial that ends while held is released (the worker's own `released` comes after the slot moved on).
      const letGo = (): void => {
        pause?.unsubscribe();
        if (held && slot) holds.next({ type: 'released', trial: trial.number, worker: slot.name });
        held = false;
      };
      const cancel = acquire((s) => {
        slot = s;
        trial.setAttrs({ worker: s.name });
        s.current = (m) => {
          if (m.id !== id && m.id !== -1) return;
          if (m.type === 'event') subscriber.next(m.event);
          else if (m.type === 'held' || m.type === 'released') {
            held = m.type === 'held';
            holds.next({ type: m.type, trial: trial.number, worker: s.name });
          } else {
            ended = true;
            letGo();
            release(s);
            if (m.type === 'complete') subscriber.complete();
            else subscriber.error(new RxtrainError('TRIAL_FAILED', `trial ${trial.number} in ${s.name}: ${m.message}`, { worker: s.name, ...(m.code === undefined ? {} : { code: m.code }) }));
          }
        };
        // The flag's current value goes with `run` (a trial paused before it starts starts held), each change after it.
        let paused = false;
        let started = false;
        const flag = pausedOf?.(trial.number);
        if (flag !== undefined && (flag === null || typeof flag.subscribe !== 'function')) {
          ended = true;
          release(s);
          subscriber.error(configError(where, 'paused', `must return an Observable of booleans (for trial ${trial.number})`, flag));
          return;
        }
        pause = flag?.subscribe((p) => {
          paused = p;
          if (started && !ended) s.worker.postMessage({ type: 'pause', id, paused: p });
        });
        started = true;
        s.worker.postMessage({ type: 'run', id, input: { params: trial.params, number: trial.number, seed: trial.seed, study: trial.study }, paused });
      });
      return () => {
        cancel();
        letGo();
        if (slot && !ended) {
          slot.worker.postMessage({ type: 'stop', id });
          release(slot);
        }
      };
    });
    return events.pipe(trialPruning(trial));
  }) as WebWorkerObjective<P>;
  Object.assign(objective, { holds: holds.asObservable() });
  objective.terminate = () => {
    terminated = true;
    for (const s of slots) {
      s.current?.({ type: 'error', id: -1, message: `worker ${s.name} was terminated` });
      s.worker.terminate();
    }
    holds.complete();
  };
  return objective;
}
