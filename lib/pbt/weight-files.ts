/**
 * Named tensors to and from a pair of files in a folder, `<base>.json` (the weight specs and whatever
 * the caller adds) and `<base>.bin` (the values, tfjs's `encodeWeights`), each written to a temporary
 * file and renamed, the `.bin` first: the `.json` never names values that are not there yet. The
 * optimizer's state and a member's loose variables are kept this way.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedWeight } from '../io/save-load.js';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RxtrainError } from '../errors.js';

export interface WeightsManifest {
  readonly specs: tf.io.WeightsManifestEntry[];
}

export async function writeWeightFiles(dir: string, base: string, tensors: readonly NamedWeight[], manifest: Record<string, unknown>): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors.map((w) => ({ name: w.name, tensor: w.tensor })));
  await mkdir(dir, { recursive: true });
  const bin = join(dir, `.${base}.bin.tmp`);
  await writeFile(bin, new Uint8Array(data));
  await rename(bin, join(dir, `${base}.bin`));
  const json = join(dir, `.${base}.json.tmp`);
  await writeFile(json, JSON.stringify({ ...manifest, specs }));
  await rename(json, join(dir, `${base}.json`));
}

/** The manifest (`<base>.json`), read and parsed; a missing or broken file is a DATA_MISSING naming it. */
export async function readWeightsManifest<M extends WeightsManifest>(dir: string, base: string, what: string): Promise<M> {
  const file = join(dir, `${base}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as M;
  } catch (err) {
    throw new RxtrainError('DATA_MISSING', `cannot read the ${what} ${file}: ${(err as Error).message}`, { path: file }, { cause: err });
  }
}

/** The tensors `<base>.bin` holds as `manifest` describes them, by spec name; the caller frees them. */
export async function readWeightValues(dir: string, base: string, manifest: WeightsManifest): Promise<tf.NamedTensorMap> {
  const buffer = await readFile(join(dir, `${base}.bin`));
  const data = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
  return tf.io.decodeWeights(data, manifest.specs);
}
