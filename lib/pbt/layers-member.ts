/**
 * A PBT member for a tfjs-layers model: trains with `train()`, and checkpoints the weights and the
 * optimizer's state together through the run's checkpoints (a folder: `saveModel`'s files and the
 * optimizer's beside them; or memory), so a member that copies another continues with the same weights
 * AND the same Adam moments (or momentum, ...).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { filter } from 'rxjs';
import type { BatchSource } from '../data/batches.js';
import type { EvaluationSource } from '../evaluate.js';
import type { Loss } from '../losses.js';
import type { MetricKind } from '../metrics/metric-names.js';
import { setLearningRate } from '../optimizers.js';
import { hashSeed } from '../random.js';
import type { Params } from '../search/types.js';
import { train } from '../train.js';
import { configError } from '../errors.js';
import { isTfDataset, toArrayDataset } from '../data/batches.js';
import { checkModelData } from '../check-model-data.js';
import { validateLoss } from '../losses.js';
import { needCheckpoints } from './need-checkpoints.js';
import type { PbtMember } from './types.js';

export interface LayersMemberConfig<P extends Params = Params> {
  /** The member's model; the member owns it (disposes it). */
  readonly model: tfl.LayersModel;
  /** Its optimizer instance; the member owns it. */
  readonly optimizer: tf.Optimizer;
  readonly data: BatchSource;
  readonly validation?: EvaluationSource;
  /** Default 32. */
  readonly batchSize?: number;
  readonly loss?: Loss;
  readonly metrics?: readonly MetricKind[];
  /** Seed of the shuffles (mixed with the epoch, so each epoch has its own order). Default 0. */
  readonly seed?: number;
  /** Apply hyperparameters to the live model and optimizer. Default: `params.lr`, if a number, becomes the learning rate. */
  readonly apply?: (params: P, live: { model: tfl.LayersModel; optimizer: tf.Optimizer }) => void;
}

/**
 * Make a {@link PbtMember} from a layers model and an optimizer.
 *
 * @example
 * ```ts
 * import { layersMember, mlp, optimizer } from 'rxtrain';
 * const member = layersMember({ model: mlp({ inputShape: [64], units: [64], classes: 10 }), optimizer: optimizer('adam'), data, validation });
 * ```
 */
export function layersMember<P extends Params = Params>(config: LayersMemberConfig<P>): PbtMember<P> {
  const { model, optimizer: opt } = config;
  const where = 'layersMember()';
  if (!model || typeof model.getWeights !== 'function') throw configError(where, 'model', 'must be a tfjs-layers model', model);
  if (!opt || typeof opt.getWeights !== 'function') throw configError(where, 'optimizer', 'must be a tfjs optimizer', opt);
  // Model against data now, not when the population first trains this member.
  const loss = validateLoss(where, config.loss ?? 'categoricalCrossentropy');
  if (!isTfDataset(config.data)) checkModelData(where, model, toArrayDataset(config.data), loss);
  if (config.validation !== undefined) checkModelData(where, model, toArrayDataset(config.validation), loss, 'validation data');
  const apply =
    config.apply ??
    ((params: P) => {
      if (typeof params.lr === 'number') setLearningRate(opt, params.lr);
    });
  return {
    train(from, epochs) {
      return train(model, config.data, {
        epochs,
        optimizer: opt,
        seed: hashSeed(config.seed ?? 0, from),
        ...(config.batchSize !== undefined ? { batchSize: config.batchSize } : {}),
        ...(config.validation !== undefined ? { validation: config.validation } : {}),
        ...(config.loss !== undefined ? { loss: config.loss } : {}),
        ...(config.metrics !== undefined ? { metrics: config.metrics } : {}),
      }).pipe(filter((e) => e.type === 'epochEnd'));
    },
    setParams(params) {
      apply(params, { model, optimizer: opt });
    },
    save: (checkpoint, checkpoints) => needCheckpoints(where, checkpoints).save(checkpoint, { model, optimizer: opt }),
    load: (checkpoint, checkpoints) => needCheckpoints(where, checkpoints).load(checkpoint, { model, optimizer: opt }),
    dispose() {
      model.dispose();
      opt.dispose();
    },
  };
}
