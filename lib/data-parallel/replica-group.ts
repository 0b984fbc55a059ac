/**
 * The main thread's side of a data-parallel run: the replica threads, the shared memory they work
 * in, and one blocking step at a time.
 *
 * A step is synchronous, like `trainStep`'s: the batch is borrowed only for the `next` call that
 * delivers it, and the next batch must see the updated weights. So the main thread posts each replica
 * its rows and waits on an `Atomics` counter (lib/thread/deadline-wait.ts: it does no work meanwhile;
 * the replicas use the cores). While it waits it cannot see a worker's `exit` event, so a replica
 * signals the counter on its way out too, and a timeout bounds the wait when a thread dies without a
 * word.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { RxtrainError } from '../errors.js';
import type { BackendName } from '../backend/use-backend.js';
import type { LossName, PerSampleMetric } from '../losses.js';
import { deadlineWait } from '../thread/deadline-wait.js';
import { entryUrl, startThread } from '../thread/start-thread.js';
import { DONE, STATUS, flagsSlot, statusSlot, type ReplicaData, type ReplicaReply, type StepInput, type StepRequest } from './protocol.js';
import { shardRows, type Shard } from './shards.js';

export interface ReplicaGroupOptions {
  readonly workers: number;
  readonly backend: BackendName | 'auto';
  /** `model.toJSON(null, false)`. */
  readonly topology: object;
  /** The weights' `originalName`s and shapes, in the order of the shared buffers; the replicas' must match. */
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly imports: readonly string[];
  readonly loss: LossName;
  readonly metrics: readonly PerSampleMetric[];
  readonly stepTimeoutMs: number;
  /** Names the caller in error messages, e.g. `dataParallel()`. */
  readonly where: string;
}

/** One batch, as flat arrays of the main thread. */
export interface BatchArrays {
  readonly xs: Float32Array | Int32Array;
  readonly ys: Float32Array | Int32Array;
  readonly rows: number;
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
}

export interface ReplicaGroup {
  readonly workers: number;
  /** Resolves with the replicas' tfjs backend (and BLAS, if their matMuls use it) once every replica has rebuilt the model. */
  readonly ready: Promise<{ readonly backend: string; readonly blas?: string }>;
  /** The main thread writes the weights that changed here before a step (by weight, at `offsets`). */
  readonly weights: Float32Array;
  /** Where weight i starts in `weights` and in each replica's output. */
  readonly offsets: readonly number[];
  /** Replica `rank`'s output of the last step: gradients of trained weights, new values of others. */
  output(rank: number): Float32Array;
  /** Replica `rank`'s loss × rows, then metric sums, of the last step. */
  sums(rank: number): Float64Array;
  /** Whether the last step of replica `rank` changed weight `i` (one that is not trained). */
  changedWeight(rank: number, i: number): boolean;
  /**
   * Run one step on the batch's rows, split between the replicas; blocks until they are done.
   * `changed`: weights rewritten in `weights` since the last step; `trainable`: the trained weights'
   * indices when they changed. Returns the shards that ran. Throws `WORKER_FAILED`.
   */
  step(batch: BatchArrays, changed: readonly number[], trainable?: readonly number[]): Shard[];
  /** A failure between steps (a thread that exited): called once. */
  onFailure(listener: (err: RxtrainError) => void): void;
  /** Stop every replica thread (idempotent). */
  close(): Promise<void>;
}

interface Replica {
  readonly worker: Worker;
  readonly port: MessagePort;
}

