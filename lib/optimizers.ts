/**
 * Optimizers by name, reading/changing the learning rate of any tfjs optimizer, and applying gradients
 * so that each variable keeps its own optimizer state. Decision operators (`reduceLROnPlateau`,
 * `lrSchedule`) change the rate between steps through `getLearningRate`/`setLearningRate`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { configError } from './errors.js';
import './backend/gradients.js';
import { NativeAdamOptimizer } from './backend/blas/blas-adam.js';
import { knownFields, numberInRange, positiveNumber, requireObject, booleanField } from './validate.js';

export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'adamax' | 'adagrad' | 'rmsprop';
export const optimizerNames: readonly OptimizerName[] = ['sgd', 'momentum', 'adam', 'adamax', 'adagrad', 'rmsprop'];

export interface OptimizerConfig {
  readonly name: OptimizerName;
  /** Learning rate. Defaults: adam/adamax 0.001, rmsprop 0.001, sgd/momentum 0.01, adagrad 0.01. */
  readonly lr?: number;
  /** momentum (momentum: default 0.9; rmsprop: default 0). */
  readonly momentum?: number;
  /** Nesterov momentum (momentum only). */
  readonly nesterov?: boolean;
  /** Adam/Adamax first-moment decay, default 0.9. */
  readonly beta1?: number;
  /** Adam/Adamax second-moment decay, default 0.999. */
  readonly beta2?: number;
  /** Numerical stabiliser, default 1e-7 (adam/adamax/rmsprop). */
  readonly epsilon?: number;
  /** RMSprop discount, default 0.9. */
  readonly decay?: number;
  /** RMSprop centered variant. */
  readonly centered?: boolean;
}

/** The options each optimizer takes besides `name` and `lr`. */
const optionsOf: Record<OptimizerName, readonly string[]> = {
  sgd: [],
  momentum: ['momentum', 'nesterov'],
  adam: ['beta1', 'beta2', 'epsilon'],
  adamax: ['beta1', 'beta2', 'epsilon'],
  adagrad: [],
  rmsprop: ['decay', 'momentum', 'epsilon', 'centered'],
};

const defaultLr: Record<OptimizerName, number> = { sgd: 0.01, momentum: 0.01, adam: 0.001, adamax: 0.001, adagrad: 0.01, rmsprop: 0.001 };

/**
 * Make a tfjs optimizer from a name or a config.
 *
 * @example
 * ```ts
 * import { optimizer } from 'rxtrain';
 * const opt = optimizer({ name: 'momentum', lr: 0.05, momentum: 0.9 });
 * ```
 */
export function optimizer(config: OptimizerName | OptimizerConfig): tf.Optimizer {
  const where = 'optimizer()';
  const c: Record<string, unknown> = typeof config === 'string' ? { name: config } : requireObject(where, config);
  knownFields(where, c, ['name', 'lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'epsilon', 'decay', 'centered']);
  const n = c.name;
  if (!isOptimizerName(n)) throw configError(where, 'name', `must be one of ${optimizerNames.join(', ')}`, n);
  // An option the chosen optimizer does not have would be ignored without a word: refuse it instead.
  for (const field of Object.keys(c)) {
    if (field === 'name' || field === 'lr' || c[field] === undefined || optionsOf[n].includes(field)) continue;
    const hint = field === 'momentum' && n === 'sgd' ? `; for SGD with momentum use { name: 'momentum', momentum: ${String(c.momentum)} }` : '';
    throw configError(where, field, `does not apply to ${n} (its options: ${['lr', ...optionsOf[n]].join(', ')})${hint}`, c[field]);
  }
  const lr = c.lr === undefined ? defaultLr[n] : positiveNumber(where, 'lr', c.lr);
  const beta1 = c.beta1 === undefined ? 0.9 : numberInRange(where, 'beta1', c.beta1, 0, 1, { hiOpen: true });
  const beta2 = c.beta2 === undefined ? 0.999 : numberInRange(where, 'beta2', c.beta2, 0, 1, { hiOpen: true });
  const epsilon = c.epsilon === undefined ? 1e-7 : positiveNumber(where, 'epsilon', c.epsilon);
  switch (n) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum': {
      const m = c.momentum === undefined ? 0.9 : numberInRange(where, 'momentum', c.momentum, 0, 1, { hiOpen: true });
      const nesterov = c.nesterov === undefined ? false : booleanField(where, 'nesterov', c.nesterov);
      return new DisposingMomentumOptimizer(lr, m, nesterov);
    }
    case 'adam':
      // tfjs's Adam; with the BLAS add-on on wasm, each variable's update is one native pass (same bits).
      return new NativeAdamOptimizer(lr, beta1, beta2, epsilon);
    case 'adamax':
      return tf.train.adamax(lr, beta1, beta2, epsilon);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'rmsprop': {
      const decay = c.decay === undefined ? 0.9 : numberInRange(where, 'decay', c.decay, 0, 1, { hiOpen: true });
      const m = c.momentum === undefined ? 0 : numberInRange(where, 'momentum', c.momentum, 0, 1, { hiOpen: true });
      const centered = c.centered === undefined ? false : booleanField(where, 'centered', c.centered);
      return tf.train.rmsprop(lr, decay, m, epsilon, centered);
    }
  }
}

