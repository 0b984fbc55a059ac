/**
 * An ensemble is a model: `predict`, `evaluate`, `save`, and `loadEnsemble` to read one back. Its
 * members are tfjs-layers models; how their outputs combine is plain data (`mean` of probabilities,
 * `vote` of predicted classes, optionally weighted), so a saved ensemble is its members' folders in the
 * tfjs format plus one small `ensemble.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RxtrainError, configError } from '../errors.js';
import { predictAll, type EvaluationSource } from '../evaluate.js';
import { toArrayDataset } from '../data/batches.js';
import { classIdsOf } from '../data/one-hot.js';
import type { ArrayDataset } from '../data/types.js';
import { loadModel, saveModel } from '../io/save-load.js';
import { modelSignature } from '../check-model-data.js';

/**
 * How members' outputs combine: the mean of their class probabilities, a vote of their predicted
 * classes, or `stack`: a meta-model reads the members' probabilities side by side (stacking).
 */
export type Combine = 'mean' | 'vote' | 'stack';

export interface Ensemble {
  readonly kind: string;
  readonly members: readonly tfl.LayersModel[];
  readonly combine: Combine;
  /** One weight per member (all 1 unless given, e.g. boosting's). */
  readonly weights: readonly number[];
  /** Number of classes every member predicts. */
  readonly classes: number;
  /** The meta-model of a `stack` ensemble: input `[members × classes]`, output `[classes]`. */
  readonly meta?: tfl.LayersModel;
  /** Combined class scores of every sample (`[n, classes]`, rows summing to 1). */
  predict(data: EvaluationSource): { values: Float32Array; shape: [number, number] };
  /** Accuracy and cross-entropy of the combined scores (scores clipped at 1e-7 for the log). */
  evaluate(data: EvaluationSource): { loss: number; accuracy: number };
  /** Save members to `dir/member-<i>/` (tfjs `model.json` + `weights.bin`) and `dir/ensemble.json`. */
  save(dir: string): Promise<void>;
  /** Dispose every member. */
  dispose(): void;
}

export interface EnsembleConfig {
  readonly kind?: string;
  readonly members: readonly tfl.LayersModel[];
  /** Default `'mean'`. */
  readonly combine?: Combine;
  /** Member weights (> 0). Default: all 1. */
  readonly weights?: readonly number[];
  /** With `combine: 'stack'`: the trained meta-model. */
  readonly meta?: tfl.LayersModel;
}

const where = 'ensemble()';

/**
 * Combine trained models into one: the building block of bagging, boosting and `topK`.
 *
 * @example
 * ```ts
 * import { ensemble } from 'rxtrain';
 * const e = ensemble({ members: [a, b, c], combine: 'vote' });
 * console.log(e.evaluate(test).accuracy);
 * await e.save('./models/digits-vote');
 * ```
 * @throws RxtrainError `SHAPE_MISMATCH` naming the member whose input shape or classes differ from
 *   member 0's; `INVALID_CONFIG` naming the field otherwise.
 */
