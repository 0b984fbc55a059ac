/**
 * Discriminative learning rates: one optimizer whose learning rate differs by layer, e.g. ten times
 * smaller for a pre-trained body than for its new head.
 *
 * Why not scale the gradients instead: Adam, RMSprop and Adagrad divide each step by a running
 * gradient scale, so scaling a gradient barely changes the step. The rate itself must differ.
 *
 * Why one inner optimizer per variable, rather than one per group: each variable then has its own step
 * count as well as its own slots, so a layer that is unfrozen late starts as a fresh Adam would (its
 * bias correction that of its own first step, as in PyTorch), while one shared optimizer corrects it as
 * at the run's step (as Keras does, and as `trainStep` with a plain optimizer does). Keeping the slots
 * apart when layers are (un)frozen is not the reason: `trainStep` does that for every optimizer
 * (`applyGradientsByName`), and this one ignores the `null` gradients it is handed for frozen layers.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';
import { getLearningRate, isOptimizerName, optimizer as makeOptimizer, optimizerNames, setLearningRate, type OptimizerConfig, type OptimizerName } from '../optimizers.js';
import { knownFields, positiveNumber, requireObject } from '../validate.js';
import { selectLayers, type Layer, type LayerSelector } from './select-layers.js';

export interface LrGroup {
  /** The layers of the group. */
  readonly layers: LayerSelector | readonly Layer[];
  /** Their rate is `factor` × the optimizer's rate (e.g. 0.1 for a pre-trained body). */
  readonly factor: number;
}

export interface DiscriminativeLrConfig {
  /** The model whose layers the groups name. */
  readonly model: tfl.LayersModel;
  /** The optimizer and rate of every layer in no group (the new head), e.g. `{name: 'adam', lr: 1e-3}`. */
  readonly optimizer: OptimizerName | OptimizerConfig;
  /** Groups of layers with their rate factors; a layer in several groups takes the first one's. */
  readonly groups: readonly LrGroup[];
}

const where = 'discriminativeLr()';

/**
 * An optimizer that steps each layer's weights at its group's rate: `factor` × the base rate.
 *
 * Intuition: the pre-trained body moves slowly, the new head quickly. It is a plain `tf.Optimizer`:
 * pass it to `train` or `trainStep`; `reduceLROnPlateau` and `lrSchedule` change the base rate (read
 * as `learningRate`) and every group keeps its factor. With `unfreezeAt`, layers that join later get
 * fresh optimizer state, step count included (see the module comment).
 *
 * @example
 * ```ts
 * import { pretrained, replaceHead, discriminativeLr, train } from 'rxtrain';
 * const model = replaceHead(await pretrained('fashion-cnn-0to4'), 5);
 * const optimizer = discriminativeLr({ model, optimizer: { name: 'adam', lr: 1e-3 }, groups: [{ layers: { upTo: -1 }, factor: 0.1 }] });
 * train(model, data, { epochs: 10, optimizer }).subscribe(); // the body at 1e-4, the head at 1e-3
 * optimizer.dispose(); // when done: the caller made it, the caller frees it
 * ```
 */
export function discriminativeLr(config: DiscriminativeLrConfig): DiscriminativeOptimizer {
  const c = requireObject(where, config);
  knownFields(where, c, ['model', 'optimizer', 'groups']);
  const model = c.model as tfl.LayersModel;
  if (model === null || typeof model !== 'object' || !Array.isArray(model.layers)) throw configError(where, 'model', 'must be a tfjs-layers LayersModel', model);
  // The config as the caller typed it, once its shape is checked; makeOptimizer checks every field.
  const optimizer = config.optimizer;
  const name = typeof optimizer === 'string' ? optimizer : requireObject(where, optimizer, 'optimizer').name;
  if (!isOptimizerName(name)) throw configError(where, 'optimizer.name', `must be one of ${optimizerNames.join(', ')}`, name);
  const spec: OptimizerConfig = typeof optimizer === 'string' ? { name } : optimizer;
  const probe = makeOptimizer(spec); // validates every field now, and tells the default rate
  const baseLr = getLearningRate(probe);
  probe.dispose();
  if (!Array.isArray(c.groups)) throw configError(where, 'groups', 'must be an array of {layers, factor}', c.groups);
  const factors = new Map<string, number>();
  (c.groups as unknown[]).forEach((g, i) => {
    const group = requireObject(where, g, `groups[${i}]`);
    knownFields(where, group, ['layers', 'factor']);
    const factor = positiveNumber(where, `groups[${i}].factor`, group.factor);
    for (const layer of selectLayers(where, model, group.layers as LayerSelector, `groups[${i}].layers`)) {
      for (const w of layer.weights) if (!factors.has(w.name)) factors.set(w.name, factor);
    }
  });
  return new DiscriminativeOptimizer(spec, baseLr, factors);
}

/** The optimizer {@link discriminativeLr} makes. */
export class DiscriminativeOptimizer extends tf.Optimizer {
  static readonly className = 'DiscriminativeOptimizer';
  /** The base rate: that of layers in no group. */
  learningRate: number;
  private readonly inner = new Map<string, tf.Optimizer>();

  constructor(private readonly spec: OptimizerConfig, baseLr: number, private readonly factors: ReadonlyMap<string, number>) {
    super();
    this.learningRate = baseLr;
  }

  /** The rate the variable named `name` trains at now. */
  rateOf(name: string): number {
    return this.learningRate * (this.factors.get(name) ?? 1);
  }

  /** Change the base rate; every group keeps its factor. */
  setLearningRate(lr: number): void {
    positiveNumber('DiscriminativeOptimizer.setLearningRate()', 'lr', lr);
    this.learningRate = lr;
    for (const [name, opt] of this.inner) setLearningRate(opt, this.rateOf(name));
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>): void {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    for (const { name, tensor } of list) {
      if (tensor == null) continue; // a variable the loss does not touch
      let opt = this.inner.get(name);
      if (!opt) {
        opt = makeOptimizer({ ...this.spec, lr: this.rateOf(name) });
        this.inner.set(name, opt);
      }
      opt.applyGradients([{ name, tensor }]);
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const opt of this.inner.values()) opt.dispose();
    this.inner.clear();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { optimizer: { ...this.spec }, learningRate: this.learningRate, factors: Object.fromEntries(this.factors) };
  }

  override async getWeights(): Promise<Array<{ name: string; tensor: tf.Tensor }>> {
    throw configError('DiscriminativeOptimizer.getWeights()', 'optimizer', 'does not save its state (it holds one optimizer per variable); save the model instead');
  }

  override async setWeights(): Promise<void> {
    throw configError('DiscriminativeOptimizer.setWeights()', 'optimizer', 'does not load state; a new one starts fresh');
  }
}
