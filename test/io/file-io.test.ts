import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileIO } from '../../lib/io/file-io.js';
import { loadModel, saveModel } from '../../lib/io/save-load.js';

await tf.setBackend('cpu');

const root = mkdtempSync(join(tmpdir(), 'rxtrain-file-io-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

function tinyModel(): tfl.LayersModel {
  return tfl.sequential({ layers: [tfl.layers.dense({ units: 5, inputShape: [3], activation: 'relu' }), tfl.layers.dense({ units: 2, activation: 'softmax' })] });
}
const x = tf.tensor2d([[0.1, 0.2, 0.3], [-1, 0.5, 2], [3, -2, 0]]);
t.teardown(() => x.dispose());
const predict = (m: tfl.LayersModel): number[] => tf.tidy(() => Array.from((m.predict(x) as tf.Tensor).dataSync()));

t.test('model.save(fileIO(dir)) and loadLayersModel(fileIO(dir)) work directly', async (t) => {
  const model = tinyModel();
  const dir = join(root, 'direct');
  const result = await model.save(fileIO(dir));
  t.equal(result.modelArtifactsInfo.modelTopologyType, 'JSON');
  const loaded = await tfl.loadLayersModel(fileIO(dir));
  t.same(predict(loaded), predict(model));
  loaded.dispose();
  model.dispose();
});

t.test('loading errors name the path and what is missing or wrong', async (t) => {
  const model = tinyModel();
  const dir = join(root, 'broken');
  await saveModel(model, dir);
  model.dispose();

  await t.rejects(loadModel(join(root, 'nowhere')), { code: 'DATA_MISSING', message: new RegExp(`${join(root, 'nowhere', 'model.json')} does not exist`) });

  const weights = join(dir, 'weights.bin');
  const good = readFileSync(weights);
  truncateSync(weights, 10);
  await t.rejects(loadModel(dir), { code: 'DATA_FORMAT', message: /model\.json lists weights of 128 bytes, but weights\.bin holds 10/ });
  rmSync(weights);
  await t.rejects(loadModel(dir), { code: 'DATA_MISSING', message: new RegExp(`${weights} does not exist \\(.*model\\.json lists it`) });
  writeFileSync(weights, good);

  const jsonPath = join(dir, 'model.json');
  const json = readFileSync(jsonPath, 'utf8');
  writeFileSync(jsonPath, json.slice(0, 20));
  await t.rejects(loadModel(dir), { code: 'DATA_FORMAT', message: /model\.json is not valid JSON/ });
  const parsed = JSON.parse(json) as Record<string, unknown>;
  writeFileSync(jsonPath, JSON.stringify({ ...parsed, modelTopology: undefined }));
  await t.rejects(loadModel(dir), { code: 'DATA_FORMAT', message: /has no 'modelTopology'/ });
  writeFileSync(jsonPath, JSON.stringify({ ...parsed, weightsManifest: undefined }));
  await t.rejects(loadModel(dir), { code: 'DATA_FORMAT', message: /has no 'weightsManifest'/ });
  writeFileSync(jsonPath, JSON.stringify({ ...parsed, weightsManifest: [{ weights: [] }] }));
  await t.rejects(loadModel(dir), { code: 'DATA_FORMAT', message: /weightsManifest\[0\] has no 'paths'/ });
  writeFileSync(jsonPath, JSON.stringify({ ...parsed, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w' }] }] }));
  await t.rejects(loadModel(dir), { code: 'DATA_FORMAT', message: /weightsManifest\[0\]\.weights\[0\] needs 'name', 'shape' and 'dtype'/ });
  writeFileSync(jsonPath, '[]');
  await t.rejects(loadModel(dir), { code: 'DATA_FORMAT', message: /is not a JSON object/ });
});


t.test('a binary topology cannot be saved; an empty path is refused', async (t) => {
  await t.rejects(fileIO(join(root, 'bin')).save!({ modelTopology: new ArrayBuffer(4) }), { code: 'INVALID_CONFIG', message: /binary model topology/ });
  t.throws(() => fileIO(''), { code: 'INVALID_CONFIG', message: /'path'/ });
});
