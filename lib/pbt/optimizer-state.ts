/**
 * An optimizer's state (iteration count, Adam's moments, momentum's accumulators, ...) to and from a
 * checkpoint folder, beside the model's `model.json` + `weights.bin`: `optimizer.json` (weight specs)
 * and `optimizer.bin`, through `optimizer.getWeights()` / `setWeights()`. Weights are stored in order
 * under positional names, because tfjs optimizers match their state to variables by position.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RxtrainError } from '../errors.js';

export const OPTIMIZER_JSON = 'optimizer.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

export async function saveOptimizerState(opt: tf.Optimizer, dir: string): Promise<void> {
  const weights = await opt.getWeights();
  try {
    const { data, specs } = await tf.io.encodeWeights(weights.map((w, i) => ({ name: `w${i}`, tensor: w.tensor })));
    await mkdir(dir, { recursive: true });
    const bin = join(dir, `.${OPTIMIZER_BIN}.tmp`);
    await writeFile(bin, new Uint8Array(data));
    await rename(bin, join(dir, OPTIMIZER_BIN));
    const json = join(dir, `.${OPTIMIZER_JSON}.tmp`);
    await writeFile(json, JSON.stringify({ optimizer: opt.getClassName(), names: weights.map((w) => w.name), specs }));
    await rename(json, join(dir, OPTIMIZER_JSON));
  } finally {
    // getWeights makes a new iteration scalar (always first); the rest are the optimizer's own variables.
    weights[0]?.tensor.dispose();
  }
}

export async function loadOptimizerState(opt: tf.Optimizer, dir: string): Promise<void> {
  const file = join(dir, OPTIMIZER_JSON);
  let manifest: { optimizer: string; names: string[]; specs: tf.io.WeightsManifestEntry[] };
  try {
    manifest = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new RxtrainError('DATA_MISSING', `cannot read the optimizer state ${file}: ${(err as Error).message}`, { path: file }, { cause: err });
  }
  if (manifest.optimizer !== opt.getClassName()) {
    throw new RxtrainError('INVALID_CONFIG', `the optimizer state in ${file} is a ${manifest.optimizer}'s, not a ${opt.getClassName()}'s`, { path: file });
  }
  const buffer = await readFile(join(dir, OPTIMIZER_BIN));
  const data = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
  const decoded = tf.io.decodeWeights(data, manifest.specs);
  const values = manifest.specs.map((s, i) => ({ name: manifest.names[i] ?? s.name, tensor: decoded[s.name]! }));
  const before = await opt.getWeights();
  try {
    await opt.setWeights(values);
  } finally {
    const after = await opt.getWeights();
    const live = new Set(after.slice(1).map((w) => w.tensor));
    // setWeights replaces the state variables without freeing the old ones; the decoded tensors were
    // copied into new variables; the iteration scalars are fresh copies.
    for (const w of before.slice(1)) if (!live.has(w.tensor)) w.tensor.dispose();
    before[0]?.tensor.dispose();
    after[0]?.tensor.dispose();
    tf.dispose(Object.values(decoded));
  }
}
