/**
 * One replica of a data-parallel run, in its own worker thread with its own tfjs engine and backend.
 * It rebuilds the main thread's model from its topology, then for each step: takes the weights the
 * main thread changed, computes the gradients of its shard's mean loss, writes them (and any weight
 * the step itself changed, such as batch normalisation's moving statistics) to shared memory, and
 * signals. It keeps no optimizer: the update is applied in the main thread, where the state lives.
 */
import { workerData, parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '../backend/gradients.js';
import { useBackend } from '../backend/use-backend.js';
import { blasInfo } from '../backend/blas/blas-state.js';
import { perSampleLoss, perSampleMetric } from '../losses.js';
import { importModule } from '../thread/load-module.js';
import { toWire } from '../thread/wire-error.js';
import { DONE, STATUS, flagsSlot, statusSlot, type ReplicaData, type ReplicaReply, type StepRequest } from './protocol.js';

const data = workerData as ReplicaData;
const parent = parentPort;
if (!parent) throw new Error('replica-entry.ts must run in a worker thread');
const reply = (m: ReplicaReply): void => data.port.postMessage(m);

const control = new Int32Array(data.control);
const shared = new Float32Array(data.weights);
const total = shared.length;
const out = new Float32Array(data.out, data.rank * total * 4, total);
const sums = new Float64Array(data.sums, data.rank * (1 + data.metrics.length) * 8, 1 + data.metrics.length);

/** Tell the main thread this replica is done with the step (or has failed, or is exiting). */
function signal(status: number): void {
  Atomics.store(control, statusSlot(data.rank), status);
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
}
// The main thread blocks during a step: an exit must wake it, or it would wait for its timeout.
process.on('exit', () => signal(STATUS.exited));

let model: tfl.LayersModel;
let vars: tf.Variable[] = [];
let offsets: number[] = [];
let trained: number[] = [];
let others: number[] = [];
let hasPenalties = false;
let xsBuffer: SharedArrayBuffer = new SharedArrayBuffer(0);
let ysBuffer: SharedArrayBuffer = new SharedArrayBuffer(0);

/** The wasm backend, which can show a tensor's values in place, on its heap. */
interface HeapBackend {
  typedArrayFromHeap(t: tf.Tensor): Float32Array;
}

function isHeapBackend(backend: object): backend is HeapBackend {
  return 'typedArrayFromHeap' in backend && typeof backend.typedArrayFromHeap === 'function';
}

/** Copy a tensor's values into `target` at `offset`: straight from the wasm heap when on wasm. */
function readInto(t: tf.Tensor, target: Float32Array, offset: number): void {
  const backend = tf.backend();
  if (isHeapBackend(backend) && t.dtype === 'float32') target.set(backend.typedArrayFromHeap(t), offset);
  else target.set(t.dataSync() as Float32Array, offset);
}

/** A tensor of `length` values of `buffer` from element `start` (copied: see `step`). */
function rowsOf(buffer: SharedArrayBuffer, dtype: 'float32' | 'int32', start: number, length: number, shape: number[]): tf.Tensor {
  const values = dtype === 'int32' ? new Int32Array(buffer, start * 4, length).slice() : new Float32Array(buffer, start * 4, length).slice();
  return tf.tensor(values, shape, dtype);
}

function step(m: StepRequest): void {
  if (m.input) {
    xsBuffer = m.input.xs;
    ysBuffer = m.input.ys;
  }
  if (m.trainable) {
    trained = [...m.trainable];
    const isTrained = new Set(trained);
    others = vars.map((_, i) => i).filter((i) => !isTrained.has(i));
    hasPenalties = model.layers.some((l) => l.losses.length > 0);
  }
  // Copies (slice) rather than views: the cpu backend would keep a view, and the main thread rewrites it.
  tf.tidy(() => {
    for (const i of m.changed) {
      const v = vars[i]!;
      v.assign(tf.tensor(shared.slice(offsets[i]!, offsets[i]! + v.size), v.shape, 'float32'));
    }
  });
  const rows = m.to - m.from;
  if (rows === 0) return; // a batch smaller than the group: nothing to compute this step
  const before = others.map((i) => vars[i]!.dataId);
  const xRow = m.xShape.reduce((a, b) => a * b, 1);
  const yRow = m.yShape.reduce((a, b) => a * b, 1);
  tf.tidy(() => {
    const xs = rowsOf(xsBuffer, m.xDtype, m.from * xRow, rows * xRow, [rows, ...m.xShape]);
    const ys = rowsOf(ysBuffer, m.yDtype, m.from * yRow, rows * yRow, [rows, ...m.yShape]);
    let extra: tf.Scalar[] = [];
    const objective = (): tf.Scalar => {
      const yPred = model.apply(xs, { training: true }) as tf.Tensor;
      extra = data.metrics.map((k) => tf.keep(tf.sum(perSampleMetric(k, data.loss, ys, yPred))));
      let cost: tf.Scalar = tf.mean(perSampleLoss(data.loss, ys, yPred));
      if (hasPenalties) for (const reg of model.calculateLosses()) cost = tf.add(cost, reg);
      return cost;
    };
    const { value, grads } = tf.variableGrads(objective, trained.map((i) => vars[i]!));
    for (const i of trained) readInto(grads[vars[i]!.name]!, out, offsets[i]!);
    sums[0] = value.dataSync()[0]! * rows;
    extra.forEach((s, k) => (sums[k + 1] = s.dataSync()[0]!));
    tf.dispose(extra);
  });
  // A weight that is not trained but that the step replaced (assign gives it a new dataId) goes back too.
  const flags = flagsSlot(data.workers, vars.length, data.rank);
  others.forEach((i, k) => {
    const changed = vars[i]!.dataId !== before[k];
    if (changed) readInto(vars[i]!, out, offsets[i]!);
    Atomics.store(control, flags + i, changed ? 1 : 0);
  });
}

parent.on('message', (m: StepRequest) => {
  try {
    step(m);
    signal(STATUS.ok);
  } catch (err) {
    reply({ type: 'error', error: toWire(err) });
    signal(STATUS.failed);
  }
});

try {
  for (const url of data.imports) await importModule(url); // moduleUrl()s, resolved in the main thread
  // The `backend` option alone decides: RXTRAIN_BACKEND chooses the calling thread's backend, not these.
  // The BLAS switches (RXTRAIN_BLAS, RXTRAIN_BLAS_THREADS) apply to every thread.
  await useBackend(data.backend, { env: { RXTRAIN_BLAS: process.env.RXTRAIN_BLAS, RXTRAIN_BLAS_THREADS: process.env.RXTRAIN_BLAS_THREADS } });
  model = await tfl.models.modelFromJSON(data.topology as Parameters<typeof tfl.models.modelFromJSON>[0]);
  const byName = new Map(model.weights.map((w) => [w.originalName, w.read() as tf.Variable]));
  vars = data.names.map((name) => {
    const v = byName.get(name);
    if (!v) throw new Error(`the rebuilt model has no weight '${name}' (it has ${[...byName.keys()].join(', ')})`);
    return v;
  });
  let offset = 0;
  offsets = vars.map((v) => {
    const o = offset;
    offset += v.size;
    return o;
  });
  const blas = tf.getBackend() === 'wasm' ? blasInfo()?.library : undefined;
  reply({ type: 'ready', backend: tf.getBackend(), ...(blas !== undefined ? { blas } : {}), shapes: vars.map((v) => v.shape) });
} catch (err) {
  reply({ type: 'fatal', error: toWire(err) });
}
