import * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';
import { finiteNumber, knownFields, positiveInt, requireObject } from '../validate.js';
import { checkRegularization, checkShape, kernelRegularizer, outputActivation, type RegularizationOptions } from './regularization.js';

export type Activation = 'relu' | 'elu' | 'selu' | 'tanh' | 'sigmoid' | 'swish' | 'linear';
const activations: readonly Activation[] = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'swish', 'linear'];

export interface MlpConfig extends RegularizationOptions {
  /** Shape of one sample, e.g. `[64]`; images are flattened. */
  readonly inputShape: readonly number[];
  /** Units of each hidden layer, e.g. `[256, 128]`. May be empty (a linear/logistic model). */
  readonly units: readonly number[];
  /** Hidden activation. Default `relu`. */
  readonly activation?: Activation;
  /** Number of classes: softmax output (sigmoid when 1). Give `classes` or `outputs`. */
  readonly classes?: number;
  /** Number of linear outputs, for regression. */
  readonly outputs?: number;
  /** Seed of the weight initialisers. Default 0. */
  readonly seed?: number;
}

/**
 * A multi-layer perceptron with optional dropout and L1/L2 penalties (all searchable parameters).
 *
 * @example
 * ```ts
 * import { mlp } from 'rxtrain';
 * const model = mlp({ inputShape: [64], units: [128, 64], dropout: 0.2, l2: 1e-4, classes: 10, seed: 1 });
 * ```
 */
export function mlp(config: MlpConfig): tfl.Sequential {
  const where = 'mlp()';
  const c = requireObject(where, config);
  knownFields(where, c, ['inputShape', 'units', 'activation', 'classes', 'outputs', 'seed', 'dropout', 'l1', 'l2']);
  const inputShape = checkShape(where, 'inputShape', c.inputShape);
  if (!Array.isArray(c.units)) throw configError(where, 'units', 'must be an array of positive integers (units per hidden layer)', c.units);
  const units = (c.units as unknown[]).map((u, i) => positiveInt(where, `units[${i}]`, u));
  const activation = c.activation ?? 'relu';
  if (!(activations as readonly unknown[]).includes(activation)) throw configError(where, 'activation', `must be one of ${activations.join(', ')}`, activation);
  const reg = checkRegularization(where, config);
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  if ((c.classes === undefined) === (c.outputs === undefined)) throw configError(where, 'classes', 'give exactly one of classes (classification) or outputs (regression)');
  const classes = c.classes === undefined ? undefined : positiveInt(where, 'classes', c.classes);
  const outputs = c.outputs === undefined ? undefined : positiveInt(where, 'outputs', c.outputs);

  const model = tfl.sequential();
  if (inputShape.length > 1) model.add(tfl.layers.flatten({ inputShape }));
  units.forEach((u, i) => {
    model.add(tfl.layers.dense({
      ...(i === 0 && inputShape.length === 1 ? { inputShape } : {}),
      units: u,
      activation: activation as 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 1000 + i }),
      kernelRegularizer: kernelRegularizer(reg),
    }));
    if (reg.dropout > 0) model.add(tfl.layers.dropout({ rate: reg.dropout, seed: seed * 1000 + 500 + i }));
  });
  const out = outputActivation(classes, outputs);
  model.add(tfl.layers.dense({
    ...(units.length === 0 && inputShape.length === 1 ? { inputShape } : {}),
    units: out.units,
    activation: out.activation,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 1000 + 999 }),
  }));
  return model;
}
