/**
 * The options of `dataParallel()` and their checks. Everything a replica thread needs must cross a
 * thread boundary, so losses and metrics are names (a function cannot be sent), and the model must
 * serialise (`model.toJSON()`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { moduleUrl } from '../thread/load-module.js';
import { configError } from '../errors.js';
import { isPerSampleMetric, lossNames, perSampleMetrics, type LossName, type PerSampleMetric } from '../losses.js';
import { validateMetrics } from '../metrics/metric-names.js';
import { optimizer as makeOptimizer, type OptimizerConfig, type OptimizerName } from '../optimizers.js';
import { backendNames, type BackendName } from '../backend/use-backend.js';
import type { Clock } from '../clock.js';
import { nonEmptyString, nonNegativeInt, knownFields, oneOf, positiveInt, positiveNumber, requireObject } from '../validate.js';

export interface DataParallelConfig {
  /** Worker threads, each with a replica of the model and its own tfjs engine. Default 2. */
  readonly workers?: number;
  /**
   * A tfjs optimizer (kept by the caller) or a name/config (created per subscription, disposed at
   * teardown). It lives in the calling thread and applies the averaged gradients to `model` there.
   */
  readonly optimizer: tf.Optimizer | OptimizerName | OptimizerConfig;
  /** Loss of the model's outputs against the batch targets, by name. Default `categoricalCrossentropy`. */
  readonly loss?: LossName;
  /** Training metrics, summed over each epoch. */
  readonly metrics?: readonly PerSampleMetric[];
  /** Clip the averaged gradients to this global L2 norm before the update. */
  readonly clipNorm?: number;
  /** Put the batch loss in every this many steps' `step` event (free here: replicas read it anyway). Default 0. */
  readonly readEvery?: number;
  /**
   * Backend of the worker threads (`RXTRAIN_BACKEND` does not change it). Default `'wasm'`: a
   * backend that uses one core per thread is what this is for.
   */
  readonly backend?: BackendName | 'auto';
  /**
   * Modules each replica imports before it rebuilds the model: paths (absolute, or relative to the
   * working directory) or file URLs. Register custom layers there (`tf.serialization.registerClass`).
   */
  readonly imports?: readonly string[];
  /** How long the calling thread waits for a step before failing with `WORKER_FAILED`. Default 300,000 ms. */
  readonly stepTimeoutMs?: number;
  /** Clock for the run's start time. */
  readonly clock?: Clock;
}

/** The checked options, with defaults filled in. */
export interface DataParallelOptions {
  readonly workers: number;
  readonly optimizer: tf.Optimizer | OptimizerName | OptimizerConfig;
  readonly loss: LossName;
  readonly metrics: readonly PerSampleMetric[];
  readonly clipNorm: number | undefined;
  readonly readEvery: number;
  readonly backend: BackendName | 'auto';
  readonly imports: readonly string[];
  readonly stepTimeoutMs: number;
  readonly clock: Clock | undefined;
  /** The model's topology, for the replicas to rebuild it. */
  readonly topology: object;
}

const fields = ['workers', 'optimizer', 'loss', 'metrics', 'clipNorm', 'readEvery', 'backend', 'imports', 'stepTimeoutMs', 'clock'];

export function checkDataParallelConfig(where: string, model: tfl.LayersModel, config: DataParallelConfig): DataParallelOptions {
  if (!isLayersModel(model)) throw configError(where, 'model', 'must be a tfjs-layers LayersModel (the replicas rebuild it from model.toJSON())', model);
  if (model.outputs.length !== 1) throw configError(where, 'model', `must have one output (it has ${model.outputs.length})`);
  if (model.weights.length === 0) throw configError(where, 'model', 'has no weights to train');
  const names = model.weights.map((w) => w.originalName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw configError(where, 'model', `has two weights named '${twice}': the replicas match weights by name`);
  let topology: object;
  try {
    topology = model.toJSON(null, false) as object;
  } catch (err) {
    throw configError(where, 'model', `cannot be serialised for the worker threads (${(err as Error).message})`);
  }

  const c = requireObject(where, config);
  knownFields(where, c, fields);
  const workers = c.workers === undefined ? 2 : positiveInt(where, 'workers', c.workers);
  if (c.optimizer === undefined) throw configError(where, 'optimizer', 'is required (a tf.Optimizer, a name such as "adam", or {name, lr, ...})');
  // Validate a named optimizer now, not at the first subscription.
  if (!(c.optimizer instanceof tf.Optimizer)) makeOptimizer(c.optimizer as OptimizerConfig).dispose();
  if (typeof c.loss === 'function') throw configError(where, 'loss', `must be a loss name: a function cannot be sent to the worker threads (one of ${lossNames.join(', ')})`);
  const loss = c.loss === undefined ? 'categoricalCrossentropy' : oneOf(where, 'loss', c.loss, lossNames);
  const metrics = validateMetrics(where, c.metrics).map((m, i) => {
    if (!isPerSampleMetric(m)) throw configError(where, `metrics[${i}]`, `'${m}' is not computed across workers yet: dataParallel computes ${perSampleMetrics.join(', ')} (train in one thread for the others)`, m);
    return m;
  });
  const clipNorm = c.clipNorm === undefined ? undefined : positiveNumber(where, 'clipNorm', c.clipNorm);
  const readEvery = c.readEvery === undefined ? 0 : nonNegativeInt(where, 'readEvery', c.readEvery);
  const backend = c.backend === undefined ? 'wasm' : oneOf(where, 'backend', c.backend, [...backendNames, 'auto'] as const);
  if (c.imports !== undefined && !Array.isArray(c.imports)) throw configError(where, 'imports', 'must be an array of module paths', c.imports);
  const imports = ((c.imports ?? []) as unknown[]).map((m, i) => {
    return moduleUrl(nonEmptyString(where, `imports[${i}]`, m));
  });
  const stepTimeoutMs = c.stepTimeoutMs === undefined ? 300_000 : positiveNumber(where, 'stepTimeoutMs', c.stepTimeoutMs);
  return { workers, optimizer: config.optimizer, loss, metrics, clipNorm, readEvery, backend, imports, stepTimeoutMs, clock: config.clock, topology };
}

function isLayersModel(m: unknown): m is tfl.LayersModel {
  return typeof m === 'object' && m !== null && typeof (m as tfl.LayersModel).apply === 'function' && Array.isArray((m as tfl.LayersModel).trainableWeights) && typeof (m as tfl.LayersModel).toJSON === 'function';
}
