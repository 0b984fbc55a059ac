/**
 * `batches()`: a data set as a pull-based stream of tensor batches. The next batch is made only after
 * the subscriber's `next` for the previous one has returned (a synchronous training step has then
 * finished), and each batch's tensors are disposed right after, so a run holds one batch at a time
 * however large the data set is.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfd from '@tensorflow/tfjs-data';
import { Observable } from 'rxjs';
import type { Batch } from '../events.js';
import { RxtrainError, configError } from '../errors.js';
import { createRandom, hashSeed, permutation } from '../random.js';
import { booleanField, finiteNumber, knownFields, positiveInt, requireObject } from '../validate.js';
import { systemClock, type Clock } from '../clock.js';
import { nextTurn, onNextTurn, sinceLastTurn } from '../event-loop-turns.js';
import type { ArrayDataset } from './types.js';
import { fromArrays, fromTensors, prod } from './from-arrays.js';
import { checkSampleWeights } from './sample-weights.js';

/** Samples as a `tf.data.Dataset` of `{xs, ys}` elements (one sample each; `batches()` batches them). */
export type SampleDataset = tfd.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;

/** Anything `batches()` reads. */
export type BatchSource =
  | ArrayDataset
  | SampleDataset
  | { readonly xs: tf.Tensor; readonly ys: tf.Tensor }
  | { readonly xs: number[][] | number[]; readonly ys: number[][] | number[] };

export interface BatchesConfig {
  /** Samples per batch. */
  readonly batchSize: number;
  /** Visit the samples in a new seeded random order on every pass. Default false. */
  readonly shuffle?: boolean;
  /** Seed of the shuffle. Default 0. */
  readonly seed?: number;
  /** Leave out a last batch smaller than `batchSize`. Default false. */
  readonly dropRemainder?: boolean;
  /**
   * For `tf.data` sources: the shuffle buffer size (default 10,000 samples). In-memory sources are
   * shuffled exactly (a full permutation).
   */
  readonly shuffleBuffer?: number;
  /**
   * Give other work (timers, I/O, an unsubscribe) a turn once this many milliseconds have passed
   * since the last turn. Default 20. The time counts across passes and across every `batches()` of
   * the thread (lib/event-loop-turns.ts), so epochs shorter than this still yield.
   */
  readonly yieldMs?: number;
  /** Clock for `yieldMs`. */
  readonly clock?: Clock;
}

const where = 'batches()';

/**
 * A data set as an Observable of batches, one pass per subscription.
 *
 * Intuition: a cold, pull-based source. Each subscription is one pass over the data; with `shuffle`,
 * pass k (counted per `batches()` call, like `tf.data`'s reshuffle-each-iteration) visits the samples in
 * the order drawn from `(seed, k)`, so the same seed gives the same sequence of orders.
 *
 * @example
 * ```ts
 * import { batches, digits } from 'rxtrain';
 * batches(digits(), { batchSize: 32, shuffle: true, seed: 1 })
 *   .subscribe((b) => console.log(b.index, b.xs.shape)); // 0 [32, 64] ... 56 [5, 64]
 * ```
 * @param source An {@link ArrayDataset}, `{xs, ys}` arrays or tensors, or a `tf.data.Dataset` of samples.
 * @param config Batch size, shuffling, remainder handling.
 * @returns Observable of borrowed {@link Batch}es: valid only during the `next` call that delivers them.
 */
