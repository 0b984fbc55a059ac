/**
 * A pool of worker threads, each with its own tfjs engine and backend, so that trials use every core.
 * JavaScript's tfjs backends (wasm, cpu) run on one thread; two trials in two threads run side by side.
 */
import { Worker, type Transferable } from 'node:worker_threads';
import { Observable, type Subscriber } from 'rxjs';
import { RxtrainError, configError } from '../errors.js';
import { knownFields, nonEmptyString, positiveInt, requireObject } from '../validate.js';
import type { BackendName } from '../backend/use-backend.js';
import { moduleUrl } from '../thread/load-module.js';
import { entryUrl, startThread } from '../thread/start-thread.js';
import { fromWire } from '../thread/wire-error.js';
import type { FromWorker, ToWorker } from './protocol.js';

export interface WorkerPoolConfig {
  /** Number of worker threads. Default: 2 (this machine's cores; pass `os.availableParallelism()`). */
  readonly size?: number;
  /** Backend each worker selects at start (through `useBackend`). Default `'auto'`. */
  readonly backend?: BackendName | 'auto';
  /**
   * How long a cancelled task may take to stop, ms. A task stops at its next step; one that does not
   * within this time (its thread hangs in a loop, or in one very long step) has its worker terminated
   * and replaced, so the thread is free for the next task. Default 10 000.
   */
  readonly cancelGraceMs?: number;
}

export interface WorkerTask {
  /** Path (absolute, or relative to the working directory) or file URL of an ES module. */
  readonly module: string;
  /** The function to call. Default `'default'`. */
  readonly export?: string;
  /** Its argument: structured-clone-able data (no functions, no tensors). */
  readonly input?: unknown;
  /**
   * Objects in `input` to move to the worker rather than copy (postMessage's transfer list), e.g. a
   * `MessagePort` for a conversation with the task. They move once: subscribe to such a task once.
   */
  readonly transfer?: readonly Transferable[];
}

export interface WorkerPool {
  readonly size: number;
  /**
   * Run a task on the next free worker. The function's Observable events are emitted as they come;
   * a returned value (or a Promise's) is emitted once. Unsubscribing cancels the task in its worker
   * (its stream is unsubscribed there: training stops at the next step; a worker that does not confirm
   * within `cancelGraceMs` is terminated and replaced). A task that throws (with its error), or a worker
   * that dies (`WORKER_FAILED`), errors this Observable only; the pool replaces the worker.
   */
  run<T = unknown>(task: WorkerTask): Observable<T>;
  /**
   * Start every worker now (they otherwise start on demand) and resolve when all are ready, with the
   * backend each selected. Rejects if a worker cannot start.
   */
  warm(): Promise<string[]>;
  /** Stop every worker; queued and running tasks fail. */
  close(): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly task: Required<Pick<WorkerTask, 'module' | 'export'>> & { input: unknown; transfer: readonly Transferable[] };
  readonly subscriber: Subscriber<unknown>;
  cancelled: boolean;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  backend?: string;
  /** Called once when the worker is ready, or with an error when it cannot start. */
  onReady: Array<(err?: Error) => void>;
}

const where = 'workerPool()';
const entry = entryUrl('worker-entry', import.meta.url);

/**
 * Make a pool of worker threads for running trials in parallel.
 *
 * @example
 * ```ts
 * import { workerPool } from 'rxtrain';
 * const pool = workerPool({ size: 2, backend: 'wasm' });
 * // objective.js: export default function (input) { return train(...) } (an Observable of events)
 * pool.run({ module: './objective.js', input: { lr: 0.01 } }).subscribe(console.log);
 * await pool.close();
 * ```
 */