/** Whether `value` names one of rxtrain's optimizers. */
export function isOptimizerName(value: unknown): value is OptimizerName {
  return typeof value === 'string' && (optimizerNames as readonly string[]).includes(value);
}

/**
 * tfjs 4.22's MomentumOptimizer.dispose frees its momentum scalar but not the learning-rate scalar `c`
 * it inherits from SGD, so every disposed momentum optimizer leaks one tensor. This one frees it too.
 * (Same class name, so it serialises as tfjs's own.)
 */
class DisposingMomentumOptimizer extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    this.c?.dispose();
  }
}

/**
 * What every tfjs optimizer has and its types declare `protected`: the rate, read on each step, and
 * for SGD and momentum a setter that also rebuilds the tensor they cache it in.
 */
interface WithLearningRate {
  learningRate: number;
  setLearningRate?: (lr: number) => void;
}

function hasLearningRate(opt: object): opt is WithLearningRate {
  return 'learningRate' in opt && typeof opt.learningRate === 'number';
}

function withLearningRate(opt: tf.Optimizer): tf.Optimizer & WithLearningRate {
  if (!hasLearningRate(opt)) throw configError('getLearningRate()', 'optimizer', 'has no numeric learningRate', opt);
  return opt;
}

/** The learning rate an optimizer uses now. */
export function getLearningRate(opt: tf.Optimizer): number {
  return withLearningRate(opt).learningRate;
}

/**
 * Change an optimizer's learning rate; the next step uses it. SGD and momentum cache the rate in a
 * tensor (`setLearningRate` rebuilds it); the others read the field on every step.
 */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  positiveNumber('setLearningRate()', 'lr', lr);
  const o = withLearningRate(opt);
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/**
 * The order in which an optimizer holds its variables' slots, kept for the optimizer's whole life (a
 * WeakMap, so it goes with the optimizer): its state outlives a run (an optimizer that trains again,
 * or whose state PBT loads, keeps its order).
 */
interface SlotOrder {
  readonly names: string[];
  readonly known: Set<string>;
}
const slotOrders = new WeakMap<tf.Optimizer, SlotOrder>();

/**
 * Apply gradients keyed by variable name so that every variable keeps its own optimizer state (Adam's
 * moments, momentum, RMSprop's and Adagrad's accumulators), however the set of trained variables
 * changes between calls: layers unfrozen or frozen mid-run, with any optimizer.
 *
 * Why: tfjs 4.22's stateful optimizers find a variable's slots by its index in the list they are
 * handed (`accumulatedFirstMoment[i]`), never by its name. So the list must keep one order for the
 * optimizer's life: a variable seen for the first time is appended, and one that is not trained now
 * is handed a `null` gradient, which every tfjs optimizer skips without touching the variable or its
 * slots (a zero gradient would not do: Adam and momentum still move a variable whose gradient is 0).
 * The optimizer's step count stays shared, as in Keras: Adam's bias correction for a layer that joins
 * at step t is that of step t. A variable that trained once keeps its slots until the optimizer is
 * disposed.
 *
 * Until the trained set changes the list is the one `optimizer.minimize(f, true, varList)` builds, in
 * the same order, so the per-step cost and a saved optimizer state (`getWeights`, positional) are
 * as before.
 *
 * @param opt Any `tf.Optimizer` (a `DiscriminativeOptimizer` ignores the `null`s too).
 * @param grads Gradients by variable name, as `optimizer.computeGradients` returns them.
 */
export function applyGradientsByName(opt: tf.Optimizer, grads: tf.NamedTensorMap): void {
  let order = slotOrders.get(opt);
  if (order === undefined) {
    order = { names: [], known: new Set() };
    slotOrders.set(opt, order);
  }
  for (const name in grads) {
    if (!order.known.has(name)) {
      order.known.add(name);
      order.names.push(name);
    }
  }
  // A name without a gradient now gets `undefined`: tfjs tests `gradient == null` and skips it.
  opt.applyGradients(order.names.map((name) => ({ name, tensor: grads[name]! })));
}

/**
 * Scale gradients so that their global L2 norm is at most `clipNorm` (as Keras' `global_clipnorm`):
 * every gradient is multiplied by `clipNorm / max(norm, clipNorm)`. Call inside a `tf.tidy`.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, clipNorm: number): tf.NamedTensorMap {
  const names = Object.keys(grads);
  const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))));
  const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n]!, scale);
  return out;
}
