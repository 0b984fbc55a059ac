/**
 * rxtrain's wasm BatchMatMul/_FusedMatMul: the same products and gradients as cpu, in every layout a
 * model produces (transposed operands, a batch of `a` against one `b`, a batch on both sides).
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '../../lib/random.js';
import { check, randoms, useWasmWithRxtrainKernels } from './wasm-check.js';

await useWasmWithRxtrainKernels();

t.test('matMul products and gradients equal cpu, transposed or not, with and without batches', async (t) => {
  const r = createRandom(21);
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[1, 1], [1, 4], false, false],
    [[2, 3, 5, 7], [7, 4], false, false], // a batch of a against one b: folded into rows
    [[3, 7, 5], [7, 4], true, false],
    [[3, 5, 7], [1, 4, 7], false, true],
    [[3, 5, 7], [3, 7, 4], false, false], // b has its own batch: stock path
    [[1, 5, 7], [3, 7, 4], false, false],
    [[3, 5, 7], [1, 1, 7, 4], false, false], // b's batch of ones broadcasts to a's
  ];
  for (const [as, bs, ta, tb] of cases) {
    await check(t, `matMul [${as}]${ta ? 'ᵀ' : ''} · [${bs}]${tb ? 'ᵀ' : ''}`, [randoms(r, as), randoms(r, bs)], ([a, b]) => {
      const product = tf.matMul(a!, b!, ta, tb);
      // tfjs-core's matMul gradient does not reduce broadcast batch axes (on any backend).
      if (as.length !== bs.length || as[0] !== bs[0]) return [product];
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([a!, b!]);
      return [product, ga!, gb!];
    });
  }
});

t.test('fused matMul (bias, relu) and its gradients equal cpu', async (t) => {
  const r = createRandom(22);
  for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
    const a = randoms(r, ta ? [6, 9] : [9, 6]);
    const b = randoms(r, tb ? [4, 6] : [6, 4]);
    await check(t, `fused matMul transposeA=${ta} transposeB=${tb}`, [a, b, randoms(r, [4])], ([x, w, bias]) => {
      const f = (p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) => tf.fused.matMul({ a: p as tf.Tensor2D, b: q as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: c, activation: 'relu' });
      return [f(x!, w!, bias!), ...tf.grads((p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(f(p, q, c))))([x!, w!, bias!])];
    });
  }
});

t.test('matMul leaves no wasm buffers behind', async (t) => {
  const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
  const a = tf.randomNormal([4, 6, 5]);
  const b = tf.randomNormal([5, 6]);
  const c = tf.randomNormal([3, 5]);
  const before = backend.numDataIds();
  for (let i = 0; i < 5; i++) tf.dispose([tf.matMul(a, b, true, true), tf.matMul(tf.reshape(a, [24, 5]), c, false, true)]);
  t.equal(backend.numDataIds(), before);
  tf.dispose([a, b, c]);
});
