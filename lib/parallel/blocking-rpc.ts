/**
 * Synchronous calls into an asynchronous worker thread.
 *
 * rxtrain's storage interface is synchronous (a trial's report and its pruning decision happen at the
 * step boundary with nothing interleaved), but a network database client is asynchronous. A
 * `blockingRpc` runs the client in a worker thread; `call` posts a request and blocks the calling thread
 * on `Atomics.wait` until the worker has posted its answer, then takes the answer off the port with
 * `receiveMessageOnPort` (no event-loop turn needed). The worker keeps its own event loop, so timers
 * there (heartbeats) and notifications (LISTEN) go on while the caller computes.
 *
 * Protocol: the worker receives `{port, flag, events, ...data}` as `workerData`; for each
 * `{id, op, args}` on `port` it posts `{id, ok, value | error}` on `port`, then sets `flag[0] = 1` and
 * notifies it (see {@link serveBlockingRpc}). Asynchronous messages to the caller (e.g. notifications)
 * go on `events`.
 */
import { MessageChannel, receiveMessageOnPort, workerData, type MessagePort, type Worker } from 'node:worker_threads';
import { RxtrainError } from '../errors.js';
import { startThread } from './start-thread.js';

export interface WireFailure {
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

type Answer = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: WireFailure };

export interface BlockingRpc {
  /** Run `op` in the worker and return its result; throws the worker's error as an `RxtrainError`. */
  call<T>(op: string, args: readonly unknown[]): T;
  /** Messages the worker sends on its own (not answers). */
  onEvent(listener: (message: unknown) => void): () => void;
  /** Stop the worker (after a last `call` the caller may make to close its resources). */
  terminate(): Promise<void>;
}

export interface BlockingRpcOptions {
  /** How long one call may take before it throws, ms. */
  readonly timeoutMs: number;
  /** The error code of failures the bridge itself raises (no answer, worker gone). */
  readonly code: 'STORAGE';
  /** Names the worker in messages (`postgres storage`). */
  readonly what: string;
}

export function blockingRpc(entry: URL, data: Record<string, unknown>, options: BlockingRpcOptions): BlockingRpc {
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

  return {
    call<T>(op: string, args: readonly unknown[]): T {
      if (exited !== undefined) throw fail(`its thread stopped (${exited})`);
      const id = ++nextId;
      Atomics.store(flag, 0, 0);
      requests.port1.postMessage({ id, op, args });
      const deadline = Date.now() + options.timeoutMs;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) throw fail(`no answer to ${op} within ${options.timeoutMs} ms`);
        Atomics.wait(flag, 0, 0, Math.min(left, 250));
        const received = receiveMessageOnPort(requests.port1) as { message: Answer } | undefined;
        if (received === undefined) {
          if (Atomics.load(flag, 0) === 1) Atomics.store(flag, 0, 0);
          continue;
        }
        const answer = received.message;
        if (answer.id !== id) continue; // a late answer to a call that timed out
        if (answer.ok) return answer.value as T;
        const e = answer.error;
        throw new RxtrainError((e.code as 'STORAGE' | undefined) ?? options.code, e.message, e.details ?? {});
      }
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
export function serveBlockingRpc(handlers: Record<string, (...args: never[]) => unknown>): MessagePort {
  const { port, events, flag: shared } = workerData as { port: MessagePort; events: MessagePort; flag: SharedArrayBuffer };
  const flag = new Int32Array(shared);
  const answer = (message: Answer): void => {
    port.postMessage(message);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  // One request at a time, in order: the caller is blocked until its answer anyway.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', ({ id, op, args }: { id: number; op: string; args: never[] }) => {
    queue = queue.then(async () => {
      const handler = handlers[op];
      try {
        if (!handler) throw new Error(`unknown operation ${op}`);
        answer({ id, ok: true, value: await handler(...args) });
      } catch (err) {
        const e = err as { message?: string; code?: unknown; details?: unknown };
        answer({
          id,
          ok: false,
          error: {
            message: e?.message ?? String(err),
            ...(typeof e?.code === 'string' && err instanceof RxtrainError ? { code: e.code } : {}),
            ...(err instanceof RxtrainError ? { details: JSON.parse(JSON.stringify(err.details ?? {})) as Record<string, unknown> } : {}),
          },
        });
      }
    });
  });
  return events;
}
