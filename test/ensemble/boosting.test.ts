import t from 'tap';
import { fixedSplit, sets } from './helpers.js';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';
import { wine } from '../../lib/data/bundled.js';
import { split } from '../../lib/data/split.js';
import { evaluate } from '../../lib/evaluate.js';
import { mlp } from '../../lib/models/mlp.js';
import { boosting } from '../../lib/ensemble/boosting.js';

await useBackend('wasm');

for (const [name, load, classes] of sets) {
  t.test(`${name}: SAMME boosting beats or matches its mean member on a fixed split`, async (t) => {
    const { train, test } = fixedSplit(load());
    const before = tf.memory().numTensors;
    const inputShape = [...train.xShape];
    const e = await boosting({ members: 5, data: train, seed: 1, build: (seed) => mlp({ inputShape, units: [4], classes, seed }), train: { epochs: 5, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 } } });
    t.equal(e.kind, 'boosting');
    t.equal(e.combine, 'vote');
    t.ok(e.members.length >= 1 && e.members.length <= 5);
    t.ok(e.weights.every((a) => a > 0), `alphas ${e.weights.map((a) => a.toFixed(2)).join(', ')}`);
    const memberAcc = e.members.map((m) => evaluate(m, test).accuracy!);
    const mean = memberAcc.reduce((a, b) => a + b, 0) / memberAcc.length;
    const acc = e.evaluate(test).accuracy;
    t.ok(acc >= mean, `boosting ${acc.toFixed(3)} ≥ mean member ${mean.toFixed(3)} (members ${memberAcc.map((a) => a.toFixed(3)).join(', ')})`);
    e.dispose();
    t.equal(tf.memory().numTensors, before);
  });
}

t.test('errors name the field', async (t) => {
  const { train } = fixedSplit(wine());
  await t.rejects(boosting({ members: 2, data: train, build: (seed) => mlp({ inputShape: [13], units: [4], classes: 5, seed }), train: { epochs: 1 } }), { code: 'INVALID_CONFIG', message: /'build' made a model with 5 outputs but the data has 3 classes/ });
  await t.rejects(boosting({ members: 2, data: train, build: 1 as never, train: { epochs: 1 } }), { code: 'INVALID_CONFIG', message: /'build' must be a function/ });
  await t.rejects(boosting({ members: 2, data: train, build: () => mlp({ inputShape: [13], units: [4], classes: 3 }), train: { epochs: 1 }, rounds: 3 } as never), { code: 'INVALID_CONFIG', message: /'rounds' is not a known option/ });
});
