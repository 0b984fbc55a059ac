import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel, saveModel } from '../../lib/io/save-load.js';

await tf.setBackend('cpu');

const root = mkdtempSync(join(tmpdir(), 'rxtrain-io-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

function tinyModel(): tfl.LayersModel {
  return tfl.sequential({ layers: [tfl.layers.dense({ units: 5, inputShape: [3], activation: 'relu' }), tfl.layers.dense({ units: 2, activation: 'softmax' })] });
}
const x = tf.tensor2d([[0.1, 0.2, 0.3], [-1, 0.5, 2], [3, -2, 0]]);
const predict = (m: tfl.LayersModel): number[] => tf.tidy(() => Array.from((m.predict(x) as tf.Tensor).dataSync()));

t.test('save then load gives the same predictions, in the tfjs file:// layout', async (t) => {
  const model = tinyModel();
  const dir = join(root, 'a', 'nested');
  const before = tf.memory().numTensors;
  await saveModel(model, dir);
  t.equal(tf.memory().numTensors, before, 'saving frees its snapshot');
  t.same(readdirSync(dir).sort(), ['model.json', 'weights.bin'], 'no temporary files left');
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
  t.match(json, { format: 'layers-model', generatedBy: /^TensorFlow\.js tfjs-layers v/, convertedBy: null, modelTopology: { class_name: 'Sequential' } });
  t.same((json.weightsManifest as { paths: string[] }[])[0]?.paths, ['weights.bin']);
  t.equal(readFileSync(join(dir, 'weights.bin')).byteLength, (3 * 5 + 5 + 5 * 2 + 2) * 4);

  const loaded = await loadModel(dir);
  t.same(predict(loaded), predict(model), 'identical predictions');
  const viaJson = await loadModel(join(dir, 'model.json'));
  t.same(predict(viaJson), predict(model), 'the model.json path works too');
  loaded.dispose();
  viaJson.dispose();

  const other = tinyModel();
  await saveModel(other, dir);
  const replaced = await loadModel(dir);
  t.same(predict(replaced), predict(other), 'saving again replaces the model');
  replaced.dispose();
  model.dispose();
  other.dispose();
});

t.test('saving errors name the path', async (t) => {
  const model = tinyModel();
  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  const before = tf.memory().numTensors;
  await t.rejects(saveModel(model, join(file, 'sub')), { code: 'STORAGE', message: new RegExp(`cannot create the model folder ${join(file, 'sub')}`) });
  t.equal(tf.memory().numTensors, before, 'a failed save frees its snapshot');
  t.notOk(existsSync(join(file, 'sub')));
  model.dispose();
});

t.test('invalid arguments name the field', async (t) => {
  await t.rejects(saveModel({} as never, join(root, 'x')), { code: 'INVALID_CONFIG', message: /'model'/ });
  await t.rejects(saveModel(tinyModel(), ''), { code: 'INVALID_CONFIG', message: /'dir'/ });
  await t.rejects(loadModel(3 as never), { code: 'INVALID_CONFIG', message: /'dir'/ });
});

t.teardown(() => x.dispose());
