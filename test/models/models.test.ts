import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mlp } from '../../lib/models/mlp.js';
import { cnn } from '../../lib/models/cnn.js';

await tf.setBackend('cpu');

t.test('mlp: layers, seeded weights, regularisation', async (t) => {
  const a = mlp({ inputShape: [4], units: [8, 6], dropout: 0.2, l2: 1e-3, classes: 3, seed: 2 });
  const b = mlp({ inputShape: [4], units: [8, 6], dropout: 0.2, l2: 1e-3, classes: 3, seed: 2 });
  const c = mlp({ inputShape: [4], units: [8, 6], dropout: 0.2, l2: 1e-3, classes: 3, seed: 3 });
  t.same(a.layers.map((l) => l.getClassName()), ['Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']);
  t.equal(a.countParams(), 4 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3);
  t.same(a.getWeights()[0]!.dataSync(), b.getWeights()[0]!.dataSync(), 'same seed, same weights');
  t.notSame(a.getWeights()[0]!.dataSync(), c.getWeights()[0]!.dataSync(), 'another seed, other weights');
  t.equal(a.calculateLosses().length, 2, 'an L2 penalty per hidden kernel');
  const sum = tf.tidy(() => tf.sum(a.predict(tf.ones([2, 4])) as tf.Tensor, -1).dataSync());
  t.ok(Math.abs(sum[0]! - 1) < 1e-5, 'softmax output');
  const images = mlp({ inputShape: [8, 8, 1], units: [], classes: 1 });
  t.equal(images.layers[0]!.getClassName(), 'Flatten');
  t.equal(images.outputs[0]!.shape[1], 1);
  const reg = mlp({ inputShape: [3], units: [4], outputs: 2 });
  t.equal((reg.layers.at(-1)!.getConfig() as { activation: string }).activation, 'linear');
  [a, b, c, images, reg].forEach((m) => m.dispose());
});

t.test('cnn: the benchmark CNN has the expected shape', async (t) => {
  const m = cnn({ inputShape: [28, 28, 1], filters: [16, 32], dense: [64], classes: 10 });
  t.same(m.layers.map((l) => l.getClassName()), ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
  t.same(m.outputs[0]!.shape, [null, 10]);
  t.equal(m.countParams(), (9 * 16 + 16) + (9 * 16 * 32 + 32) + (5 * 5 * 32 * 64 + 64) + (64 * 10 + 10));
  const bn = cnn({ inputShape: [8, 8, 1], filters: [8], padding: 'same', batchNorm: true, dropout: 0.3, classes: 10 });
  t.ok(bn.layers.some((l) => l.getClassName() === 'BatchNormalization'));
  t.ok(bn.layers.some((l) => l.getClassName() === 'Dropout'));
  m.dispose();
  bn.dispose();
});

t.test('bad configs name the field', async (t) => {
  t.throws(() => mlp({ inputShape: [4], units: [8, 0], classes: 3 }), /mlp\(\): option 'units\[1\]' must be a positive integer \(got 0\)/);
  t.throws(() => mlp({ inputShape: [4], units: [8], classes: 3, dropout: 1 }), /'dropout' must be in \[0, 1\)/);
  t.throws(() => mlp({ inputShape: [4], units: [8], classes: 3, l2: -1 }), /'l2' must be ≥ 0/);
  t.throws(() => mlp({ inputShape: [4], units: [8] } as never), /exactly one of classes/);
  t.throws(() => mlp({ inputShape: [], units: [8], classes: 2 }), /'inputShape'/);
  t.throws(() => mlp({ inputShape: [4], units: [8], classes: 2, activation: 'gelu' as never }), /'activation' must be one of/);
  t.throws(() => cnn({ inputShape: [8, 8], classes: 2 } as never), /'inputShape' must be an array of 3/);
  t.throws(() => cnn({ inputShape: [8, 8, 1], filters: [8, 8, 8], classes: 2 }), /feature map.*too small/);
  t.throws(() => cnn({ inputShape: [8, 8, 1], classes: 2, padding: 'full' as never }), /'padding'/);
});
