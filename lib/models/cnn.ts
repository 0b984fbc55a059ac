import * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';
import { booleanField, finiteNumber, knownFields, positiveInt, requireObject } from '../validate.js';
import { checkRegularization, checkShape, kernelRegularizer, outputActivation, type RegularizationOptions } from './regularization.js';

export interface CnnConfig extends RegularizationOptions {
  /** `[height, width, channels]`. */
  readonly inputShape: readonly [number, number, number] | readonly number[];
  /** Filters of each conv block (conv → [batchNorm] → relu → maxPool). Default `[16, 32]`. */
  readonly filters?: readonly number[];
  /** Square kernel size. Default 3. */
  readonly kernelSize?: number;
  /** Max-pool size after each block (1 = no pooling). Default 2. */
  readonly pool?: number;
  /** Padding of the convolutions. Default 'valid'. */
  readonly padding?: 'valid' | 'same';
  /** Batch normalisation after each convolution. Default false. */
  readonly batchNorm?: boolean;
  /** Dense layers before the output. Default `[64]`. */
  readonly dense?: readonly number[];
  readonly classes: number;
  readonly seed?: number;
}

/**
 * A small convolutional network: conv blocks, then dense layers, then a softmax (dropout before each
 * dense layer; L1/L2 on every kernel).
 *
 * @example
 * ```ts
 * import { cnn } from 'rxtrain';
 * // The CNN of the benchmarks: conv16-3x3, pool2, conv32-3x3, pool2, dense64, dense10.
 * const model = cnn({ inputShape: [28, 28, 1], filters: [16, 32], dense: [64], classes: 10 });
 * ```
 */
export function cnn(config: CnnConfig): tfl.Sequential {
  const where = 'cnn()';
  const c = requireObject(where, config);
  knownFields(where, c, ['inputShape', 'filters', 'kernelSize', 'pool', 'padding', 'batchNorm', 'dense', 'classes', 'seed', 'dropout', 'l1', 'l2']);
  const inputShape = checkShape(where, 'inputShape', c.inputShape, 3);
  const filters = listOf(where, 'filters', c.filters ?? [16, 32]);
  const dense = listOf(where, 'dense', c.dense ?? [64]);
  const kernelSize = c.kernelSize === undefined ? 3 : positiveInt(where, 'kernelSize', c.kernelSize);
  const pool = c.pool === undefined ? 2 : positiveInt(where, 'pool', c.pool);
  const padding = c.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw configError(where, 'padding', "must be 'valid' or 'same'", padding);
  const batchNorm = c.batchNorm === undefined ? false : booleanField(where, 'batchNorm', c.batchNorm);
  const classes = positiveInt(where, 'classes', c.classes);
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  const reg = checkRegularization(where, config);

  const model = tfl.sequential();
  let [h, w] = inputShape as [number, number, number];
  filters.forEach((f, i) => {
    model.add(tfl.layers.conv2d({
      ...(i === 0 ? { inputShape } : {}),
      filters: f,
      kernelSize,
      padding,
      activation: batchNorm ? 'linear' : 'relu',
      useBias: !batchNorm,
      kernelInitializer: tfl.initializers.heNormal({ seed: seed * 1000 + i }),
      kernelRegularizer: kernelRegularizer(reg),
    }));
    if (padding === 'valid') { h -= kernelSize - 1; w -= kernelSize - 1; }
    if (batchNorm) {
      model.add(tfl.layers.batchNormalization());
      model.add(tfl.layers.activation({ activation: 'relu' }));
    }
    if (pool > 1) {
      if (h < pool || w < pool) throw configError(where, 'filters', `leave a ${h}x${w} feature map after block ${i + 1}, too small for pool ${pool}: use fewer blocks, padding 'same' or a larger input`);
      model.add(tfl.layers.maxPooling2d({ poolSize: pool }));
      h = Math.floor(h / pool); w = Math.floor(w / pool);
    }
    if (h < 1 || w < 1) throw configError(where, 'filters', `leave no feature map after block ${i + 1}: the input ${inputShape.join('x')} is too small`);
  });
  model.add(tfl.layers.flatten());
  dense.forEach((u, i) => {
    if (reg.dropout > 0) model.add(tfl.layers.dropout({ rate: reg.dropout, seed: seed * 1000 + 500 + i }));
    model.add(tfl.layers.dense({ units: u, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: seed * 1000 + 100 + i }), kernelRegularizer: kernelRegularizer(reg) }));
  });
  const out = outputActivation(classes, undefined);
  model.add(tfl.layers.dense({ units: out.units, activation: out.activation, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 1000 + 999 }) }));
  return model;
}

function listOf(where: string, field: string, v: unknown): number[] {
  if (!Array.isArray(v)) throw configError(where, field, 'must be an array of positive integers', v);
  return v.map((x, i) => positiveInt(where, `${field}[${i}]`, x));
}
