/**
 * Naming the layers of a model that fine-tuning acts on: by position (`upTo`), by name or index
 * (`layers`), or as the layer objects themselves. Positions count the layers that compute something:
 * a functional model's `InputLayer` is left out, so a Sequential model and the same network built
 * functionally (as `replaceHead` does) number their layers alike.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';

/** A tfjs-layers layer. */
export type Layer = tfl.LayersModel['layers'][number];

/**
 * Which layers: `{upTo}` is every layer before the one named or indexed (exclusive; a negative index
 * counts from the end, so `{upTo: -1}` is every layer but the last); `{layers}` lists names or indices.
 */
export type LayerSelector = { readonly upTo: number | string } | { readonly layers: readonly (number | string)[] };

/** The layers of `model` that count for selectors (all but input layers), in order. */
export function modelLayers(model: tfl.LayersModel): Layer[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer');
}

/** Resolve a selector (or a list of layer objects of `model`) to layers, in model order, each once. */
export function selectLayers(where: string, model: tfl.LayersModel, selector: LayerSelector | readonly Layer[], field = 'selector'): Layer[] {
  const all = modelLayers(model);
  if (Array.isArray(selector)) {
    const list = selector as readonly unknown[];
    list.forEach((l, i) => {
      if (!all.includes(l as Layer)) throw configError(where, `${field}[${i}]`, `is not a layer of this model (its layers: ${names(all)})`, l);
    });
    return all.filter((l) => list.includes(l));
  }
  if (selector === null || typeof selector !== 'object') throw configError(where, field, 'must be {upTo}, {layers} or an array of layers', selector);
  const s = selector as Record<string, unknown>;
  const keys = Object.keys(s);
  if (keys.length !== 1 || (keys[0] !== 'upTo' && keys[0] !== 'layers')) {
    throw configError(where, field, `must have exactly one of 'upTo' or 'layers' (got ${keys.length === 0 ? 'none' : keys.join(', ')})`);
  }
  if ('upTo' in s) return all.slice(0, indexOf(where, all, s.upTo, `${field}.upTo`, true));
  if (!Array.isArray(s.layers)) throw configError(where, `${field}.layers`, 'must be an array of layer names or indices', s.layers);
  const picked = new Set((s.layers as unknown[]).map((l, i) => indexOf(where, all, l, `${field}.layers[${i}]`, false)));
  return all.filter((_, i) => picked.has(i));
}

function indexOf(where: string, all: readonly Layer[], ref: unknown, field: string, end: boolean): number {
  const n = all.length;
  if (typeof ref === 'string') {
    const i = all.findIndex((l) => l.name === ref);
    if (i < 0) throw configError(where, field, `names no layer of this model (its layers: ${names(all)})`, ref);
    return i;
  }
  // `upTo` may be n (every layer); a listed index must name a layer.
  const hi = end ? n : n - 1;
  if (typeof ref !== 'number' || !Number.isInteger(ref) || ref > hi || ref < -n) {
    throw configError(where, field, `must be a layer name or an integer index in [${-n}, ${hi}] (the model has ${n} layers: ${names(all)})`, ref);
  }
  return ref < 0 ? n + ref : ref;
}

function names(layers: readonly Layer[]): string {
  return layers.map((l, i) => `${i} '${l.name}'`).join(', ');
}

/**
 * The layers of `model` a selector names, in model order.
 *
 * @example
 * ```ts
 * import { layersOf } from 'rxtrain';
 * const lastTwo = layersOf(model, { layers: [-3, -2] }); // the two layers before the head
 * ```
 */
export function layersOf(model: tfl.LayersModel, selector: LayerSelector): Layer[] {
  if (model === null || typeof model !== 'object' || !Array.isArray((model as tfl.LayersModel).layers)) throw configError('layersOf()', 'model', 'must be a tfjs-layers LayersModel', model);
  return selectLayers('layersOf()', model, selector);
}
