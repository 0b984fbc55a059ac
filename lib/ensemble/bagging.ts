/**
 * Bagging: members trained on bootstrap resamples of the training data, their predictions averaged
 * (or voted). Like scikit-learn's BaggingClassifier, with neural members.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';
import { createRandom, hashSeed } from '../random.js';
import { subset } from '../data/split.js';
import type { ArrayDataset } from '../data/types.js';
import { booleanField, finiteNumber, numberInRange, positiveInt, requireObject, knownFields } from '../validate.js';
import { ensemble, type Combine, type Ensemble } from './ensemble.js';
import { memberTraining, trainMembers, type MemberTraining } from './train-members.js';

export interface BaggingConfig {
  /** Number of members. */
  readonly members: number;
  /** A new untrained model for member `index`, initialised from `seed`. */
  readonly build: (seed: number, index: number) => tfl.LayersModel;
  /** Training data. */
  readonly data: ArrayDataset;
  /** How each member's options of `train()` (epochs, batch size, optimizer, ...). */
  readonly train: MemberTraining;
  /**
   * Resample with replacement: `true` (default) draws as many samples as the data has, a fraction in
   * (0, 1] draws that share; `false` trains every member on all the data (only seeds differ).
   */
  readonly bootstrap?: boolean | number;
  /** Seed of the resamples and of the members' seeds. Default 0. */
  readonly seed?: number;
  /** Members training at once. Default 1. */
  readonly concurrency?: number;
  /** Default `'mean'`. */
  readonly combine?: Combine;
}

const where = 'bagging()';

/**
 * Train `members` models on bootstrap resamples and combine them.
 *
 * Intuition: each member sees a slightly different data set and so makes different mistakes;
 * averaging them cancels part of the mistakes (variance), not the shared ones (bias).
 *
 * @example
 * ```ts
 * import { bagging, mlp, wine, split } from 'rxtrain';
 * const { train, test } = split(wine(), { test: 0.3, seed: 1 });
 * const e = await bagging({ members: 5, data: train, seed: 1, concurrency: 2,
 *   build: (seed) => mlp({ inputShape: [13], units: [16], classes: 3, seed }), train: { epochs: 50 } });
 * console.log(e.evaluate(test).accuracy);
 * ```
 * @returns The trained ensemble (kind `'bagging'`).
 */
export async function bagging(config: BaggingConfig): Promise<Ensemble> {
  const c = requireObject(where, config);
  knownFields(where, c, ['members', 'build', 'data', 'train', 'bootstrap', 'seed', 'concurrency', 'combine']);
  const count = positiveInt(where, 'members', c.members);
  if (typeof c.build !== 'function') throw configError(where, 'build', 'must be a function (seed, index) => model', c.build);
  const data = c.data as ArrayDataset;
  if (data === null || typeof data !== 'object' || !('xShape' in data) || data.length === 0) throw configError(where, 'data', 'must be a non-empty ArrayDataset', data);
  const training = memberTraining(where, 'train', config.train);
  const bootstrap = c.bootstrap === undefined ? 1 : typeof c.bootstrap === 'boolean' ? (booleanField(where, 'bootstrap', c.bootstrap) ? 1 : 0) : numberInRange(where, 'bootstrap', c.bootstrap, 0, 1, { loOpen: true });
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  const concurrency = c.concurrency === undefined ? 1 : positiveInt(where, 'concurrency', c.concurrency);
  const combine = (c.combine ?? 'mean') as Combine;
  if (combine !== 'mean' && combine !== 'vote') throw configError(where, 'combine', "must be 'mean' or 'vote'", combine);

  const jobs = Array.from({ length: count }, (_, index) => {
    const memberSeed = hashSeed(seed, 'bagging member', index);
    if (bootstrap === 0) return { index, seed: memberSeed, data };
    const random = createRandom(hashSeed(memberSeed, 'bootstrap'));
    const n = Math.max(1, Math.round(bootstrap * data.length));
    const indices = Int32Array.from({ length: n }, () => random.int(data.length));
    return { index, seed: memberSeed, data: subset(data, indices) };
  });
  const members = await trainMembers(where, jobs, config.build, training, concurrency);
  return ensemble({ kind: 'bagging', members, combine });
}
