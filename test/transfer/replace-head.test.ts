import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../lib/backend/use-backend.js';
import { digits, iris } from '../../lib/data/bundled.js';
import { take } from '../../lib/data/split.js';
import { mlp } from '../../lib/models/mlp.js';
import { cnn } from '../../lib/models/cnn.js';
import { predictAll } from '../../lib/evaluate.js';
import { saveModel, loadModel } from '../../lib/io/save-load.js';
import { replaceHead } from '../../lib/transfer/replace-head.js';
import { checkFits } from '../../lib/transfer/check-fits.js';
import { keepClasses } from '../../lib/transfer/keep-classes.js';

await useBackend('wasm');
const root = mkdtempSync(join(tmpdir(), 'rxtrain-transfer-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const sample = take(digits(), 20);

t.test('a new head on the body: shared body weights, new classes, seeded', async (t) => {
  const base = mlp({ inputShape: [64], units: [16, 8], classes: 10, seed: 3 });
  const model = replaceHead(base, 4, { seed: 7 });
  t.same(model.outputs[0]!.shape, [null, 4]);
  t.equal(model.layers.at(-1)!.name, 'head');
  t.equal(model.layers[1], base.layers[0], 'the body layers are shared');
  const again = replaceHead(base, 4, { seed: 7 });
  t.same(predictAll(again, sample).values, predictAll(model, sample).values, 'same seed, same head');
  const binary = replaceHead(base, 1);
  t.same(binary.outputs[0]!.shape, [null, 1], 'one class: a sigmoid unit');
  const withDropout = replaceHead(base, 3, { dropout: 0.5, name: 'out' });
  t.same(withDropout.layers.slice(-2).map((l) => l.name), ['out_dropout', 'out']);
  base.dispose();
});

t.test('save then load gives identical predictions, and a loaded head can be replaced again', async (t) => {
  const base = cnn({ inputShape: [8, 8, 1], filters: [4], dense: [8], classes: 10, seed: 1 });
  const model = replaceHead(base, 3, { seed: 2 });
  const images = take(digits({ image: true }), 20);
  const dir = join(root, 'head');
  await saveModel(model, dir);
  const loaded = await loadModel(dir);
  const before = tf.memory().numTensors;
  t.same(predictAll(loaded, images).values, predictAll(model, images).values, 'bit-identical predictions');
  t.equal(tf.memory().numTensors, before);
  const again = replaceHead(loaded, 5);
  t.same(again.outputs[0]!.shape, [null, 5], 'the default name "head" may be reused for a new head');
  base.dispose();
  loaded.dispose();
});

t.test('shapes that do not fit are errors that say why', async (t) => {
  const convOnly = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }), tfl.layers.conv2d({ filters: 2, kernelSize: 3 })] });
  t.throws(() => replaceHead(convOnly, 3), { code: 'SHAPE_MISMATCH', message: /outputs \[batch, 6, 6, 2\]; the new head needs flat features/ });
  const single = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3 })] });
  t.throws(() => replaceHead(single, 3), { code: 'SHAPE_MISMATCH', message: /needs a body before its head/ });
  const base = mlp({ inputShape: [64], units: [8], classes: 10 });
  t.throws(() => replaceHead(base, 0), { code: 'INVALID_CONFIG', message: /'classes' must be a positive integer/ });
  t.throws(() => replaceHead(base, 2, { sed: 1 } as never), { code: 'INVALID_CONFIG', message: /'sed' is not a known option/ });
  t.throws(() => replaceHead(base, 2, { name: base.layers[0]!.name }), { code: 'INVALID_CONFIG', message: /'name' is already the name of a layer of the body/ });
  t.throws(() => replaceHead({} as never, 2), { code: 'INVALID_CONFIG', message: /'model' must be a tfjs-layers LayersModel/ });

  // checkFits: data against a (pre-trained) model.
  t.doesNotThrow(() => checkFits(base, sample));
  t.throws(() => checkFits(base, iris()), { code: 'SHAPE_MISMATCH', message: /takes samples of shape \[64\] but 'iris' has samples of shape \[4\]/ });
  const five = replaceHead(base, 5);
  t.throws(() => checkFits(five, sample), { code: 'SHAPE_MISMATCH', message: /checkFits\(\): the model has 5 classes but 'digits' has 10 \(0, 1, 2, .*\): give it 10 outputs \(mlp\(\{classes: 10\}\), or replaceHead\(model, 10\) for a pre-trained model\)/ });
  t.doesNotThrow(() => checkFits(five, keepClasses(sample, [0, 1, 2])), 'fewer classes than outputs fit');
  convOnly.dispose();
  single.dispose();
  base.dispose();
});

t.test('keepClasses relabels and checks', async (t) => {
  const ds = digits();
  const kept = keepClasses(ds, [7, 3]);
  t.same(kept.classNames, ['7', '3']);
  t.equal(kept.length, Array.from(ds.y).filter((c) => c === 7 || c === 3).length);
  t.same(new Set(kept.y), new Set([0, 1]));
  t.throws(() => keepClasses(ds, [1, 1]), { code: 'INVALID_CONFIG', message: /'classes\[1\]' is listed twice/ });
  t.throws(() => keepClasses(ds, []), { code: 'INVALID_CONFIG' });
});

t.test('disposing: the new model frees the body, the old head is freed alone', async (t) => {
  const before = tf.memory().numTensors;
  const base = mlp({ inputShape: [64], units: [8], classes: 10, seed: 1 });
  const model = replaceHead(base, 3);
  model.dispose();
  base.layers.at(-1)!.dispose();
  t.equal(tf.memory().numTensors, before, 'every weight freed, none twice');
});
