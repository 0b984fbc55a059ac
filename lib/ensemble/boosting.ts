/**
 * Boosting: multi-class AdaBoost (SAMME, Zhu et al. 2009) with small neural members. Each round trains
 * a member on a resample of the training data drawn by the current sample weights (sampling with
 * replacement, probability ∝ weight: tfjs models take no per-sample weights), then raises the weights
 * of the samples it got wrong. Members vote, each with its weight
 * `alpha = log((1 - err) / err) + log(K - 1)`.
 *
 * Rounds depend on each other, so members train one after the other (unlike bagging's parallel streams).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';
import { createRandom, hashSeed, type Random } from '../random.js';
import { subset } from '../data/split.js';
import { classIdsOf } from '../data/one-hot.js';
import type { ArrayDataset } from '../data/types.js';
import { predictAll } from '../evaluate.js';
import { finiteNumber, knownFields, positiveInt, requireObject } from '../validate.js';
import { classCount } from '../check-model-data.js';
import { ensemble, type Ensemble } from './ensemble.js';
import { memberTraining, trainMembers, type MemberTraining } from './train-members.js';

export interface BoostingConfig {
  /** Rounds (members) at most; boosting stops early when a member is perfect or no better than chance. */
  readonly members: number;
  /** A new untrained model for round `index`, initialised from `seed`: keep it small (a weak learner). */
  readonly build: (seed: number, index: number) => tfl.LayersModel;
  /** Training data with integer class labels. */
  readonly data: ArrayDataset;
  /** Each member's options of `train()`. */
  readonly train: MemberTraining;
  /** Seed of the members and of the weighted resamples. Default 0. */
  readonly seed?: number;
}

const where = 'boosting()';

/**
 * Train a SAMME AdaBoost ensemble of neural members.
 *
 * @example
 * ```ts
 * import { boosting, mlp } from 'rxtrain';
 * const e = await boosting({ members: 8, data: train, seed: 1,
 *   build: (seed) => mlp({ inputShape: [64], units: [8], classes: 10, seed }), train: { epochs: 5 } });
 * console.log(e.weights); // each member's alpha
 * ```
 * @returns The ensemble (kind `'boosting'`, a weighted `vote`).
 */
export async function boosting(config: BoostingConfig): Promise<Ensemble> {
  const c = requireObject(where, config);
  knownFields(where, c, ['members', 'build', 'data', 'train', 'seed']);
  const rounds = positiveInt(where, 'members', c.members);
  if (typeof c.build !== 'function') throw configError(where, 'build', 'must be a function (seed, index) => model', c.build);
  const data = c.data as ArrayDataset;
  if (data === null || typeof data !== 'object' || !('xShape' in data) || data.length === 0) throw configError(where, 'data', 'must be a non-empty ArrayDataset', data);
  const ids = classIdsOf(data);
  if (!ids) throw configError(where, 'data', 'needs class labels (integer ids or one-hot rows)');
  const training = memberTraining(where, 'train', config.train);
  const seed = c.seed === undefined ? 0 : finiteNumber(where, 'seed', c.seed);
  const K = classCount(data);
  const n = data.length;
  const w = new Float64Array(n).fill(1 / n);
  const members: tfl.LayersModel[] = [];
  const alphas: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const memberSeed = hashSeed(seed, 'boosting member', round);
      const sample = subset(data, weightedResample(w, createRandom(hashSeed(memberSeed, 'resample'))));
      const [model] = await trainMembers(where, [{ index: round, seed: memberSeed, data: sample }], config.build, training, 1);
      const { values, shape } = predictAll(model!, data);
      const k = shape[1]!;
      if (k !== K) {
        model!.dispose();
        throw configError(where, 'build', `made a model with ${k} outputs but the data has ${K} classes`);
      }
      const wrong = new Uint8Array(n);
      let err = 0;
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (values[i * k + j]! > values[i * k + best]!) best = j;
        if (best !== ids[i]) {
          wrong[i] = 1;
          err += w[i]!;
        }
      }
      if (err >= 1 - 1 / K) {
        // No better than chance on the weighted data: SAMME stops (keeping at least one member).
        if (members.length > 0) {
          model!.dispose();
          break;
        }
      }
      const e = Math.min(Math.max(err, 1e-10), 1 - 1 / K - 1e-10);
      const alpha = Math.log((1 - e) / e) + Math.log(K - 1);
      members.push(model!);
      alphas.push(Math.max(alpha, 1e-6));
      if (err <= 0) break; // perfect on the training data: more rounds would not change the vote
      let total = 0;
      for (let i = 0; i < n; i++) {
        if (wrong[i]) w[i]! *= Math.exp(alpha);
        total += w[i]!;
      }
      for (let i = 0; i < n; i++) w[i]! /= total;
    }
    return ensemble({ kind: 'boosting', members, combine: 'vote', weights: alphas });
  } catch (err) {
    for (const m of members) m.dispose();
    throw err;
  }
}

/** n indices drawn with replacement, index i with probability w[i] (w sums to 1). */
function weightedResample(w: Float64Array, random: Random): Int32Array {
  const n = w.length;
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cdf[i] = acc += w[i]!;
  const out = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const u = random.float() * acc;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    out[s] = lo;
  }
  return out;
}
