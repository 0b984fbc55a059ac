/**
 * `checkFits`: does a data set fit a model (its sample shape, its number of classes)? Fine-tuning
 * meets models made elsewhere; a mismatch should fail here with both shapes named, not deep in a
 * kernel with a broadcasting error.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { RxtrainError, configError } from '../errors.js';
import type { ArrayDataset } from '../data/types.js';

/** The sample shape a model takes and the number of classes (output units) it gives. */
export function modelSignature(model: tfl.LayersModel): { inputShape: number[]; classes: number } {
  const input = model.inputs[0];
  const output = model.outputs[0];
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || !input || !output) {
    throw new RxtrainError('SHAPE_MISMATCH', `the model must have one input and one output (it has ${model.inputs.length} and ${model.outputs.length})`);
  }
  const inputShape = input.shape.slice(1) as number[];
  const last = output.shape[output.shape.length - 1];
  return { inputShape, classes: typeof last === 'number' ? last : NaN };
}

/** Number of classes a classification data set has: one-hot width, class names, or largest id + 1. */
export function classCount(data: ArrayDataset): number {
  if (data.yShape.length === 1) return data.yShape[0]!;
  if (data.classNames) return data.classNames.length;
  let max = -1;
  for (const v of data.y) if (v > max) max = v;
  return max + 1;
}

/**
 * Throw unless `data` fits `model`: the same sample shape, and labels within the model's classes.
 *
 * @example
 * ```ts
 * import { checkFits, pretrained, replaceHead } from 'rxtrain';
 * const model = replaceHead(await pretrained('fashion-cnn-0to4'), 5);
 * checkFits(model, target); // throws SHAPE_MISMATCH naming both shapes, or both class counts
 * ```
 * @throws RxtrainError `SHAPE_MISMATCH` naming the model's and the data's shapes or class counts.
 */
export function checkFits(model: tfl.LayersModel, data: ArrayDataset, where = 'checkFits()'): void {
  if (data === null || typeof data !== 'object' || !('xShape' in data)) throw configError(where, 'data', 'must be an ArrayDataset', data);
  const sig = modelSignature(model);
  const name = data.name ? `'${data.name}'` : 'the data';
  if (sig.inputShape.join() !== data.xShape.join()) {
    throw new RxtrainError('SHAPE_MISMATCH', `${where}: the model takes samples of shape [${sig.inputShape.join(', ')}] but ${name} has samples of shape [${data.xShape.join(', ')}]`, { expected: sig.inputShape, actual: [...data.xShape] });
  }
  const classes = classCount(data);
  const fits = data.yShape.length === 1 ? classes === sig.classes : classes <= sig.classes;
  if (!fits) {
    throw new RxtrainError('SHAPE_MISMATCH', `${where}: the model has ${sig.classes} classes but ${name} has ${classes}: replace its head (replaceHead(model, ${classes}))`, { expected: sig.classes, actual: classes });
  }
}