export function batches(source: BatchSource, config: BatchesConfig): Observable<Batch> {
  const c = requireObject(where, config);
  knownFields(where, c, ['batchSize', 'shuffle', 'seed', 'dropRemainder', 'shuffleBuffer', 'yieldMs', 'clock']);
  const batchSize = positiveInt(where, 'batchSize', c.batchSize);
  const shuffle = c.shuffle === undefined ? false : booleanField(where, 'shuffle', c.shuffle);
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  const dropRemainder = c.dropRemainder === undefined ? false : booleanField(where, 'dropRemainder', c.dropRemainder);
  const shuffleBuffer = c.shuffleBuffer === undefined ? 10_000 : positiveInt(where, 'shuffleBuffer', c.shuffleBuffer);
  const yieldMs = c.yieldMs === undefined ? 20 : finiteNumber(where, 'yieldMs', c.yieldMs);
  const clock = config.clock ?? systemClock;
  const opts = { batchSize, shuffle, seed, dropRemainder, shuffleBuffer, yieldMs, clock };

  if (isTfDataset(source)) return datasetBatches(source, opts);
  const data = toArrayDataset(source);
  if (data.length === 0) throw new RxtrainError('SHAPE_MISMATCH', `${where}: the data set${data.name ? ` '${data.name}'` : ''} has no samples`);
  checkSampleWeights(where, data);
  return arrayBatches(data, opts);
}

type Options = Required<Omit<BatchesConfig, 'clock'>> & { clock: Clock };

function arrayBatches(data: ArrayDataset, o: Options): Observable<Batch> {
  let pass = 0; // per batches() call: each subscription is the next pass (see the doc comment)
  const xRow = prod(data.xShape);
  const yRow = prod(data.yShape);
  const yDtype = data.y instanceof Int32Array ? 'int32' : 'float32';
  return new Observable<Batch>((subscriber) => {
    const order = o.shuffle ? permutation(data.length, createRandom(hashSeed(o.seed, 'pass', pass))) : undefined;
    pass++;
    const count = o.dropRemainder ? Math.floor(data.length / o.batchSize) : Math.ceil(data.length / o.batchSize);
    let index = 0;
    const emit = (): void => {
      const start = index * o.batchSize;
      const size = Math.min(o.batchSize, data.length - start);
      const xb = new Float32Array(size * xRow);
      const yb = yDtype === 'int32' ? new Int32Array(size * yRow) : new Float32Array(size * yRow);
      const wb = data.weights ? new Float32Array(size) : undefined;
      for (let i = 0; i < size; i++) {
        const s = order ? order[start + i]! : start + i;
        xb.set(data.x.subarray(s * xRow, (s + 1) * xRow), i * xRow);
        yb.set(data.y.subarray(s * yRow, (s + 1) * yRow) as never, i * yRow);
        if (wb) wb[i] = data.weights![s]!;
      }
      const xs = tf.tensor(xb, [size, ...data.xShape], 'float32');
      const ys = tf.tensor(yb, [size, ...data.yShape], yDtype);
      const weights = wb ? tf.tensor1d(wb, 'float32') : undefined;
      try {
        subscriber.next({ type: 'batch', xs, ys, size, epoch: 1, index, dataset: data, ...(weights ? { weights } : {}) });
      } finally {
        xs.dispose();
        ys.dispose();
        weights?.dispose();
      }
      index++;
    };
    return runLoop(subscriber, o, () => index < count, emit);
  });
}

/**
 * Emit synchronously while there is work, and give the event loop a turn once the thread has gone
 * `yieldMs` without one (counted across passes: see lib/event-loop-turns.ts), so an unsubscribe (e.g.
 * `takeUntil(timer(...))`) can land between two steps. The check comes before each batch, the
 * first of a pass included: a pass of one batch yields too.
 */
function runLoop(subscriber: { closed: boolean; complete(): void; error(e: unknown): void }, o: Options, more: () => boolean, emit: () => void): () => void {
  let cancelTurn: (() => void) | undefined;
  const run = (resumed: boolean): void => {
    cancelTurn = undefined;
    try {
      // After a turn, one batch at least, so that a bound of 0 still makes progress; its time counts.
      let progress = resumed;
      if (resumed) sinceLastTurn(o.clock);
      while (!subscriber.closed && more()) {
        if (!progress && sinceLastTurn(o.clock) >= o.yieldMs) {
          cancelTurn = onNextTurn(() => run(true));
          return;
        }
        progress = false;
        emit();
      }
      if (!subscriber.closed) subscriber.complete();
    } catch (err) {
      subscriber.error(err);
    }
  };
  run(false);
  return () => {
    cancelTurn?.();
  };
}

