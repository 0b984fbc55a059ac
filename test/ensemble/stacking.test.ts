import t from 'tap';
import { fixedSplit, sets } from './helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';
import { wine } from '../../lib/data/bundled.js';
import { split } from '../../lib/data/split.js';
import { evaluate } from '../../lib/evaluate.js';
import { mlp } from '../../lib/models/mlp.js';
import { stacking } from '../../lib/ensemble/stacking.js';
import { ensemble, loadEnsemble } from '../../lib/ensemble/ensemble.js';

await useBackend('wasm');
const root = mkdtempSync(join(tmpdir(), 'rxtrain-stacking-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

for (const [name, load, classes] of sets) {
  t.test(`${name}: stacking beats or matches its mean member on a fixed split`, async (t) => {
    const { train, test } = fixedSplit(load());
    const before = tf.memory().numTensors;
    const inputShape = [...train.xShape];
    const e = await stacking({
      data: train, folds: 3, seed: 1, concurrency: 2,
      members: [(seed) => mlp({ inputShape, units: [16], classes, seed }), (seed) => mlp({ inputShape, units: [], classes, seed }), (seed) => mlp({ inputShape, units: [8, 8], classes, seed })],
      train: { epochs: 10, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 } },
    });
    t.equal(e.kind, 'stacking');
    t.equal(e.members.length, 3);
    t.same(e.meta?.inputs[0]?.shape, [null, 3 * classes]);
    const memberAcc = e.members.map((m) => evaluate(m, test).accuracy!);
    const mean = memberAcc.reduce((a, b) => a + b, 0) / memberAcc.length;
    const acc = e.evaluate(test).accuracy;
    t.ok(acc >= mean, `stacking ${acc.toFixed(3)} ≥ mean member ${mean.toFixed(3)} (members ${memberAcc.map((a) => a.toFixed(3)).join(', ')})`);
    if (name === 'wine') {
      const dir = join(root, 'wine');
      await e.save(dir);
      const loaded = await loadEnsemble(dir);
      t.equal(loaded.combine, 'stack');
      t.same(loaded.predict(test).values, e.predict(test).values, 'save → load: identical predictions');
      loaded.dispose();
    }
    e.dispose();
    t.equal(tf.memory().numTensors, before, 'out-of-fold members and everything else freed');
  });
}

t.test('errors name the field', async (t) => {
  const { train } = fixedSplit(wine());
  const m = (seed: number) => mlp({ inputShape: [13], units: [4], classes: 3, seed });
  await t.rejects(stacking({ data: train, members: [m], folds: 1, train: { epochs: 1 } }), { code: 'INVALID_CONFIG', message: /'folds' must be at least 2/ });
  await t.rejects(stacking({ data: train, members: [], train: { epochs: 1 } }), { code: 'INVALID_CONFIG', message: /'members' must be a non-empty array/ });
  const before = tf.memory().numTensors;
  await t.rejects(stacking({ data: train, members: [m, (seed) => mlp({ inputShape: [13], units: [4], classes: 4, seed })], folds: 2, train: { epochs: 1 } }), { code: 'INVALID_CONFIG', message: /'members\[1\]' made a model with 4 outputs but the data has 3 classes/ });
  t.equal(tf.memory().numTensors, before, 'a failed stacking frees what it trained');
  const a = m(1);
  const wrongMeta = mlp({ inputShape: [5], units: [], classes: 3 });
  t.throws(() => ensemble({ members: [a], combine: 'stack', meta: wrongMeta }), { code: 'SHAPE_MISMATCH', message: /it must map \[3\] \(1 members × 3 classes\) to 3/ });
  t.throws(() => ensemble({ members: [a], combine: 'stack' }), { code: 'INVALID_CONFIG', message: /'meta' is required with combine 'stack'/ });
  a.dispose();
  wrongMeta.dispose();
});
