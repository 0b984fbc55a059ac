import t from 'tap';
import { lastValueFrom } from 'rxjs';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';
import { digits } from '../../lib/data/bundled.js';
import { take } from '../../lib/data/split.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { freeze, unfreeze } from '../../lib/transfer/freeze.js';
import { layersOf } from '../../lib/transfer/select-layers.js';

await useBackend('wasm');
const data = take(digits(), 256);
const weightsOf = (layers: { getWeights(): tf.Tensor[] }[]): Float32Array[] =>
  layers.flatMap((l) => l.getWeights().map((w) => Float32Array.from(w.dataSync())));

t.test('frozen layers keep their weights bit for bit while the others train', async (t) => {
  const model = mlp({ inputShape: [64], units: [32, 16], classes: 10, seed: 1 });
  const frozen = freeze(model, { upTo: -1 });
  t.same(frozen.map((l) => l.name), model.layers.slice(0, 2).map((l) => l.name), '{upTo: -1}: every layer but the head');
  t.equal(model.trainableWeights.length, 2, 'only the head trains');
  const before = weightsOf(frozen);
  const headBefore = weightsOf([model.layers[2]!]);
  const tensors = tf.memory().numTensors;
  await lastValueFrom(train(model, data, { epochs: 3, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 }, seed: 1 }));
  t.equal(tf.memory().numTensors, tensors, 'no tensor leaks');
  const after = weightsOf(frozen);
  after.forEach((w, i) => t.ok(Buffer.from(w.buffer).equals(Buffer.from(before[i]!.buffer)), `frozen weight ${i} unchanged`));
  const headAfter = weightsOf([model.layers[2]!]);
  t.notSame(headAfter[0], headBefore[0], 'the head trained');
  model.dispose();
});

t.test('selectors: names, indices, negative indices, layer objects; unfreeze', async (t) => {
  const model = mlp({ inputShape: [64], units: [8, 8, 8], classes: 3 });
  const names = model.layers.map((l) => l.name);
  t.same(freeze(model, { layers: [names[1]!, -1] }).map((l) => l.name), [names[1], names[3]]);
  t.same(model.layers.map((l) => l.trainable), [true, false, true, false]);
  t.same(freeze(model, { upTo: names[2]! }).map((l) => l.name), names.slice(0, 2), '{upTo: name} excludes that layer');
  t.same(unfreeze(model, [model.layers[0]!]).map((l) => l.name), [names[0]]);
  t.same(layersOf(model, { layers: [-2, -3] }).map((l) => l.name), [names[1], names[2]], 'model order, each once');
  t.same(unfreeze(model).length, 4, 'unfreeze() with no selector: every layer');
  t.ok(model.layers.every((l) => l.trainable));
  model.dispose();
});

t.test('bad selectors name the field and the layers there are', async (t) => {
  const model = mlp({ inputShape: [64], units: [8], classes: 3 });
  t.throws(() => freeze(model, { upTo: 5 }), { code: 'INVALID_CONFIG', message: /option 'selector.upTo' must be a layer name or an integer index in \[-2, 2\]/ });
  t.throws(() => freeze(model, { layers: ['nope'] }), { code: 'INVALID_CONFIG', message: /'selector.layers\[0\]' names no layer of this model \(its layers: 0 'dense/ });
  t.throws(() => freeze(model, {} as never), { code: 'INVALID_CONFIG', message: /exactly one of 'upTo' or 'layers'/ });
  const other = mlp({ inputShape: [64], units: [8], classes: 3 });
  t.throws(() => freeze(model, [other.layers[0]!]), { code: 'INVALID_CONFIG', message: /'selector\[0\]' is not a layer of this model/ });
  t.throws(() => freeze({} as never, { upTo: 1 }), { code: 'INVALID_CONFIG', message: /'model' must be a tfjs-layers LayersModel/ });
  model.dispose();
  other.dispose();
});
