/**
 * The events that flow through a training pipeline. They are plain data: numbers, strings and small
 * objects, never live tensors, so any of them can be logged, sent over a WebSocket or stored as-is.
 *
 * The one exception is {@link Batch}: a batch carries the tensors of one step. It is *borrowed*: it is
 * valid only while the `next` call that delivers it runs, and the stream that made it disposes it right
 * after. An operator that must keep a batch longer clones its tensors (and disposes the clones).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ArrayDataset } from './data/types.js';
import type { MetricKind } from './metrics/metric-names.js';

/** The metrics a training step can compute itself, by name (lib/metrics/metric-names.ts). */
export type TrainMetricName = 'loss' | MetricKind;
/** A metric computed on the validation set: the training name with a `val_` prefix. */
export type ValidationMetricName = `val_${TrainMetricName}`;
/** Every metric name an {@link EpochEnd} event can carry, plus `lr` (the learning rate in force). */
export type MetricName = TrainMetricName | ValidationMetricName | 'lr';
/** Metric values of one epoch. `loss` is always there; the others when they were asked for. */
export type Metrics = { readonly loss: number } & { readonly [K in MetricName]?: number };

/** One batch of samples: borrowed tensors (see the module comment). */
export interface Batch {
  readonly type: 'batch';
  /** Features, first dimension is the batch. */
  readonly xs: Tensor;
  /** Targets: one-hot `[n, classes]`, integer class ids `[n]`, or regression targets. */
  readonly ys: Tensor;
  /** Per-sample weights `[n]` (float32), when the data set has `weights` (in-memory data sets only). */
  readonly weights?: Tensor;
  /** Number of samples in this batch (the first dimension of `xs`). */
  readonly size: number;
  /** Pass over the data this batch belongs to: 1 for the first (see "Epoch numbers" in docs/operators.md). */
  readonly epoch: number;
  /** Index of the batch inside its epoch (0-based). */
  readonly index: number;
  /**
   * The in-memory data set the batch was cut from (`batches()` sets it), so that a step can check the
   * whole set against its model once; absent for `tf.data` sources.
   */
  readonly dataset?: ArrayDataset;
}

/** Marks the end of a pass over the data; `epochs()` emits it after the last batch of each epoch. */
export interface EpochBoundary {
  readonly type: 'epochBoundary';
  /** The epoch that just ended (1 for the first). */
  readonly epoch: number;
  /** Filled in by `trainStep`: the mean training loss and metrics over the epoch's samples. */
  readonly metrics?: Metrics;
  readonly samples?: number;
  readonly steps?: number;
}

/** The first event of every training run: where it runs and what it trains. */
export interface RunStart {
  readonly type: 'runStart';
  /** The tfjs backend in use, as tfjs names it: `tensorflow` (tfjs-node or tfjs-node-gpu), `wasm`, `cpu`. */
  readonly backend: string;
  /**
   * `true` when no backend had been chosen (no `useBackend()`, no `tf.setBackend()`), so this run chose
   * `useBackend('auto')` itself rather than train on tfjs's pure-JS cpu fallback.
   */
  readonly backendAutoChosen?: true;
  /**
   * On wasm, when its matMuls and convolutions run on the native BLAS add-on (`wasm+blas`): the library, e.g.
   * `OpenBLAS 0.3.21 ...`. Absent on pure wasm and on other backends. docs/wasm-backend.md#native-blas.
   */
  readonly blas?: string;
  /** Number of trainable scalars. */
  readonly trainableParams: number;
  /**
   * The weight of each class id in the loss, when `classWeight` was given (resolved: every class of the
   * model, 1 for the classes the map leaves out; `'balanced'` as computed from the training data).
   */
  readonly classWeight?: Readonly<Record<number, number>>;
  /** Wall-clock time (ms since the epoch) from the injected clock. */
  readonly time: number;
}

/** One gradient step was taken. */
export interface StepEvent {
  readonly type: 'step';
  /** The epoch the step belongs to (1 for the first). */
  readonly epoch: number;
  /** Index of the batch inside its epoch. */
  readonly index: number;
  /** Steps taken since the run started (1-based after the first step). */
  readonly step: number;
  readonly size: number;
  /** The batch loss, present only on steps where it was read back from the device (`readEvery`). */
  readonly loss?: number;
}

/** The end of an epoch, with training and validation metrics. */
export interface EpochEnd {
  readonly type: 'epochEnd';
  /** The epoch that ended: 1 for the first, `n` for the last of `epochs(n)`. */
  readonly epoch: number;
  readonly metrics: Metrics;
  readonly samples: number;
  readonly steps: number;
  /** Milliseconds the epoch took (training and validation), by the injected clock. */
  readonly durationMs: number;
}

/** A decision operator changed the learning rate. */
export interface LearningRateChange {
  readonly type: 'lrChange';
  /** The first epoch that trains at the new rate (1 for the first epoch of the run). */
  readonly epoch: number;
  readonly from: number;
  readonly to: number;
  /** Which operator decided: `reduceLROnPlateau`, `lrSchedule`, ... */
  readonly source: string;
}

/** A decision operator ended the run before its last epoch (the stream completes right after). */
export interface RunStopped {
  readonly type: 'stopped';
  /** The last epoch that finished before the stop (0 when the run stopped inside its first epoch). */
  readonly epoch: number;
  /** Which operator decided, e.g. `earlyStopping`, `terminateOnNaN`. */
  readonly source: string;
  readonly reason: string;
  /** For `earlyStopping` with `restoreBest`: the epoch whose weights were restored. */
  readonly restoredEpoch?: number;
}

/** A checkpoint was written. */
export interface CheckpointSaved {
  readonly type: 'checkpoint';
  /** The epoch whose weights were saved. */
  readonly epoch: number;
  readonly path: string;
  readonly monitor: MetricName;
  readonly value: number;
}

/** Everything a training pipeline built from rxtrain's operators can emit downstream of `epochEnd`. */
export type TrainEvent =
  | RunStart
  | StepEvent
  | EpochBoundary
  | EpochEnd
  | LearningRateChange
  | RunStopped
  | CheckpointSaved;

/** Narrow a stream element by its `type`. */
export function isEvent<T extends TrainEvent['type']>(
  type: T,
): (e: { readonly type: string }) => e is Extract<TrainEvent, { type: T }> {
  return (e): e is Extract<TrainEvent, { type: T }> => e.type === type;
}
