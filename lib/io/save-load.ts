/**
 * Save a layers model to a folder and load it back, in the tfjs `model.json` + `weights.bin` format
 * (a folder, lib/io/file-io.ts; or a tfjs URL such as `indexeddb://name` in a browser: lib/io/io-for.ts). Saving goes through a {@link ModelSnapshot}: the weights are cloned at one
 * instant (cheap: a clone shares the data until a training step replaces a variable's values) and
 * encoded later, so a save that takes a while still writes one epoch's weights, even if training goes
 * on meanwhile.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';
import { ioFor } from './io-for.js';

/** A weight's name and values. */
export interface NamedWeight {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/** The topology and a frozen copy of the weights of a model at one instant. Owns its tensors. */
export interface ModelSnapshot {
  readonly topology: object;
  readonly weights: readonly NamedWeight[];
  readonly userDefinedMetadata?: { [key: string]: {} };
}

/**
 * Take a snapshot of a model: its topology and a clone of every weight. Free it with
 * {@link disposeSnapshot}.
 */
export function snapshotModel(model: tfl.LayersModel): ModelSnapshot {
  const topology = model.toJSON(null, false) as object;
  const metadata = model.getUserDefinedMetadata() as { [key: string]: {} } | undefined;
  const values = model.getWeights();
  const weights = model.weights.map((w, i) => ({ name: w.originalName, tensor: tf.clone(values[i] as tf.Tensor) }));
  return metadata == null ? { topology, weights } : { topology, weights, userDefinedMetadata: metadata };
}

/** Free the tensors a snapshot holds. */
export function disposeSnapshot(snapshot: ModelSnapshot): void {
  tf.dispose(snapshot.weights.map((w) => w.tensor));
}

/** Write a snapshot to `dir` (does not dispose it). */
export async function saveSnapshot(snapshot: ModelSnapshot, dir: string): Promise<tf.io.SaveResult> {
  const { data, specs } = await tf.io.encodeWeights(snapshot.weights.map((w) => ({ name: w.name, tensor: w.tensor })));
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: snapshot.topology,
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
  };
  if (snapshot.userDefinedMetadata) artifacts.userDefinedMetadata = snapshot.userDefinedMetadata;
  const handler = await ioFor(dir, 'save');
  return handler.save!(artifacts);
}

/**
 * Save a layers model to a folder as `model.json` + `weights.bin` (what tfjs-node's `file://` writes).
 *
 * @example
 * ```ts
 * import { saveModel, loadModel } from 'rxtrain';
 * await saveModel(model, './models/digits');
 * const same = await loadModel('./models/digits');
 * ```
 *
 * @param model The model to save.
 * @param dir The folder, created if missing; an existing model there is replaced.
 * @returns What tfjs reports about the saved artifacts.
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  checkDir('saveModel()', dir);
  if (!(model instanceof tfl.LayersModel)) {
    throw configError('saveModel()', 'model', 'must be a tfjs-layers LayersModel', model);
  }
  const snapshot = snapshotModel(model);
  try {
    return await saveSnapshot(snapshot, dir);
  } finally {
    disposeSnapshot(snapshot);
  }
}

/**
 * Load a layers model saved by {@link saveModel}, by tfjs-node's `file://`, or by the tfjs converter.
 *
 * @example
 * ```ts
 * import { loadModel } from 'rxtrain';
 * const model = await loadModel('./models/digits');
 * ```
 *
 * @param dir The folder holding `model.json` (or the path of the `model.json` itself).
 * @returns The model with its weights; errors name the file and what is missing or wrong.
 */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  checkDir('loadModel()', dir);
  return tfl.loadLayersModel(await ioFor(dir, 'load'));
}

function checkDir(where: string, dir: unknown): void {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw configError(where, 'dir', 'must be a non-empty string', dir);
  }
}
