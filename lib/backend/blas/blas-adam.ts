/**
 * tfjs's Adam with each variable's update as one native pass of the BLAS add-on (native/rxtrain_blas.cc
 * `adam`), in place on the wasm heap: m, v and the weights rewritten where they are, instead of a dozen
 * wasm element-wise kernels and as many new tensors per variable (a third of an MLP step on
 * wasm+blas). The native pass rounds every operation to float32 in tfjs's order, so the weights and
 * slots are bit for bit those of tf.train.adam (test/backend/wasm-blas.test.ts checks it against cpu
 * and against wasm without the add-on).
 *
 * Everywhere else it is tfjs's own AdamOptimizer: without the add-on, on another backend, on the first
 * step (tfjs makes the slots), and whenever a weight or slot shares its memory with another tensor
 * (a clone), which an in-place update would change too. Same class name, so it serialises as Adam.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBlas } from './blas-active.js';
import { heapBuffer, heapOffset } from '../kernels/wasm-ops.js';

/** What AdamOptimizer.applyGradients takes (tfjs-core does not export the NamedTensor type). */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** What tfjs 4.22's AdamOptimizer keeps and its types declare private. */
interface AdamSlots {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ variable: tf.Variable } | undefined>;
}

function hasSlots(opt: object): opt is AdamSlots {
  return 'accBeta1' in opt && 'accumulatedFirstMoment' in opt && Array.isArray(opt.accumulatedFirstMoment) && 'accumulatedSecondMoment' in opt;
}

/** A float32 tensor on the wasm backend that nothing else shares: safe to rewrite in place. */
function ownedOnHeap(backend: BackendWasm, t: tf.Tensor | undefined): t is tf.Tensor {
  return t !== undefined && !t.isDisposed && t.dtype === 'float32' && backend.dataIdMap.has(t.dataId) && backend.refCount(t.dataId) === 1;
}

export class NativeAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!this.applyNatively(variableGradients)) super.applyGradients(variableGradients);
  }

  /** The update on the add-on; false (nothing done) when it cannot run here. */
  private applyNatively(variableGradients: VariableGradients): boolean {
    const blas = activeBlas();
    const self: object = this;
    if (blas === undefined || tf.getBackend() !== 'wasm' || !hasSlots(self)) return false;
    const backend = tf.backend() as BackendWasm;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const work: Array<[tf.Variable, tf.Variable, tf.Variable, tf.Tensor]> = [];
    for (const [i, name] of names.entries()) {
      const m = self.accumulatedFirstMoment[i]?.variable;
      const v = self.accumulatedSecondMoment[i]?.variable;
      if (m === undefined || v === undefined) return false; // tfjs makes the slots on its first step
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
      if (gradient == null) continue; // tfjs skips it too (a variable not trained now)
      const value = tf.engine().registeredVariables[name];
      if (!ownedOnHeap(backend, value) || !ownedOnHeap(backend, m) || !ownedOnHeap(backend, v)) return false;
      if (gradient.dtype !== 'float32' || !backend.dataIdMap.has(gradient.dataId) || gradient.size !== value.size) return false;
      work.push([value, m, v, gradient]);
    }
    const f = Math.fround;
    const scalar = (t: tf.Tensor) => backend.typedArrayFromHeap(t)[0]!;
    // As tfjs: sub(1, accBeta), and the numbers made float32 scalars (1 − β computed in double first).
    const scalars = [f(this.beta1), f(1 - this.beta1), f(this.beta2), f(1 - this.beta2), f(1 - scalar(self.accBeta1)), f(1 - scalar(self.accBeta2)), f(this.epsilon), f(-this.learningRate)] as const;
    const offset = (t: tf.Tensor) => heapOffset(backend, t);
    for (const [value, m, v, gradient] of work) {
      const heap = heapBuffer(backend, value);
      blas.adam(heap, offset(value), offset(m), offset(v), offset(gradient), value.size, ...scalars);
    }
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, this.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, this.beta2));
    });
    this.incrementIterations();
    return true;
  }
}
