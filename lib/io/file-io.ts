/**
 * A tfjs `io.IOHandler` for the local filesystem, for the pure-JS tfjs packages (which, unlike
 * tfjs-node, have no `file://` handler). It writes and reads exactly the layout tfjs-node's `file://`
 * uses: a folder with `model.json` (topology plus a `weightsManifest` that names `weights.bin`) and
 * `weights.bin` (every weight's values, concatenated in manifest order). Either side can read what the
 * other wrote.
 *
 * Saving writes `weights.bin` first, then `model.json`, each to a temporary file in the same folder that
 * is synced and renamed over the old one: a reader (or a crash) sees the old model or the new one, never
 * a half-written file, and `model.json` never points at weights that are not there yet.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { io } from '@tensorflow/tfjs-core';
import { configError, RxtrainError } from '../errors.js';
import { prod } from '../data/from-arrays.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * A tfjs IO handler that saves to and loads from a folder.
 *
 * @example
 * ```ts
 * import { fileIO } from 'rxtrain';
 * await model.save(fileIO('./models/digits'));
 * const again = await tfl.loadLayersModel(fileIO('./models/digits'));
 * ```
 *
 * @param path The folder (created on save if missing). For loading, the path of a `model.json` works too.
 * @returns An `io.IOHandler` with `save` and `load`.
 */
export function fileIO(path: string): io.IOHandler {
  if (typeof path !== 'string' || path.length === 0) {
    throw configError('fileIO()', 'path', 'must be a non-empty string', path);
  }
  return { save: (artifacts) => saveArtifacts(path, artifacts), load: () => loadArtifacts(path) };
}

async function saveArtifacts(dir: string, artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new RxtrainError('INVALID_CONFIG', `fileIO(): cannot save to ${dir}: a binary model topology is not supported (layers models give JSON)`, { path: dir });
  }
  const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJSON: io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) modelJSON.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) modelJSON.initializerSignature = artifacts.initializerSignature;
  if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;

  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw storageError(`cannot create the model folder ${dir}`, dir, err);
  }
  await writeAtomically(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
  await writeAtomically(join(dir, MODEL_JSON), Buffer.from(JSON.stringify(modelJSON), 'utf8'));
  return { modelArtifactsInfo: io.getModelArtifactsInfoForJSON(artifacts) };
}

async function writeAtomically(path: string, data: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw storageError(`cannot write ${path}`, path, err);
  }
}

async function loadArtifacts(path: string): Promise<io.ModelArtifacts> {
  const jsonPath = path.endsWith('.json') ? path : join(path, MODEL_JSON);
  const dir = dirname(jsonPath);
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new RxtrainError('DATA_MISSING', `loadModel: ${jsonPath} does not exist (a saved model is a folder with ${MODEL_JSON} and ${WEIGHTS_BIN})`, { path: jsonPath }, { cause: err });
    throw storageError(`cannot read ${jsonPath}`, jsonPath, err);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw formatError(jsonPath, `is not valid JSON (${(err as Error).message})`, err);
  }
  assertModelJSON(jsonPath, parsed);
  return io.getModelArtifactsForJSON(parsed, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers: Uint8Array[] = [];
    for (const group of manifest) {
      for (const p of group.paths) {
        const file = isAbsolute(p) ? p : resolve(dir, p);
        try {
          buffers.push(await readFile(file));
        } catch (err) {
          if ((err as { code?: string }).code === 'ENOENT') {
            throw new RxtrainError('DATA_MISSING', `loadModel: ${file} does not exist (${jsonPath} lists it in weightsManifest)`, { path: file }, { cause: err });
          }
          throw storageError(`cannot read ${file}`, file, err);
        }
      }
    }
    const data = io.concatenateArrayBuffers(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
    const expected = expectedBytes(specs);
    if (expected !== undefined && expected !== data.byteLength) {
      const files = manifest.flatMap((g) => g.paths).join(', ');
      throw formatError(jsonPath, `lists weights of ${expected} bytes, but ${files} hold${manifest.flatMap((g) => g.paths).length === 1 ? 's' : ''} ${data.byteLength}`);
    }
    return [specs, data];
  });
}

/** Check the parts of a model.json that loading reads: its topology and its weights manifest. */
function assertModelJSON(path: string, value: unknown): asserts value is io.ModelJSON {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw formatError(path, 'is not a JSON object');
  const m = value as Record<string, unknown>;
  if (m.modelTopology === null || typeof m.modelTopology !== 'object') throw formatError(path, "has no 'modelTopology' object");
  if (!Array.isArray(m.weightsManifest)) throw formatError(path, "has no 'weightsManifest' array");
  m.weightsManifest.forEach((group: unknown, i: number) => {
    const g = group as { paths?: unknown; weights?: unknown } | null;
    if (!g || !Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string' && p.length > 0)) {
      throw formatError(path, `weightsManifest[${i}] has no 'paths' array of file names`);
    }
    if (!Array.isArray(g.weights)) throw formatError(path, `weightsManifest[${i}] has no 'weights' array`);
    (g.weights as unknown[]).forEach((w, j) => {
      const s = w as { name?: unknown; shape?: unknown; dtype?: unknown } | null;
      if (!s || typeof s.name !== 'string' || !Array.isArray(s.shape) || typeof s.dtype !== 'string') {
        throw formatError(path, `weightsManifest[${i}].weights[${j}] needs 'name', 'shape' and 'dtype'`);
      }
    });
  });
}

const bytesPer: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the weights take in the file, or undefined when a string weight makes it unknowable up front. */
function expectedBytes(specs: readonly io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const s of specs) {
    const per = bytesPer[s.quantization?.dtype ?? s.dtype];
    if (per === undefined) return undefined;
    total += per * prod(s.shape);
  }
  return total;
}

function formatError(path: string, what: string, cause?: unknown): RxtrainError {
  return new RxtrainError('DATA_FORMAT', `loadModel: ${path} ${what}`, { path }, cause === undefined ? undefined : { cause });
}

function storageError(what: string, path: string, cause: unknown): RxtrainError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new RxtrainError('STORAGE', `fileIO(): ${what}${why}`, { path }, { cause });
}
