/**
 * `replaceHead`: a new classifier on a pre-trained body, for a task with other classes.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { RxtrainError, configError } from '../errors.js';
import { finiteNumber, knownFields, nonEmptyString, numberInRange, positiveInt, requireObject } from '../validate.js';
import { modelLayers } from './select-layers.js';

export interface ReplaceHeadOptions {
  /** Seed of the new head's weights. Default 0. */
  readonly seed?: number;
  /** Name of the new output layer. Default `'head'`. */
  readonly name?: string;
  /** Dropout rate before the new head, in [0, 1). Default 0 (none). */
  readonly dropout?: number;
}

const where = 'replaceHead()';

/**
 * A model made of `model`'s layers but the last, topped by a new dense softmax layer of `classes`
 * units (sigmoid when `classes` is 1).
 *
 * Intuition: keep what the network learned to see, replace what it learned to name. The new model
 * shares the body's layers, and so their weights, with `model`: training one changes the other.
 * Disposing the new model frees the body; `model`'s old head is then freed with
 * `model.layers.at(-1).dispose()` (disposing `model` too would free the body twice).
 *
 * @example
 * ```ts
 * import { pretrained, replaceHead } from 'rxtrain';
 * const base = await pretrained('fashion-cnn-0to4'); // 5 classes: T-shirt .. Coat
 * const model = replaceHead(base, 5, { seed: 1 });  // 5 new classes: Sandal .. Ankle boot
 * ```
 * @param model A model whose last layer is its classifier.
 * @param classes Number of classes of the new task.
 * @throws RxtrainError `SHAPE_MISMATCH` when the body's output is not a flat feature vector
 *   (`[batch, features]`), e.g. the last layer before the head is a convolution; `INVALID_CONFIG`
 *   naming the field for a bad `classes` or option.
 */
export function replaceHead(model: tfl.LayersModel, classes: number, options: ReplaceHeadOptions = {}): tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) throw configError(where, 'model', 'must be a tfjs-layers LayersModel', model);
  positiveInt(where, 'classes', classes);
  const o = requireObject(where, options, 'options');
  knownFields(where, o, ['seed', 'name', 'dropout']);
  const seed = o.seed === undefined ? 0 : finiteNumber(where, 'seed', o.seed);
  const name = o.name === undefined ? 'head' : nonEmptyString(where, 'name', o.name);
  const dropout = o.dropout === undefined ? 0 : numberInRange(where, 'dropout', o.dropout, 0, 1, { hiOpen: true });
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new RxtrainError('SHAPE_MISMATCH', `${where}: the model must have one input and one output (it has ${model.inputs.length} and ${model.outputs.length})`);
  }
  const layers = modelLayers(model);
  if (layers.length < 2) throw new RxtrainError('SHAPE_MISMATCH', `${where}: the model has ${layers.length} layer(s); it needs a body before its head`);
  const body = layers[layers.length - 2]!;
  const features = body.output as tfl.SymbolicTensor;
  if (Array.isArray(features) || features.shape.length !== 2 || typeof features.shape[1] !== 'number') {
    const shape = Array.isArray(features) ? 'several outputs' : `[${features.shape.map((d) => d ?? 'batch').join(', ')}]`;
    throw new RxtrainError('SHAPE_MISMATCH', `${where}: the body's last layer '${body.name}' outputs ${shape}; the new head needs flat features [batch, n] (end the body with a flatten or a dense layer)`, { layer: body.name });
  }
  if (layers.some((l) => l.name === name && l !== layers[layers.length - 1])) {
    throw configError(where, 'name', 'is already the name of a layer of the body', name);
  }
  let x = features;
  if (dropout > 0) x = tfl.layers.dropout({ rate: dropout, seed, name: `${name}_dropout` }).apply(x) as tfl.SymbolicTensor;
  const head = tfl.layers.dense({
    units: classes,
    activation: classes === 1 ? 'sigmoid' : 'softmax',
    kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    name,
  });
  return tfl.model({ inputs: model.inputs, outputs: head.apply(x) as tfl.SymbolicTensor });
}
