/**
 * What the main thread and the replicas of a data-parallel run exchange. Bulk data (the batch, the
 * weights, the gradients) goes through shared memory; the small messages around it are plain data.
 *
 * Weights are numbered by their place in `names` (the main thread's `model.weights` order when the
 * run started: `model.weights` itself reorders when a layer is frozen, a name does not). Shared memory,
 * laid out by that number (weight i at `offsets[i]`):
 * - `weights`: Float32 [total]: the main thread's weights; it rewrites the ones that changed before a step.
 * - `out`: Float32 [workers × total]: per replica, the gradient of each trained weight, and the new
 *   value of each other weight that the step changed (batch normalisation's moving statistics).
 * - `sums`: Float64 [workers × (1 + metrics)]: per replica, its shard's loss × rows, then each
 *   metric's sum over the shard.
 * - `control`: Int32 [1 + workers + workers × weights]: the count of replicas done with the step,
 *   each replica's status, then each replica's flags "weight i changed" (for weights not trained).
 * - the input: `xs` and `ys` of the whole batch, float32 or int32 each; replaced by larger buffers
 *   when a batch does not fit.
 */
import type { MessagePort } from 'node:worker_threads';
import type { BackendName } from '../backend/use-backend.js';
import type { LossName, PerSampleMetric } from '../losses.js';
import type { WireError } from '../thread/wire-error.js';

/** Index of the "replicas done" counter in `control`. */
export const DONE = 0;
/** Index of replica `rank`'s status in `control`. */
export const statusSlot = (rank: number): number => 1 + rank;
/** Index of replica `rank`'s first "changed" flag in `control`. */
export const flagsSlot = (workers: number, weights: number, rank: number): number => 1 + workers + rank * weights;

/** A replica's status in `control`. */
export const STATUS = {
  ok: 0,
  /** The step threw; the error is on the replica's port. */
  failed: 1,
  /** The thread is exiting. */
  exited: 2,
} as const;

/** The `workerData` of one replica thread. */
export interface ReplicaData {
  readonly rank: number;
  readonly workers: number;
  readonly backend: BackendName | 'auto';
  /** `model.toJSON(null, false)` of the main thread's model. */
  readonly topology: object;
  /** Every weight's `originalName`, in the order of the shared buffers. */
  readonly names: readonly string[];
  /** Modules imported before the model is rebuilt (custom layers register themselves there). */
  readonly imports: readonly string[];
  readonly loss: LossName;
  readonly metrics: readonly PerSampleMetric[];
  /** Replies: `ready`, `error`, `fatal`. */
  readonly port: MessagePort;
  readonly control: SharedArrayBuffer;
  readonly weights: SharedArrayBuffer;
  readonly out: SharedArrayBuffer;
  readonly sums: SharedArrayBuffer;
}

export interface StepInput {
  readonly xs: SharedArrayBuffer;
  readonly ys: SharedArrayBuffer;
}

/** Main → replica: compute the gradients of rows [from, to) of the batch in the input buffers. */
export interface StepRequest {
  readonly type: 'step';
  readonly from: number;
  readonly to: number;
  /** Shape of one sample's features and targets. */
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
  readonly xDtype: 'float32' | 'int32';
  readonly yDtype: 'float32' | 'int32';
  /** Weights the main thread rewrote in `weights` since the replica last read them. */
  readonly changed: readonly number[];
  /** Indices of the weights to train, sent when it changes (at the start, and when an epoch starts). */
  readonly trainable?: readonly number[];
  /** New input buffers, sent when a batch did not fit in the last ones. */
  readonly input?: StepInput;
}

/** Replica → main, on its port. */
export type ReplicaReply =
  | { readonly type: 'ready'; readonly backend: string; readonly blas?: string; readonly shapes: readonly (readonly number[])[] }
  | { readonly type: 'error'; readonly error: WireError }
  | { readonly type: 'fatal'; readonly error: WireError };