function datasetBatches(dataset: SampleDataset, o: Options): Observable<Batch> {
  let ds = dataset;
  if (o.shuffle) ds = ds.shuffle(o.shuffleBuffer, String(o.seed), true);
  const batched = ds.batch(o.batchSize, !o.dropRemainder);
  return new Observable<Batch>((subscriber) => {
    // An unsubscribe ends the loop at its next check; the batch in flight is still disposed.
    (async () => {
      const it = await batched.iterator();
      for (let index = 0; !subscriber.closed; index++) {
        // An in-memory tf.data source resolves on microtasks only: without this, no timer or message
        // would get a turn until the run ended.
        if (sinceLastTurn(o.clock) >= o.yieldMs) await nextTurn();
        if (subscriber.closed) break;
        const r = await it.next();
        if (r.done) break;
        const { xs, ys } = fieldsOf(r.value);
        try {
          if (subscriber.closed) break;
          if (!xs || !ys) throw new RxtrainError('SHAPE_MISMATCH', `${where}: dataset elements must be objects {xs, ys} of tensors`);
          subscriber.next({ type: 'batch', xs, ys, size: xs.shape[0] ?? 0, epoch: 1, index });
        } finally {
          xs?.dispose();
          ys?.dispose();
        }
      }
      if (!subscriber.closed) subscriber.complete();
    })().catch((err: unknown) => {
      if (!subscriber.closed) subscriber.error(err);
    });
  });
}

/**
 * The `xs` and `ys` tensors of a batched element (tf.data stacks each field of the `{xs, ys}` samples),
 * or undefined where it has none. Tensors are recognised by their shape (tfjs-data may be another copy
 * of the package, so `instanceof` can fail).
 */
function fieldsOf(element: tf.TensorContainer): { xs?: tf.Tensor; ys?: tf.Tensor } {
  if (typeof element !== 'object' || element === null) return {};
  return {
    ...('xs' in element && isTensor(element.xs) ? { xs: element.xs } : {}),
    ...('ys' in element && isTensor(element.ys) ? { ys: element.ys } : {}),
  };
}

function isTensor(value: unknown): value is tf.Tensor {
  return typeof value === 'object' && value !== null && 'shape' in value && Array.isArray(value.shape) && 'dispose' in value && typeof value.dispose === 'function';
}

/** Whether a source is a `tf.data.Dataset` (duck-typed: tfjs-data may be another copy of the package). */
export function isTfDataset(s: unknown): s is SampleDataset {
  return typeof s === 'object' && s !== null && typeof (s as { iterator?: unknown }).iterator === 'function' && typeof (s as { batch?: unknown }).batch === 'function';
}

/** Normalise the in-memory source kinds to an ArrayDataset (tensors are read, not disposed). */
export function toArrayDataset(source: Exclude<BatchSource, SampleDataset>): ArrayDataset {
  if (typeof source !== 'object' || source === null) throw configError(where, 'source', 'must be a data set, {xs, ys}, or a tf.data.Dataset', source);
  if ('x' in source && 'xShape' in source) return source as ArrayDataset;
  const s = source as { xs?: unknown; ys?: unknown };
  if (s.xs instanceof tf.Tensor && s.ys instanceof tf.Tensor) return fromTensors(s.xs, s.ys);
  if (s.xs !== undefined && s.ys !== undefined) return fromArrays(s.xs as number[][], s.ys as number[]);
  throw configError(where, 'source', 'must be an ArrayDataset ({x, xShape, y, yShape, length}), {xs, ys}, or a tf.data.Dataset', source);
}
