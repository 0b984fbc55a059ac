import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { perSampleLoss, perSampleMetric, validateLoss } from '../lib/losses.js';
import { validateMetrics } from '../lib/metrics/metric-names.js';
import { useBackend } from '../lib/backend/use-backend.js';

await tf.setBackend('cpu');
const close = (a: ArrayLike<number>, b: number[], eps = 1e-5) => Array.from(a).every((v, i) => Math.abs(v - b[i]!) < eps);

t.test('categorical cross-entropy takes integer ids and one-hot targets alike', async (t) => {
  const p = tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]);
  const ids = tf.tensor1d([0, 1], 'int32');
  const hot = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
  const expected = [-Math.log(0.7), -Math.log(0.1)];
  t.ok(close(perSampleLoss('categoricalCrossentropy', ids, p).dataSync(), expected));
  t.ok(close(perSampleLoss('categoricalCrossentropy', hot, p).dataSync(), expected));
  t.same(Array.from(perSampleMetric('accuracy', 'categoricalCrossentropy', ids, p).dataSync()), [1, 0]);
  t.same(Array.from(perSampleMetric('accuracy', 'categoricalCrossentropy', hot, p).dataSync()), [1, 0]);
  tf.dispose([p, ids, hot]);
});

t.test('binary cross-entropy, mse, mae, and a custom loss', async (t) => {
  const p = tf.tensor2d([[0.9], [0.2]]);
  const y = tf.tensor1d([1, 1]);
  t.ok(close(perSampleLoss('binaryCrossentropy', y, p).dataSync(), [-Math.log(0.9), -Math.log(0.2)]));
  t.same(Array.from(perSampleMetric('accuracy', 'binaryCrossentropy', y, p).dataSync()), [1, 0]);
  t.ok(close(perSampleLoss('meanSquaredError', y, p).dataSync(), [0.01, 0.64]));
  t.ok(close(perSampleLoss('meanAbsoluteError', y, p).dataSync(), [0.1, 0.8]));
  t.ok(close(perSampleLoss((a, b) => tf.mean(tf.abs(tf.sub(tf.reshape(a, [-1]), tf.reshape(b, [-1])))), y, p).dataSync(), [0.45, 0.45]), 'a scalar custom loss counts for each sample');
  tf.dispose([p, y]);
});

t.test('no tensors left behind', async (t) => {
  const p = tf.tensor2d([[0.7, 0.3]]);
  const y = tf.tensor1d([1], 'int32');
  const before = tf.memory().numTensors;
  perSampleLoss('categoricalCrossentropy', y, p).dispose();
  perSampleMetric('accuracy', 'categoricalCrossentropy', y, p).dispose();
  t.equal(tf.memory().numTensors, before);
  tf.dispose([p, y]);
});

t.test('shape mismatches and bad names are named', async (t) => {
  const p = tf.tensor2d([[0.7, 0.3]]);
  t.throws(() => perSampleLoss('categoricalCrossentropy', tf.tensor2d([[1, 0, 0]]), p), /targets of shape \[1, 3\] with predictions of shape \[1, 2\]/);
  t.throws(() => validateLoss('x()', 'hinge'), /x\(\): option 'loss' must be a function or one of categoricalCrossentropy/);
  t.throws(() => validateMetrics('x()', ['accuracy', 'auroc']), /option 'metrics\[1\]' must be one of accuracy, .*, or top<k>_accuracy \(got "auroc"\)/);
  t.throws(() => validateMetrics('x()', 'accuracy'), /option 'metrics' must be an array/);
  p.dispose();
});

// Clipping a NaN prediction gives the clip bound on wasm (cpu keeps the NaN), so a cross-entropy over
// clipped probabilities hid a broken model there as a finite 16.12 (= -ln 1e-7).
for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`on ${backend}: a NaN or infinite prediction gives a NaN loss for that sample, whatever the loss`, async (t) => {
    await useBackend(backend, { env: {} });
    const p = tf.tensor2d([[0.7, 0.3], [NaN, 0.5], [Infinity, 0], [-Infinity, 1]]);
    const ids = tf.tensor1d([0, 0, 0, 1], 'int32');
    const before = tf.memory().numTensors;
    const losses = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError', (_: tf.Tensor, b: tf.Tensor) => tf.mean(tf.clipByValue(b, 0, 1), -1)] as const;
    for (const loss of losses) {
      const targets = loss === 'binaryCrossentropy' || loss === 'meanSquaredError' || loss === 'meanAbsoluteError' ? tf.oneHot(ids, 2) : ids;
      const v = perSampleLoss(loss, targets, p);
      const values = Array.from(v.dataSync());
      const name = typeof loss === 'string' ? loss : 'a custom loss that clips';
      t.ok(Number.isFinite(values[0]), `${name}: a finite prediction keeps a finite loss`);
      t.same(values.slice(1).map(Number.isFinite), [false, false, false], `${name}: ${values.join(', ')}`);
      if (targets !== ids) targets.dispose();
      v.dispose();
    }
    t.equal(tf.memory().numTensors, before, 'no tensors left behind');
    tf.dispose([p, ids]);
  });
}
