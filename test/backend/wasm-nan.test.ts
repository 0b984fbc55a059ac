/**
 * On wasm, NaN and ±Infinity go through these kernels as they do on cpu. Stock wasm's clamps
 * (clipByValue, relu6, and the activations fused into matMul and conv2d, which is how tfjs-layers runs
 * Dense and Conv2D layers in inference) turned NaN into a bound: a NaN input or weight
 * gave a finite prediction and a normal-looking val_loss.
 */
import t, { type Test } from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { onBoth, useWasmWithRxtrainKernels } from './wasm-check.js';

await useWasmWithRxtrainKernels();

/** NaN where cpu has NaN, the same ±Infinity, and finite values within 1e-4. */
function same(t: Test, label: string, cpu: Float32Array, wasm: Float32Array) {
  const bad = Array.from(cpu).findIndex((c, i) => {
    const w = wasm[i]!;
    if (Number.isNaN(c) || Number.isNaN(w)) return Number.isNaN(c) !== Number.isNaN(w);
    if (!Number.isFinite(c) || !Number.isFinite(w)) return c !== w;
    return Math.abs(c - w) > 1e-4 * Math.max(1, Math.abs(c));
  });
  t.equal(bad, -1, bad === -1 ? label : `${label}: cpu ${cpu[bad]}, wasm ${wasm[bad]} at ${bad}`);
}

const special = Float32Array.from([NaN, Infinity, -Infinity, 0.5, -0.5, 2, -2, 7]);
const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'] as const;

t.test('clipByValue and relu6 keep NaN and ±Infinity as cpu does', async (t) => {
  const { cpu, wasm } = await onBoth([{ values: special, shape: [8] }], ([x]) => [tf.clipByValue(x!, 0, 1), tf.relu6(x!), tf.relu(x!)]);
  ['clipByValue', 'relu6', 'relu'].forEach((name, k) => same(t, name, cpu[k]!, wasm[k]!));
});

// Not depthwise convolutions nor average pooling: wasm's turn NaN into ±Infinity (XNNPACK's output
// clamp), which stays non-finite; docs/wasm-backend.md.
t.test('fused matMul and conv2d keep NaN through every activation', async (t) => {
  // The 2x2x2 image's first pixel is NaN and its second +Infinity; the weights are finite and mixed.
  const x = { values: Float32Array.from([NaN, 1, Infinity, -1, 0.5, -0.5, 2, 0.25]), shape: [1, 2, 2, 2] };
  const w = { values: Float32Array.from([0.5, -1, 0.25, 2]), shape: [1, 1, 2, 2] };
  const bias = { values: Float32Array.from([0.1, -0.1]), shape: [2] };
  for (const activation of activations) {
    const { cpu, wasm } = await onBoth([x, w, bias], ([img, f, b]) => {
      const prelu = activation === 'prelu' ? tf.scalar(0.1) : undefined;
      const common = { bias: b!, activation, preluActivationWeights: prelu, leakyreluAlpha: 0.2 };
      return [
        tf.fused.matMul({ a: tf.reshape(img!, [4, 2]), b: tf.reshape(f!, [2, 2]), ...common }),
        tf.fused.conv2d({ x: img as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'same', ...common }),
      ];
    });
    ['matMul', 'conv2d'].forEach((op, k) => same(t, `fused ${op} with ${activation}`, cpu[k]!, wasm[k]!));
  }
});

t.test('the fused kernels leave no wasm buffers behind', async (t) => {
  const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
  const a = tf.randomNormal([4, 3]);
  const b = tf.randomNormal([3, 2]);
  const img = tf.randomNormal([1, 3, 3, 2]);
  const f = tf.randomNormal([2, 2, 2, 2]);
  const before = backend.numDataIds();
  const tensorsBefore = tf.memory().numTensors;
  for (const activation of activations) {
    const prelu = activation === 'prelu' ? tf.scalar(0.1) : undefined;
    tf.dispose([
      tf.fused.matMul({ a, b, activation, preluActivationWeights: prelu }),
      tf.fused.conv2d({ x: img as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'valid', activation, preluActivationWeights: prelu }),
      tf.clipByValue(a, 0, 1),
      tf.relu6(a),
    ]);
    prelu?.dispose();
  }
  t.equal(backend.numDataIds(), before);
  t.equal(tf.memory().numTensors, tensorsBefore);
  tf.dispose([a, b, img, f]);
});
