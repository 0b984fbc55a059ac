/**
 * An optimizer's state (iteration count, Adam's moments, momentum's accumulators, ...) to and from a
 * checkpoint folder, beside the model's `model.json` + `weights.bin`: `optimizer.json` (weight specs)
 * and `optimizer.bin`, through `optimizer.getWeights()` / `setWeights()`. Weights are stored in order
 * under positional names, because tfjs optimizers match their state to variables by position.
 */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { RxtrainError } from '../errors.js';
import { setOptimizerWeights, withOptimizerWeights } from './optimizer-weights.js';
import { readWeightValues, readWeightsManifest, writeWeightFiles, type WeightsManifest } from './weight-files.js';

export const OPTIMIZER_JSON = 'optimizer.json';
export const OPTIMIZER_BIN = 'optimizer.bin';
const BASE = 'optimizer';

export async function saveOptimizerState(opt: tf.Optimizer, dir: string): Promise<void> {
  await withOptimizerWeights(opt, (weights) =>
    writeWeightFiles(dir, BASE, weights.map((w, i) => ({ name: `w${i}`, tensor: w.tensor })), { optimizer: opt.getClassName(), names: weights.map((w) => w.name) }),
  );
}

export async function loadOptimizerState(opt: tf.Optimizer, dir: string): Promise<void> {
  const manifest = await readWeightsManifest<WeightsManifest & { optimizer: string; names: string[] }>(dir, BASE, 'optimizer state');
  if (manifest.optimizer !== opt.getClassName()) {
    const file = join(dir, OPTIMIZER_JSON);
    throw new RxtrainError('INVALID_CONFIG', `the optimizer state in ${file} is a ${manifest.optimizer}'s, not a ${opt.getClassName()}'s`, { path: file });
  }
  const decoded = await readWeightValues(dir, BASE, manifest);
  try {
    await setOptimizerWeights(opt, manifest.specs.map((s, i) => ({ name: manifest.names[i] ?? s.name, tensor: decoded[s.name]! })));
  } finally {
    tf.dispose(Object.values(decoded));
  }
}