export function ensemble(config: EnsembleConfig): Ensemble {
  if (config === null || typeof config !== 'object') throw configError(where, 'config', 'must be an object', config);
  const members = config.members;
  if (!Array.isArray(members) || members.length === 0) throw configError(where, 'members', 'must be a non-empty array of models', members);
  const combine = config.combine ?? 'mean';
  if (combine !== 'mean' && combine !== 'vote' && combine !== 'stack') throw configError(where, 'combine', "must be 'mean', 'vote' or 'stack'", combine);
  const weights = config.weights ?? members.map(() => 1);
  if (!Array.isArray(weights) || weights.length !== members.length || weights.some((w) => typeof w !== 'number' || !(w > 0) || !Number.isFinite(w))) {
    throw configError(where, 'weights', `must be ${members.length} finite numbers > 0 (one per member)`, weights);
  }
  const sig = signatureOf(members[0], 0);
  members.forEach((m, i) => {
    const s = signatureOf(m, i);
    if (s.inputShape.join() !== sig.inputShape.join()) {
      throw new RxtrainError('SHAPE_MISMATCH', `${where}: member ${i} takes samples of shape [${s.inputShape.join(', ')}] but member 0 takes [${sig.inputShape.join(', ')}]`, { member: i, expected: sig.inputShape, actual: s.inputShape });
    }
    if (s.classes !== sig.classes) {
      throw new RxtrainError('SHAPE_MISMATCH', `${where}: member ${i} predicts ${s.classes} classes but member 0 predicts ${sig.classes}`, { member: i, expected: sig.classes, actual: s.classes });
    }
  });
  if (sig.classes < 2) throw new RxtrainError('SHAPE_MISMATCH', `${where}: members must have a softmax output of at least 2 classes (member 0 has ${sig.classes} output)`);
  const classes = sig.classes;
  const meta = config.meta;
  if ((combine === 'stack') !== (meta !== undefined)) throw configError(where, 'meta', combine === 'stack' ? "is required with combine 'stack'" : "is only for combine 'stack'");
  if (meta) {
    const m = modelSignature(meta);
    if (m.inputShape.join() !== String(members.length * classes) || m.classes !== classes) {
      throw new RxtrainError('SHAPE_MISMATCH', `${where}: the meta-model maps [${m.inputShape.join(', ')}] to ${m.classes} classes; it must map [${members.length * classes}] (${members.length} members × ${classes} classes) to ${classes}`);
    }
  }
  const kind = config.kind ?? 'ensemble';
  const total = weights.reduce((a, b) => a + b, 0);

  const self: Ensemble = {
    kind,
    members,
    combine,
    weights,
    classes,
    ...(meta ? { meta } : {}),
    predict(data) {
      const ds = toArrayDataset(data);
      const inShape = ds.xShape.join();
      if (inShape !== sig.inputShape.join()) {
        throw new RxtrainError('SHAPE_MISMATCH', `${kind}.predict(): the members take samples of shape [${sig.inputShape.join(', ')}] but the data has [${ds.xShape.join(', ')}]`);
      }
      if (meta) return stackPredict(meta, members, ds, classes);
      const out = new Float32Array(ds.length * classes);
      members.forEach((m, k) => {
        const w = weights[k]! / total;
        const { values } = predictAll(m, ds);
        for (let i = 0; i < ds.length; i++) {
          if (combine === 'mean') {
            for (let c = 0; c < classes; c++) out[i * classes + c]! += w * values[i * classes + c]!;
          } else {
            out[i * classes + argmax(values, i * classes, classes)]! += w;
          }
        }
      });
      return { values: out, shape: [ds.length, classes] };
    },
    evaluate(data) {
      const ds = toArrayDataset(data);
      const ids = classIdsOf(ds);
      if (!ids) throw new RxtrainError('SHAPE_MISMATCH', `${kind}.evaluate(): the data needs class labels`);
      const { values } = self.predict(ds);
      let correct = 0;
      let loss = 0;
      for (let i = 0; i < ds.length; i++) {
        const y = ids[i]!;
        if (y >= classes) throw new RxtrainError('SHAPE_MISMATCH', `${kind}.evaluate(): sample ${i} has class ${y} but the members predict ${classes} classes`);
        if (argmax(values, i * classes, classes) === y) correct++;
        loss -= Math.log(Math.max(values[i * classes + y]!, 1e-7));
      }
      return { loss: loss / ds.length, accuracy: correct / ds.length };
    },
    async save(dir) {
      if (typeof dir !== 'string' || dir.length === 0) throw configError(`${kind}.save()`, 'dir', 'must be a non-empty string', dir);
      mkdirSync(dir, { recursive: true });
      const names = members.map((_, i) => `member-${i}`);
      for (let i = 0; i < members.length; i++) await saveModel(members[i]!, join(dir, names[i]!));
      if (meta) await saveModel(meta, join(dir, 'meta'));
      const manifest: EnsembleManifest = { format: 'rxtrain-ensemble', version: 1, kind, combine, weights: [...weights], members: names, ...(meta ? { meta: 'meta' } : {}) };
      writeFileSync(join(dir, 'ensemble.json'), JSON.stringify(manifest, null, 2) + '\n');
    },
    dispose() {
      for (const m of members) m.dispose();
      meta?.dispose();
    },
  };
  return self;
}

