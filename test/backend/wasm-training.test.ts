/**
 * Training on wasm with rxtrain's kernels: nothing leaks over many steps, and a CNN really learns.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandom, permutation } from '../../lib/random.js';
import { digits } from '../../lib/data/bundled.js';
import { useWasmWithRxtrainKernels } from './wasm-check.js';

await useWasmWithRxtrainKernels();

/** A model that uses every kernel rxtrain registers. */
function everyKernelModel(seed: number): tfl.LayersModel {
  const image = tfl.input({ shape: [8, 8, 1] });
  const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(image) as tfl.SymbolicTensor;
  const sep = tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same', depthwiseInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }), pointwiseInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }).apply(conv) as tfl.SymbolicTensor;
  const token = tfl.input({ shape: [3], dtype: 'int32' });
  const emb = tfl.layers.embedding({ inputDim: 10, outputDim: 4, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 3 }) }).apply(token) as tfl.SymbolicTensor;
  const merged = tfl.layers.concatenate().apply([tfl.layers.flatten().apply(sep) as tfl.SymbolicTensor, tfl.layers.flatten().apply(emb) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 4 }) }).apply(merged) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [image, token], outputs: out });
}

t.test('no leaks: tensors and wasm buffers stay flat over many training steps', async (t) => {
  await tf.setBackend('wasm');
  const model = everyKernelModel(1);
  const optimizer = tf.train.adam(1e-2);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomNormal([5, 8, 8, 1], 0, 1, 'float32', 1);
  const tokens = tf.tensor2d([[1, 2, 3], [3, 3, 9], [0, 1, 2], [5, 5, 5], [7, 8, 9]], [5, 3], 'int32');
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), 3);
  const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
  const step = () => tf.dispose(optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply([x, tokens], { training: true }) as tf.Tensor) as tf.Scalar, true, vars) ?? []);
  for (let i = 0; i < 3; i++) step(); // optimizer slots are made on the first step
  const tensors = tf.memory().numTensors;
  const buffers = backend.numDataIds();
  for (let i = 0; i < 40; i++) step();
  t.equal(tf.memory().numTensors, tensors, 'numTensors flat');
  t.equal(backend.numDataIds(), buffers, 'wasm data buffers flat (kernel intermediates freed)');
  tf.dispose([x, tokens, y]);
  optimizer.dispose();
  model.dispose();
});

/** The bundled digits as 8x8x1 images, in a fixed shuffled order. */
function shuffledDigits(): { x: Float32Array; y: Int32Array; n: number } {
  const ds = digits({ image: true });
  const order = permutation(ds.length, createRandom(2024));
  const x = new Float32Array(ds.x.length);
  const y = new Int32Array(ds.length);
  order.forEach((src, i) => {
    x.set(ds.x.subarray(src * 64, (src + 1) * 64), i * 64);
    y[i] = ds.y[src]!;
  });
  return { x, y, n: ds.length };
}

t.test('a CNN trains on wasm to >= 0.95 test accuracy on digits (8x8x1)', async (t) => {
  await tf.setBackend('wasm');
  const { x, y, n } = shuffledDigits();
  const nTrain = 1437; // 80 / 20 split of the fixed shuffle
  const seq = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seq(1) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: seq(2) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, kernelInitializer: seq(3) }),
    ],
  });
  const optimizer = tf.train.adam(3e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const xs = tf.tensor4d(x, [n, 8, 8, 1]);
  const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
  const before = tf.memory().numTensors;
  const batch = 32;
  for (let epoch = 0; epoch < 12; epoch++) {
    for (let start = 0; start < nTrain; start += batch) {
      const size = Math.min(batch, nTrain - start);
      tf.tidy(() => {
        const bx = tf.slice(xs, [start, 0, 0, 0], [size, 8, 8, 1]);
        const by = tf.slice(ys, [start, 0], [size, 10]);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(by, model.apply(bx, { training: true }) as tf.Tensor) as tf.Scalar, false, vars);
      });
    }
  }
  const accuracy = tf.tidy(() => {
    const logits = model.predict(tf.slice(xs, [nTrain, 0, 0, 0], [n - nTrain, 8, 8, 1])) as tf.Tensor;
    const hit = tf.equal(tf.argMax(logits, 1), tf.slice(tf.tensor1d(y, 'int32'), [nTrain], [n - nTrain]));
    return tf.mean(tf.cast(hit, 'float32')).dataSync()[0]!;
  });
  t.ok(accuracy >= 0.95, `test accuracy ${accuracy.toFixed(4)}`);
  t.equal(tf.memory().numTensors, before + vars.length * 2, 'only the optimizer slots remain');
  tf.dispose([xs, ys]);
  optimizer.dispose();
  model.dispose();
});
