/**
 * Evaluating a model on an in-memory data set: loss and metrics summed on the device chunk by chunk
 * and read back once at the end.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainMetricName } from './events.js';
import { RxtrainError } from './errors.js';
import { perSampleLoss, perSampleMetric, validateLoss, validateMetrics, type Loss, type MetricKind } from './losses.js';
import { knownFields, positiveInt, requireObject } from './validate.js';
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
}

/** In-memory sources only: evaluation runs synchronously between two training steps. */
export type EvaluationSource = Exclude<BatchSource, SampleDataset>;

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
export function evaluate(model: tfl.LayersModel, data: EvaluationSource, config: EvaluateConfig = {}): { loss: number } & Partial<Record<Exclude<TrainMetricName, 'loss'>, number>> {
  const where = 'evaluate()';
  const c = requireObject(where, config);
  knownFields(where, c, ['loss', 'metrics', 'batchSize']);
  const loss = validateLoss(where, c.loss ?? 'categoricalCrossentropy');
  const metrics = c.metrics === undefined ? (['accuracy'] as MetricKind[]) : validateMetrics(where, c.metrics);
  const batchSize = c.batchSize === undefined ? 512 : positiveInt(where, 'batchSize', c.batchSize);
  const ds = toArrayDataset(data);
  if (ds.length === 0) throw new RxtrainError('SHAPE_MISMATCH', `${where}: the data set${ds.name ? ` '${ds.name}'` : ''} has no samples`);
  checkModelData(where, model, ds, loss);
  let sums: tf.Tensor1D | undefined;
  forEachChunk(ds, batchSize, (xs, ys) => {
    const next = tf.tidy(() => {
      const out = model.predict(xs, { batchSize: xs.shape[0] });
      if (Array.isArray(out)) throw new RxtrainError('SHAPE_MISMATCH', `${where}: models with several outputs are not supported`);
      const yPred = out as tf.Tensor;
      const parts = [tf.sum(perSampleLoss(loss, ys, yPred)), ...metrics.map((m) => tf.sum(perSampleMetric(m, loss, ys, yPred)))];
      const chunk = tf.stack(parts) as tf.Tensor1D;
      return (sums ? tf.add(sums, chunk) : chunk) as tf.Tensor1D;
    });
    sums?.dispose();
    sums = next;
  });
  const values = sums!.dataSync();
  sums!.dispose();
  const result: Record<string, number> = { loss: values[0]! / ds.length };
  metrics.forEach((m, i) => (result[m] = values[i + 1]! / ds.length));
  return result as { loss: number };
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
