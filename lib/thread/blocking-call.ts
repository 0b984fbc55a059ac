/**
 * Synchronous calls into an asynchronous worker thread.
 *
 * rxtrain's storage interface is synchronous (a trial's report and its pruning decision happen at the
 * step boundary with nothing interleaved), but a network database client is asynchronous. A
 * `blockingCall` runs the client in a worker thread; `call` posts a request and blocks the calling
 * thread (see {@link deadlineWait}) until the worker has posted its answer, then takes the answer off
 * the port with `receiveMessageOnPort` (no event-loop turn needed). The worker keeps its own event loop,
 * so timers there (heartbeats) and notifications (LISTEN) go on while the caller computes.
 *
 * Protocol: the worker receives `{port, flag, events, ...data}` as `workerData`; for each
 * `{id, op, args}` on `port` it posts `{id, ok, value | error}` on `port`, then sets `flag[0] = 1` and
 * notifies it (see {@link serveBlockingCalls}). Asynchronous messages to the caller (e.g. notifications)
 * go on `events`.
 */
import { MessageChannel, receiveMessageOnPort, workerData, type MessagePort, type Worker } from 'node:worker_threads';
import { RxtrainError } from '../errors.js';
import { deadlineWait } from './deadline-wait.js';
import { startThread } from './start-thread.js';
import { fromWire, toWire, type WireError } from './wire-error.js';

type Answer = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: WireError };

interface Request {
  readonly id: number;
  readonly op: string;
  readonly args: never[];
}

export interface BlockingCall {
  /** Run `op` in the worker and return its result; throws the worker's error as an `RxtrainError`. */
  call<T>(op: string, args: readonly unknown[]): T;
  /** Messages the worker sends on its own (not answers). */
  onEvent(listener: (message: unknown) => void): () => void;
  /** Stop the worker (after a last `call` the caller may make to close its resources). */
  terminate(): Promise<void>;
}

export interface BlockingCallOptions {
  /** How long one call may take before it throws, ms. */
  readonly timeoutMs: number;
  /** The error code of failures the bridge itself raises (no answer, worker gone), and of the worker's errors that are not `RxtrainError`s. */
  readonly code: 'STORAGE';
  /** Names the worker in messages (`postgres storage`). */
  readonly what: string;
}

/** A `receiveMessageOnPort` result that holds an answer. */
function isAnswer(got: { message: unknown } | undefined): got is { message: Answer } {
  return got !== undefined && typeof got.message === 'object' && got.message !== null && 'id' in got.message && 'ok' in got.message;
}

export function blockingCall(entry: URL, data: Record<string, unknown>, options: BlockingCallOptions): BlockingCall {
  const requests = new MessageChannel();
  const events = new MessageChannel();
  const shared = new SharedArrayBuffer(4);
  const flag = new Int32Array(shared);
  const worker: Worker = startThread(entry, { ...data, port: requests.port2, events: events.port2, flag: shared }, [requests.port2, events.port2]);
  // The worker must not keep the process alive on its own, nor the event port.
  worker.unref();
  events.port1.unref();
  let exited: string | undefined;
  worker.on('error', (err) => {
    exited = err.message;
  });
  worker.on('exit', (code) => {
    exited ??= `exited with code ${code}`;
  });
  let nextId = 0;
  const listeners = new Set<(message: unknown) => void>();
  // A copy: a listener that unsubscribes and subscribes again while handling a message must not get
  // the same message twice (Set iteration visits entries added during it).
  events.port1.on('message', (m: unknown) => [...listeners].forEach((l) => l(m)));

  // `unanswered`: the bridge failed, not the operation (which may still run, or have run).
  const fail = (message: string): RxtrainError => new RxtrainError(options.code, `${options.what}: ${message}`, { unanswered: true });

  /** The answer to call `id` if it is on the port (answers to calls that timed out are dropped). */
  const answerTo = (id: number, flagValue: number): Answer | undefined => {
    for (;;) {
      const got = receiveMessageOnPort(requests.port1);
      if (!isAnswer(got)) {
        // The flag was set for an answer already taken (a late one): wait for the next.
        if (flagValue === 1) Atomics.store(flag, 0, 0);
        return undefined;
      }
      if (got.message.id === id) return got.message;
    }
  };

  return {
    call<T>(op: string, args: readonly unknown[]): T {
      if (exited !== undefined) throw fail(`its thread stopped (${exited})`);
      const id = ++nextId;
      Atomics.store(flag, 0, 0);
      requests.port1.postMessage({ id, op, args });
      // Slices: a check now and then, should a notify ever be missed.
      const answer = deadlineWait(flag, 0, (value) => answerTo(id, value), { timeoutMs: options.timeoutMs, sliceMs: 250 });
      if (answer === undefined) throw fail(`no answer to ${op} within ${options.timeoutMs} ms`);
      if (answer.ok) return answer.value as T;
      // Without the worker's stack: the caller's says where the call was made.
      const { stack: _, ...error } = answer.error;
      const err = fromWire(error);
      throw err instanceof RxtrainError ? err : new RxtrainError(options.code, err.message);
    },
    onEvent(listener) {
      listeners.add(listener);
      if (listeners.size === 1) events.port1.ref();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) events.port1.unref();
      };
    },
    async terminate() {
      listeners.clear();
      events.port1.close();
      requests.port1.close();
      await worker.terminate();
    },
  };
}

/** Inside the worker: answer each request with `handlers[op](...args)`. Returns the event port. */
export function serveBlockingCalls(handlers: Record<string, (...args: never[]) => unknown>): MessagePort {
  const { port, events, flag: shared } = workerData as { port: MessagePort; events: MessagePort; flag: SharedArrayBuffer };
  const flag = new Int32Array(shared);
  const answer = (message: Answer): void => {
    port.postMessage(message);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  // One request at a time, in order: the caller is blocked until its answer anyway.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', ({ id, op, args }: Request) => {
    queue = queue.then(async () => {
      const handler = handlers[op];
      try {
        if (!handler) throw new Error(`unknown operation ${op}`);
        answer({ id, ok: true, value: await handler(...args) });
      } catch (err) {
        answer({ id, ok: false, error: toWire(err) });
      }
    });
  });
  return events;
}