export function workerPool(config: WorkerPoolConfig = {}): WorkerPool {
  const c = requireObject(where, config);
  knownFields(where, c, ['size', 'backend', 'cancelGraceMs']);
  const size = c.size === undefined ? 2 : positiveInt(where, 'size', c.size);
  const cancelGraceMs = c.cancelGraceMs === undefined ? 10_000 : positiveInt(where, 'cancelGraceMs', c.cancelGraceMs);
  const backend = (c.backend ?? 'auto') as BackendName | 'auto';
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const worker = startThread(entry, { backend });
    const slot: Slot = { worker, ready: false, onReady: [] };
    worker.on('message', (m: FromWorker) => onMessage(slot, m));
    worker.on('error', (err) => fail(slot, `worker thread crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!closed) fail(slot, `worker thread exited with code ${code}`);
    });
    // Referenced while it starts (a task waits for it) and while it runs a task; unreferenced when
    // idle, so an idle pool does not keep the process alive.
    return slot;
  };

  const fail = (slot: Slot, why: string): void => {
    const i = slots.indexOf(slot);
    if (i < 0) return;
    slots.splice(i, 1);
    void slot.worker.terminate();
    if (!slot.ready) slot.onReady.splice(0).forEach((f) => f(new RxtrainError('WORKER_FAILED', why)));
    const job = slot.job;
    slot.job = undefined;
    if (job && !job.cancelled) job.subscriber.error(new RxtrainError('WORKER_FAILED', `${why} while running ${job.task.module}#${job.task.export}`, { module: job.task.module }));
    if (!slot.ready && queue.length > 0 && slots.every((s) => !s.ready)) {
      // Workers that cannot even start (a bad backend, say) would fail forever: fail what waits.
      for (const j of queue.splice(0)) j.subscriber.error(new RxtrainError('WORKER_FAILED', `${why} before it could run a task`));
      return;
    }
    dispatch();
  };

  const onMessage = (slot: Slot, m: FromWorker): void => {
    // After close(), the workers are stopping: a late message (the 'done' of a task just cancelled)
    // must not unreference a worker that close() waits for.
    if (closed) return;
    if (m.type === 'ready') {
      slot.ready = true;
      slot.backend = m.backend;
      slot.worker.unref();
      slot.onReady.splice(0).forEach((f) => f());
      dispatch();
      return;
    }
    if (m.type === 'fatal') {
      fail(slot, `worker thread could not start (${m.error.message})`);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    if (m.type === 'done') {
      slot.job = undefined;
      slot.worker.unref();
      if (!job.cancelled) job.subscriber.complete();
      dispatch();
    } else if (job.cancelled) {
      // Events of a cancelled task still in flight: drop them.
    } else if (m.type === 'event') {
      job.subscriber.next(m.event);
    } else if (m.type === 'result') {
      job.subscriber.next(m.value);
    } else if (m.type === 'error') {
      slot.job = undefined;
      slot.worker.unref();
      job.subscriber.error(fromWire(m.error));
      dispatch();
    }
  };

  const dispatch = (): void => {
    if (closed) return;
    while (queue.length > 0) {
      let slot = slots.find((s) => s.ready && !s.job);
      if (!slot) {
        if (slots.length < size) slots.push(spawn());
        return;
      }
      const job = queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      post(slot, { type: 'run', id: job.id, module: job.task.module, exportName: job.task.export, input: job.task.input }, job.task.transfer);
      slot = undefined;
    }
  };

  const post = (slot: Slot, m: ToWorker, transfer: readonly Transferable[] = []): void => slot.worker.postMessage(m, [...transfer]);

  return {
    size,
    run<T>(task: WorkerTask): Observable<T> {
      const t = requireObject('workerPool.run()', task, 'task');
      knownFields('workerPool.run()', t, ['module', 'export', 'input', 'transfer']);
      if (t.transfer !== undefined && !Array.isArray(t.transfer)) throw configError('workerPool.run()', 'transfer', 'must be an array of transferable objects', t.transfer);
      const transfer = (t.transfer ?? []) as readonly Transferable[];
      const moduleSpec = nonEmptyString('workerPool.run()', 'module', t.module);
      const exportName = t.export === undefined ? 'default' : nonEmptyString('workerPool.run()', 'export', t.export);
      const module = moduleUrl(moduleSpec);
      return new Observable<T>((subscriber) => {
        if (closed) {
          subscriber.error(configError('workerPool.run()', 'pool', 'is closed'));
          return;
        }
        const job: Job = { id: nextId++, task: { module, export: exportName, input: t.input, transfer }, subscriber: subscriber as Subscriber<unknown>, cancelled: false };
        queue.push(job);
        dispatch();
        return () => {
          job.cancelled = true;
          const q = queue.indexOf(job);
          if (q >= 0) queue.splice(q, 1);
          const slot = slots.find((s) => s.job === job);
          if (!slot) return;
          // The worker stays busy until it confirms the cancel ('done'), so a new task never shares
          // its thread with the end of a cancelled one; a worker that cannot (its thread hangs) is
          // replaced once the grace is over.
          post(slot, { type: 'cancel', id: job.id });
          const grace = setTimeout(() => {
            if (slot.job === job) fail(slot, `worker thread did not stop a cancelled task within cancelGraceMs (${cancelGraceMs} ms): terminated`);
          }, cancelGraceMs);
          grace.unref();
        };
      });
    },
    async warm(): Promise<string[]> {
      if (closed) throw configError('workerPool.warm()', 'pool', 'is closed');
      while (slots.length < size) slots.push(spawn());
      await Promise.all(slots.filter((s) => !s.ready).map((s) => new Promise<void>((res, rej) => s.onReady.push((err) => (err ? rej(err) : res())))));
      return slots.map((s) => s.backend ?? '');
    },
    async close(): Promise<void> {
      closed = true;
      for (const j of queue.splice(0)) j.subscriber.error(configError('workerPool.run()', 'pool', 'was closed before the task ran'));
      const all = slots.splice(0);
      for (const s of all) {
        if (s.job && !s.job.cancelled) s.job.subscriber.error(configError('workerPool.run()', 'pool', 'was closed while the task ran'));
      }
      // Idle workers are unreferenced; reference them while they stop, or the process could run out
      // of work and exit with this promise still pending.
      await Promise.all(all.map((s) => { s.worker.ref(); return s.worker.terminate(); }));
    },
  };
}