export function replicaGroup(o: ReplicaGroupOptions): ReplicaGroup {
  const sizes = o.shapes.map((s) => s.reduce((a, b) => a * b, 1));
  let total = 0;
  const offsets = sizes.map((n) => {
    const at = total;
    total += n;
    return at;
  });
  const nWeights = sizes.length;
  const control = new SharedArrayBuffer(4 * (1 + o.workers + o.workers * nWeights));
  const weightsBuffer = new SharedArrayBuffer(4 * total);
  const outBuffer = new SharedArrayBuffer(4 * total * o.workers);
  const sumsBuffer = new SharedArrayBuffer(8 * (1 + o.metrics.length) * o.workers);
  const ctl = new Int32Array(control);
  const weights = new Float32Array(weightsBuffer);
  const outputs = Array.from({ length: o.workers }, (_, r) => new Float32Array(outBuffer, r * total * 4, total));
  const sums = Array.from({ length: o.workers }, (_, r) => new Float64Array(sumsBuffer, r * (1 + o.metrics.length) * 8, 1 + o.metrics.length));
  let input: StepInput = { xs: new SharedArrayBuffer(0), ys: new SharedArrayBuffer(0) };
  let inputSent = false;
  let closed = false;
  let broken: RxtrainError | undefined;
  let failureListener: ((err: RxtrainError) => void) | undefined;

  const failure = (rank: number, why: string): RxtrainError =>
    new RxtrainError('WORKER_FAILED', `${o.where}: worker ${rank + 1} of ${o.workers} ${why}`, { rank });
  const breakWith = (err: RxtrainError): void => {
    if (broken || closed) return;
    broken = err;
    failureListener?.(err);
  };

  const replicas: Replica[] = [];
  const starting: Promise<{ backend: string; blas?: string }>[] = [];
  for (let rank = 0; rank < o.workers; rank++) {
    const { port1, port2 } = new MessageChannel();
    const data: ReplicaData = {
      rank, workers: o.workers, backend: o.backend, topology: o.topology, names: o.names, imports: o.imports, loss: o.loss, metrics: o.metrics,
      port: port2, control, weights: weightsBuffer, out: outBuffer, sums: sumsBuffer,
    };
    const worker = startThread(entryUrl('replica-entry', import.meta.url), data, [port2]);
    replicas.push({ worker, port: port1 });
    starting.push(new Promise<{ backend: string; blas?: string }>((resolve, reject) => {
      const onMessage = (m: ReplicaReply): void => {
        port1.off('message', onMessage);
        if (m.type === 'ready') {
          const mismatch = m.shapes.findIndex((s, i) => s.join(',') !== o.shapes[i]?.join(','));
          if (m.shapes.length !== o.shapes.length || mismatch >= 0) {
            reject(failure(rank, `rebuilt the model with other weights than the main thread's (${o.names[mismatch]}: [${m.shapes[mismatch]?.join(', ')}] vs [${o.shapes[mismatch]?.join(', ')}]): a layer whose weights depend on more than its config?`));
            return;
          }
          // Idle replicas must not keep the process alive; a step blocks the main thread anyway.
          worker.unref();
          port1.unref();
          resolve({ backend: m.backend, ...(m.blas !== undefined ? { blas: m.blas } : {}) });
        } else {
          reject(failure(rank, `could not start: ${m.error.message}`));
        }
      };
      port1.on('message', onMessage);
      worker.once('error', (err) => {
        const e = failure(rank, `crashed: ${err.message}`);
        reject(e);
        breakWith(e);
      });
      worker.once('exit', (code) => {
        const e = failure(rank, `exited with code ${code}`);
        reject(e);
        breakWith(e);
      });
    }));
  }
  const ready = Promise.all(starting).then((backends) => backends[0]!);
  // A failed start is reported through `ready`; this keeps a rejection nobody awaits from being "unhandled".
  ready.catch(() => undefined);

  /** Replica `rank`'s error message, taken off its port without waiting for the event loop. */
  const errorOf = (rank: number): string => {
    for (;;) {
      const got = receiveMessageOnPort(replicas[rank]!.port) as { message: ReplicaReply } | undefined;
      if (!got) return 'unknown error';
      if (got.message.type !== 'ready') return got.message.error.message;
    }
  };

  const grow = (buffer: SharedArrayBuffer, bytes: number): SharedArrayBuffer =>
    buffer.byteLength >= bytes ? buffer : new SharedArrayBuffer(Math.max(bytes, 2 * buffer.byteLength));

  return {
    workers: o.workers,
    ready,
    weights,
    offsets,
    output: (rank) => outputs[rank]!,
    sums: (rank) => sums[rank]!,
    changedWeight: (rank, i) => Atomics.load(ctl, flagsSlot(o.workers, nWeights, rank) + i) === 1,
    step(batch, changed, trainable) {
      if (closed) throw new RxtrainError('WORKER_FAILED', `${o.where}: the workers were closed`);
      if (broken) throw broken;
      for (let r = 0; r < o.workers; r++) {
        if (Atomics.load(ctl, statusSlot(r)) === STATUS.exited) throw (broken = failure(r, 'exited'));
      }
      const next = { xs: grow(input.xs, batch.xs.byteLength), ys: grow(input.ys, batch.ys.byteLength) };
      const newInput = next.xs !== input.xs || next.ys !== input.ys || !inputSent;
      input = next;
      inputSent = true;
      (batch.xs instanceof Int32Array ? new Int32Array(input.xs, 0, batch.xs.length) : new Float32Array(input.xs, 0, batch.xs.length)).set(batch.xs);
      (batch.ys instanceof Int32Array ? new Int32Array(input.ys, 0, batch.ys.length) : new Float32Array(input.ys, 0, batch.ys.length)).set(batch.ys);
      const shards = shardRows(batch.rows, o.workers);
      Atomics.store(ctl, DONE, 0);
      // Every replica gets a message, one without rows too (a batch smaller than the group): it must
      // still take the new weights, the trained set and the input buffers.
      for (let r = 0; r < o.workers; r++) {
        const s = shards[r];
        const m: StepRequest = {
          type: 'step', from: s?.from ?? 0, to: s?.to ?? 0, xShape: batch.xShape, yShape: batch.yShape,
          xDtype: batch.xs instanceof Int32Array ? 'int32' : 'float32', yDtype: batch.ys instanceof Int32Array ? 'int32' : 'float32',
          changed, ...(trainable ? { trainable } : {}), ...(newInput ? { input } : {}),
        };
        replicas[r]!.worker.postMessage(m);
      }
      const finished = deadlineWait(ctl, DONE, (done) => (done >= o.workers ? true : undefined), { timeoutMs: o.stepTimeoutMs });
      if (!finished) {
        const done = Atomics.load(ctl, DONE);
        throw (broken = new RxtrainError('WORKER_FAILED', `${o.where}: the workers did not finish a step within ${o.stepTimeoutMs} ms (option 'stepTimeoutMs'); ${done} of ${o.workers} did`));
      }
      for (let r = 0; r < o.workers; r++) {
        const status = Atomics.load(ctl, statusSlot(r));
        if (status === STATUS.failed) throw (broken = failure(r, `failed during a step: ${errorOf(r)}`));
        if (status === STATUS.exited) throw (broken = failure(r, 'exited during a step'));
      }
      return shards;
    },
    onFailure(listener) {
      failureListener = listener;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const r of replicas) r.port.close();
      // Reference the threads while they stop, or the process could exit with this promise pending.
      await Promise.all(replicas.map((r) => { r.worker.ref(); return r.worker.terminate(); }));
    },
  };
}
