import t from 'tap';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';
import { digits } from '../../lib/data/bundled.js';
import { fashionMnist } from '../../lib/data/fashion-mnist.js';
import { evaluate, predictAll } from '../../lib/evaluate.js';
import { pretrained, pretrainedInfo, pretrainedNames } from '../../lib/transfer/pretrained.js';
import { modelsDir } from '../../lib/transfer/models-dir.js';
import { checkFits } from '../../lib/transfer/check-fits.js';
import { keepClasses } from '../../lib/transfer/keep-classes.js';
import { replaceHead } from '../../lib/transfer/replace-head.js';

await useBackend('wasm');

t.test('the shipped model: small, loadable, described, independent copies', async (t) => {
  t.ok(pretrainedNames().includes('fashion-cnn-0to4'));
  const dir = join(modelsDir(), 'fashion-cnn-0to4');
  t.ok(statSync(join(dir, 'weights.bin')).size + statSync(join(dir, 'model.json')).size <= 2 * 1024 * 1024, '≤ 2 MB');
  const a = await pretrained('fashion-cnn-0to4');
  const b = await pretrained('fashion-cnn-0to4');
  t.same(a.inputs[0]!.shape, [null, 28, 28, 1]);
  t.same(a.outputs[0]!.shape, [null, 5]);
  const info = pretrainedInfo(a);
  t.same(info?.classNames, ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat']);
  t.ok((info?.testAccuracy ?? 0) > 0.85, `recorded test accuracy ${info?.testAccuracy}`);
  t.not(a.layers[0], b.layers[0], 'each call loads a new copy');
  t.throws(() => checkFits(a, digits()), { code: 'SHAPE_MISMATCH', message: /takes samples of shape \[28, 28, 1\] but 'digits' has samples of shape \[64\]/ });
  const head = replaceHead(a, 5);
  t.same(head.outputs[0]!.shape, [null, 5]);
  a.dispose();
  b.dispose();
});

t.test('it classifies held-out images of its classes', { skip: existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz') ? false : 'Fashion-MNIST is not installed' }, async (t) => {
  const model = await pretrained('fashion-cnn-0to4');
  const test = keepClasses(fashionMnist({ limit: 1000 }).test, [0, 1, 2, 3, 4]);
  const before = tf.memory().numTensors;
  const acc = evaluate(model, test).accuracy ?? 0;
  t.ok(acc > 0.85, `accuracy ${acc.toFixed(3)} on ${test.length} t10k images`);
  t.equal(predictAll(model, test).shape[1], 5);
  t.equal(tf.memory().numTensors, before);
  model.dispose();
});

t.test('unknown names are errors that list the models there are', async (t) => {
  await t.rejects(pretrained('nope'), { code: 'DATA_MISSING', message: /no shipped model 'nope' \(there are: fashion-cnn-0to4\)/ });
  await t.rejects(pretrained('../data'), { code: 'DATA_MISSING' });
  await t.rejects(pretrained(''), { code: 'INVALID_CONFIG' });
});
