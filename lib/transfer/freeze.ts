/**
 * Freezing and unfreezing layers. A frozen layer keeps its weights: `trainStep` reads
 * `model.trainableWeights` at the first step of every epoch, so a change made before a run or at an
 * epoch's end takes effect at the next step, and one made during an epoch with the next epoch. Any
 * optimizer may be used across such changes: `trainStep` keeps each variable's optimizer state by name
 * (`applyGradientsByName`), so a layer that is frozen keeps its state untouched until it trains again.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';
import { modelLayers, selectLayers, type Layer, type LayerSelector } from './select-layers.js';

/**
 * Stop the selected layers from training (their weights stay exactly as they are).
 *
 * Intuition: the pre-trained body is a fixed feature extractor; only the new head learns.
 *
 * @example
 * ```ts
 * import { pretrained, replaceHead, freeze } from 'rxtrain';
 * const model = replaceHead(await pretrained('fashion-cnn-0to4'), 5);
 * const body = freeze(model, { upTo: -1 }); // every layer but the new head
 * ```
 * @param model The model whose layers to freeze.
 * @param selector `{upTo}` (every layer before it), `{layers}` (names or indices), or layer objects.
 * @returns The layers frozen, in model order (e.g. to hand to `unfreezeAt` later).
 */
export function freeze(model: tfl.LayersModel, selector: LayerSelector | readonly Layer[]): Layer[] {
  return setTrainable('freeze()', model, selector, false);
}

/**
 * Let the selected layers train again (all of them when no selector is given).
 *
 * @returns The layers unfrozen, in model order.
 */
export function unfreeze(model: tfl.LayersModel, selector?: LayerSelector | readonly Layer[]): Layer[] {
  checkModel('unfreeze()', model);
  return setTrainable('unfreeze()', model, selector ?? { upTo: modelLayers(model).length }, true);
}

function checkModel(where: string, model: unknown): void {
  if (model === null || typeof model !== 'object' || !Array.isArray((model as tfl.LayersModel).layers)) throw configError(where, 'model', 'must be a tfjs-layers LayersModel', model);
}

function setTrainable(where: string, model: tfl.LayersModel, selector: LayerSelector | readonly Layer[], trainable: boolean): Layer[] {
  checkModel(where, model);
  if (selector === undefined) throw configError(where, 'selector', 'is required: {upTo}, {layers} or an array of layers');
  const layers = selectLayers(where, model, selector);
  for (const l of layers) l.trainable = trainable;
  return layers;
}