/** What `ensemble.json` holds. */
export interface EnsembleManifest {
  readonly format: 'rxtrain-ensemble';
  readonly version: 1;
  readonly kind: string;
  readonly combine: Combine;
  readonly weights: number[];
  /** Member folders, relative to the ensemble's folder. */
  readonly members: string[];
  /** The meta-model's folder (stacking). */
  readonly meta?: string;
}

/**
 * Load an ensemble saved by `save()`.
 *
 * @example
 * ```ts
 * import { loadEnsemble } from 'rxtrain';
 * const e = await loadEnsemble('./models/digits-bagging');
 * ```
 * @throws RxtrainError `DATA_FORMAT` when `ensemble.json` is missing or not an rxtrain ensemble.
 */
export async function loadEnsemble(dir: string): Promise<Ensemble> {
  if (typeof dir !== 'string' || dir.length === 0) throw configError('loadEnsemble()', 'dir', 'must be a non-empty string', dir);
  const file = join(dir, 'ensemble.json');
  let manifest: EnsembleManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as EnsembleManifest;
  } catch (err) {
    throw new RxtrainError('DATA_FORMAT', `loadEnsemble(): cannot read ${file}: ${(err as Error).message}`, { file }, { cause: err });
  }
  if (manifest?.format !== 'rxtrain-ensemble' || !Array.isArray(manifest.members)) {
    throw new RxtrainError('DATA_FORMAT', `loadEnsemble(): ${file} is not an rxtrain ensemble (format ${JSON.stringify(manifest?.format)})`, { file });
  }
  // Everything loaded so far, freed if a later member fails to load or the members do not fit together.
  const loaded: tfl.LayersModel[] = [];
  const load = async (sub: string): Promise<tfl.LayersModel> => {
    const model = await loadModel(join(dir, sub));
    loaded.push(model);
    return model;
  };
  try {
    const members: tfl.LayersModel[] = [];
    for (const m of manifest.members) members.push(await load(m));
    const meta = manifest.meta ? await load(manifest.meta) : undefined;
    return ensemble({ kind: manifest.kind, members, combine: manifest.combine, weights: manifest.weights, ...(meta ? { meta } : {}) });
  } catch (err) {
    for (const m of loaded) m.dispose();
    throw err;
  }
}

/** Members' probabilities side by side: the meta-model's input, `[n, members × classes]`. */
export function stackFeatures(members: readonly tfl.LayersModel[], data: EvaluationSource, classes: number): Float32Array {
  const ds = toArrayDataset(data);
  const width = members.length * classes;
  const out = new Float32Array(ds.length * width);
  members.forEach((m, k) => {
    const { values } = predictAll(m, ds);
    for (let i = 0; i < ds.length; i++) out.set(values.subarray(i * classes, (i + 1) * classes), i * width + k * classes);
  });
  return out;
}

function stackPredict(meta: tfl.LayersModel, members: readonly tfl.LayersModel[], ds: ArrayDataset, classes: number): { values: Float32Array; shape: [number, number] } {
  const x = stackFeatures(members, ds, classes);
  const { values } = predictAll(meta, { x, xShape: [members.length * classes], y: new Int32Array(ds.length), yShape: [], length: ds.length });
  return { values, shape: [ds.length, classes] };
}

function signatureOf(m: unknown, i: number): { inputShape: number[]; classes: number } {
  if (m === null || typeof m !== 'object' || !Array.isArray((m as tfl.LayersModel).inputs)) throw configError(where, `members[${i}]`, 'must be a tfjs-layers LayersModel', m);
  return modelSignature(m as tfl.LayersModel);
}

function argmax(values: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (values[offset + c]! > values[offset + best]!) best = c;
  return best;
}
