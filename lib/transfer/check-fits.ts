/**
 * `checkFits`: does a data set fit a model (its sample shape, its number of classes)? Fine-tuning
 * meets models made elsewhere; a mismatch should fail here with both shapes named, not deep in a
 * kernel with a broadcasting error. The check itself is the one `train()` runs (lib/check-model-data.ts).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';
import type { ArrayDataset } from '../data/types.js';
import { checkModelData } from '../check-model-data.js';

/**
 * Throw unless `data` fits `model` as class targets: the same sample shape, and labels within the
 * model's classes (what `train()` with a cross-entropy loss checks when it is called).
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
  checkModelData(where, model, data, 'categoricalCrossentropy');
}
