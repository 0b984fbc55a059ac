/**
 * Evaluating a model on an in-memory data set: loss and metrics summed on the device chunk by chunk
 * and read back once at the end.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RxtrainError } from './errors.js';
import { perSampleLoss, validateLoss, type Loss } from './losses.js';
import { epochMetrics } from './metrics/epoch-metrics.js';
import { validateMetrics, type MetricKind } from './metrics/metric-names.js';
import { confusion } from './metrics/metric-statistics.js';
import { classReport, type ClassReport } from './metrics/class-report.js';
import { booleanField, knownFields, positiveInt, requireObject } from './validate.js';
import { configError } from './errors.js';
import type { ArrayDataset } from './data/types.js';
import { toArrayDataset, type BatchSource, type SampleDataset } from './data/batches.js';
import { prod } from './data/from-arrays.js';
import { checkModelData } from './check-model-data.js';

export interface EvaluateConfig {
  /** Default `categoricalCrossentropy`. */
  readonly loss?: Loss;
  /** Default `['accuracy']`. */
  readonly metrics?: readonly MetricKind[];
  /** Samples per forward pass. Default 512. */
  readonly batchSize?: number;
  /**
   * Add the confusion matrix and a per-class report (precision, recall, F1, support of each class, as
   * scikit-learn's `confusion_matrix` and `classification_report`) to the result. Classification only.
   * Default false.
   */
  readonly report?: boolean;
}

/** In-memory sources only: evaluation runs synchronously between two training steps. */
export type EvaluationSource = Exclude<BatchSource, SampleDataset>;

/** The loss and each metric asked for, by name; with `report: true`, the confusion matrix and per-class lines too. */
export type Evaluation = { readonly loss: number } & { readonly [K in MetricKind]?: number } & Partial<ClassReport>;

/**
 * Loss and metrics of `model` on `data`, in inference mode (dropout off).
 *
 * @example
 * ```ts
 * import { evaluate, digits, mlp } from 'rxtrain';
 * const result = evaluate(mlp({ inputShape: [64], units: [32], classes: 10 }), digits());
 * console.log(result.loss, result.accuracy); // an untrained model: accuracy near 0.1
 * ```
 */
export function evaluate(model: tfl.LayersModel, data: EvaluationSource, config: EvaluateConfig = {}): Evaluation {
  const where = 'evaluate()';
  const c = requireObject(where, config);
  knownFields(where, c, ['loss', 'metrics', 'batchSize', 'report']);
  const loss = validateLoss(where, c.loss ?? 'categoricalCrossentropy');
  const metrics = c.metrics === undefined ? (['accuracy'] as MetricKind[]) : validateMetrics(where, c.metrics);
  const batchSize = c.batchSize === undefined ? 512 : positiveInt(where, 'batchSize', c.batchSize);
  const report = c.report === undefined ? false : booleanField(where, 'report', c.report);
  if (report && (loss === 'meanSquaredError' || loss === 'meanAbsoluteError')) throw configError(where, 'report', `is a per-class report: it needs a classification loss, not ${loss}`);
  const ds = toArrayDataset(data);
  if (ds.length === 0) throw new RxtrainError('SHAPE_MISMATCH', `${where}: the data set${ds.name ? ` '${ds.name}'` : ''} has no samples`);
  checkModelData(where, model, ds, loss);
  const accumulated = epochMetrics(metrics, loss);
  let lossSum: tf.Scalar | undefined;
  let counts: tf.Tensor | undefined; // the confusion matrix, with `report`
  try {
    forEachChunk(ds, batchSize, (xs, ys) => {
      let stats: tf.Tensor[] = [];
      let chunkCounts: tf.Tensor | undefined;
      const next = tf.tidy(() => {
        const out = model.predict(xs, { batchSize: xs.shape[0] });
        if (Array.isArray(out)) throw new RxtrainError('SHAPE_MISMATCH', `${where}: models with several outputs are not supported`);
        const yPred = out as tf.Tensor;
        stats = accumulated.batch(ys, yPred);
        if (report) chunkCounts = tf.keep(counts ? tf.add(counts, confusion.batch(ys, yPred)) : confusion.batch(ys, yPred));
        const chunk = tf.sum(perSampleLoss(loss, ys, yPred)) as tf.Scalar;
        return lossSum ? tf.add<tf.Scalar>(lossSum, chunk) : chunk;
      });
      accumulated.add(stats);
      lossSum?.dispose();
      lossSum = next;
      if (chunkCounts) {
        counts?.dispose();
        counts = chunkCounts;
      }
    });
    const total = lossSum!.dataSync()[0]!;
    const result = { loss: total / ds.length, ...accumulated.take(ds.length) };
    if (!counts) return result;
    const k = counts.shape[0]!;
    const names = ds.classNames?.length === k ? ds.classNames : undefined;
    return { ...result, ...classReport(counts.dataSync(), k, names) };
  } finally {
    counts?.dispose();
    lossSum?.dispose();
    accumulated.dispose();
  }
}

/** Call `fn` with tensors for consecutive chunks of `data` (in order), disposing them after. */
export function forEachChunk(data: ArrayDataset, chunkSize: number, fn: (xs: tf.Tensor, ys: tf.Tensor, start: number) => void): void {
  const xRow = prod(data.xShape);
  const yRow = prod(data.yShape);
  const yDtype = data.y instanceof Int32Array ? 'int32' : 'float32';
  for (let start = 0; start < data.length; start += chunkSize) {
    const size = Math.min(chunkSize, data.length - start);
    const xs = tf.tensor(data.x.subarray(start * xRow, (start + size) * xRow), [size, ...data.xShape], 'float32');
    const ys = tf.tensor(data.y.subarray(start * yRow, (start + size) * yRow), [size, ...data.yShape], yDtype);
    try {
      fn(xs, ys, start);
    } finally {
      xs.dispose();
      ys.dispose();
    }
  }
}

/** Class probabilities (or outputs) of `model` for every sample of `data`, as one flat array. */
export function predictAll(model: tfl.LayersModel, data: EvaluationSource, batchSize = 512): { values: Float32Array; shape: number[] } {
  const ds = toArrayDataset(data);
  const parts: Float32Array[] = [];
  let outShape: number[] = [];
  forEachChunk(ds, batchSize, (xs) => {
    const out = model.predict(xs) as tf.Tensor;
    outShape = out.shape.slice(1);
    parts.push(out.dataSync() as Float32Array);
    out.dispose();
  });
  const row = prod(outShape);
  const values = new Float32Array(ds.length * row);
  let offset = 0;
  for (const p of parts) {
    values.set(p, offset);
    offset += p.length;
  }
  return { values, shape: [ds.length, ...outShape] };
}
