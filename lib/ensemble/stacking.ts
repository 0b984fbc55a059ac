/**
 * Stacking: a meta-model learns how to combine the members, from their out-of-fold predictions (each
 * sample's member predictions come from members that did not train on it, as scikit-learn's
 * StackingClassifier does with `cross_val_predict`). The members are then retrained on all the data.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { lastValueFrom } from 'rxjs';
import { configError } from '../errors.js';
import { createRandom, hashSeed, permutation } from '../random.js';
import { subset } from '../data/split.js';
import { classIdsOf } from '../data/one-hot.js';
import type { ArrayDataset } from '../data/types.js';
import { mlp } from '../models/mlp.js';
import { train } from '../train.js';
import { finiteNumber, knownFields, positiveInt, requireObject } from '../validate.js';
import { classCount } from '../check-model-data.js';
import { ensemble, stackFeatures, type Ensemble } from './ensemble.js';
import { memberTraining, trainMembers, type MemberJob, type MemberTraining } from './train-members.js';

export interface StackingConfig {
  /** One builder per member (they may differ: stacking learns to weigh different kinds of models). */
  readonly members: readonly ((seed: number) => tfl.LayersModel)[];
  /** The meta-model for `inputs` (= members × classes) features. Default: multinomial logistic regression. */
  readonly meta?: (seed: number, inputs: number, classes: number) => tfl.LayersModel;
  /** Folds of the out-of-fold predictions (≥ 2). Default 5. */
  readonly folds?: number;
  readonly data: ArrayDataset;
  /** Each member's options of `train()`. */
  readonly train: MemberTraining;
  /** The meta-model's options of `train()`. Default `{epochs: 50, optimizer: {name: 'adam', lr: 0.01}}`. */
  readonly metaTrain?: MemberTraining;
  /** Default 0. */
  readonly seed?: number;
  /** Member trainings at once (members × (folds + 1) trainings in all). Default 1. */
  readonly concurrency?: number;
}

const where = 'stacking()';

/**
 * Train members with out-of-fold predictions, a meta-model on them, then the members on all the data.
 *
 * @example
 * ```ts
 * import { stacking, mlp } from 'rxtrain';
 * const e = await stacking({ data: train, folds: 5, seed: 1, concurrency: 2, train: { epochs: 30 },
 *   members: [(seed) => mlp({ inputShape: [13], units: [8], classes: 3, seed }),
 *             (seed) => mlp({ inputShape: [13], units: [], classes: 3, seed })] });
 * ```
 * @returns The ensemble (kind `'stacking'`, combine `'stack'`, with its `meta` model).
 */
export async function stacking(config: StackingConfig): Promise<Ensemble> {
  const c = requireObject(where, config);
  knownFields(where, c, ['members', 'meta', 'folds', 'data', 'train', 'metaTrain', 'seed', 'concurrency']);
  if (!Array.isArray(c.members) || c.members.length === 0 || c.members.some((b) => typeof b !== 'function')) {
    throw configError(where, 'members', 'must be a non-empty array of builders (seed) => model', c.members);
  }
  const builders = c.members as StackingConfig['members'];
  if (c.meta !== undefined && typeof c.meta !== 'function') throw configError(where, 'meta', 'must be a function (seed, inputs, classes) => model', c.meta);
  const folds = c.folds === undefined ? 5 : positiveInt(where, 'folds', c.folds);
  if (folds < 2) throw configError(where, 'folds', 'must be at least 2', folds);
  const data = c.data as ArrayDataset;
  if (data === null || typeof data !== 'object' || !('xShape' in data)) throw configError(where, 'data', 'must be an ArrayDataset', data);
  if (data.length < folds) throw configError(where, 'folds', `is ${folds} but the data has only ${data.length} samples`);
  const ids = classIdsOf(data);
  if (!ids) throw configError(where, 'data', 'needs class labels');
  const training = memberTraining(where, 'train', config.train);
  const metaTraining: MemberTraining = config.metaTrain === undefined ? { epochs: 50, optimizer: { name: 'adam', lr: 0.01 } } : memberTraining(where, 'metaTrain', config.metaTrain);
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  const concurrency = c.concurrency === undefined ? 1 : positiveInt(where, 'concurrency', c.concurrency);
  const K = classCount(data);
  const M = builders.length;
  const n = data.length;

  // Fold of each sample: a seeded permutation dealt round-robin.
  const order = permutation(n, createRandom(hashSeed(seed, 'stacking folds')));
  const foldOf = new Int32Array(n);
  order.forEach((s, pos) => (foldOf[s] = pos % folds));
  const inFold = (f: number, keep: boolean): number[] => Array.from({ length: n }, (_, i) => i).filter((i) => (foldOf[i] === f) === keep);

  const build = (s: number, index: number): tfl.LayersModel => builders[index % M]!(s);
  const memberSeed = (m: number): number => hashSeed(seed, 'stacking member', m);
  // Jobs: (fold f, member m) for the out-of-fold predictions, then each member on all the data.
  const oofJobs: MemberJob[] = [];
  for (let f = 0; f < folds; f++) {
    const part = subset(data, inFold(f, false));
    for (let m = 0; m < M; m++) oofJobs.push({ index: f * M + m, seed: memberSeed(m), data: part });
  }
  const finalJobs: MemberJob[] = builders.map((_, m) => ({ index: folds * M + m, seed: memberSeed(m), data }));
  const models = await trainMembers(where, [...oofJobs, ...finalJobs], build, training, concurrency);
  const finals = models.slice(folds * M);
  let meta: tfl.LayersModel | undefined;
  try {
    models.forEach((model, i) => {
      const out = model.outputs[0]?.shape.at(-1);
      if (out !== K) throw configError(where, `members[${i % M}]`, `made a model with ${out} outputs but the data has ${K} classes`);
    });
    const width = M * K;
    const oof = new Float32Array(n * width);
    for (let f = 0; f < folds; f++) {
      const rows = inFold(f, true);
      const feats = stackFeatures(models.slice(f * M, (f + 1) * M), subset(data, rows), K);
      rows.forEach((r, j) => oof.set(feats.subarray(j * width, (j + 1) * width), r * width));
    }
    const metaData: ArrayDataset = { x: oof, xShape: [width], y: Int32Array.from(ids), yShape: [], length: n };
    meta = c.meta ? (c.meta as NonNullable<StackingConfig['meta']>)(hashSeed(seed, 'meta'), width, K) : mlp({ inputShape: [width], units: [], classes: K, seed: hashSeed(seed, 'meta') % 100000 });
    await lastValueFrom(train(meta, metaData, { ...metaTraining, seed: hashSeed(seed, 'meta') }));
  } catch (err) {
    for (const m of finals) m.dispose();
    meta?.dispose();
    throw err;
  } finally {
    for (const m of models.slice(0, folds * M)) m.dispose();
  }
  return ensemble({ kind: 'stacking', members: finals, combine: 'stack', meta });
}
