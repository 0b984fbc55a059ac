/**
 * `pretrained(name)`: a model shipped in the package's `models/` folder (made by `examples/pretrain.ts`,
 * seeded), in the tfjs `model.json` + `weights.bin` format.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RxtrainError } from '../errors.js';
import { nonEmptyString } from '../validate.js';
import { loadModel } from '../io/save-load.js';
import { modelsDir } from './models-dir.js';

/** What `examples/pretrain.ts` records in a shipped model's metadata (`model.getUserDefinedMetadata()`). */
export interface PretrainedInfo {
  /** The model's name (its folder under `models/`). */
  readonly name: string;
  /** Class names of its output units, in order. */
  readonly classNames: readonly string[];
  /** What it was trained on and how. */
  readonly trainedOn: string;
  readonly seed: number;
  /** Accuracy on the held-out test images of its classes. */
  readonly testAccuracy: number;
}

/** Names of the shipped pre-trained models. */
export function pretrainedNames(): string[] {
  const dir = modelsDir();
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'model.json'))).map((d) => d.name).sort();
}

/**
 * Load a pre-trained model shipped with rxtrain (each call gives a new, independent copy).
 *
 * @example
 * ```ts
 * import { pretrained, pretrainedInfo } from 'rxtrain';
 * const base = await pretrained('fashion-cnn-0to4'); // a CNN for Fashion-MNIST classes 0-4
 * console.log(pretrainedInfo(base)?.classNames); // [ 'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat' ]
 * ```
 * @throws RxtrainError `DATA_MISSING` naming the model and the ones there are.
 */
export async function pretrained(name: string): Promise<tfl.LayersModel> {
  nonEmptyString('pretrained()', 'name', name);
  const dir = join(modelsDir(), name);
  if (/[\\/]|^\.\.?$/.test(name) || !existsSync(join(dir, 'model.json'))) {
    throw new RxtrainError('DATA_MISSING', `pretrained(): there is no shipped model '${name}' (there are: ${pretrainedNames().join(', ') || 'none'})`, { name });
  }
  return loadModel(dir);
}

/** The metadata `examples/pretrain.ts` stored with a model, if it has some. */
export function pretrainedInfo(model: tfl.LayersModel): PretrainedInfo | undefined {
  const meta = model.getUserDefinedMetadata() as { rxtrain?: PretrainedInfo } | undefined;
  return meta?.rxtrain;
}
