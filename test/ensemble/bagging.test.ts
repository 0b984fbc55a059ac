import t from 'tap';
import { fixedSplit, sets } from './helpers.js';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';
import { breastCancer, wine } from '../../lib/data/bundled.js';
import { split } from '../../lib/data/split.js';
import { evaluate } from '../../lib/evaluate.js';
import { mlp } from '../../lib/models/mlp.js';
import { bagging } from '../../lib/ensemble/bagging.js';
import { ensemble, loadEnsemble } from '../../lib/ensemble/ensemble.js';

await useBackend('wasm');
const root = mkdtempSync(join(tmpdir(), 'rxtrain-ensemble-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

for (const [name, load, classes] of sets) {
  t.test(`${name}: bagging (mean and vote) beats or matches its mean member on a fixed split`, async (t) => {
    const { train, test } = fixedSplit(load());
    const before = tf.memory().numTensors;
    const inputShape = [...train.xShape];
    const e = await bagging({
      members: 5, data: train, seed: 1, concurrency: 2, // odd: no tied votes between two classes
      build: (seed) => mlp({ inputShape, units: [16], classes, seed }),
      train: { epochs: 15, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 } },
    });
    t.equal(e.kind, 'bagging');
    t.equal(e.members.length, 5);
    const memberAcc = e.members.map((m) => evaluate(m, test).accuracy!);
    const mean = memberAcc.reduce((a, b) => a + b, 0) / memberAcc.length;
    const acc = e.evaluate(test).accuracy;
    t.ok(acc >= mean, `bagging ${acc.toFixed(3)} ≥ mean member ${mean.toFixed(3)} (members ${memberAcc.map((a) => a.toFixed(3)).join(', ')})`);
    const vote = ensemble({ members: e.members, combine: 'vote' });
    const voteAcc = vote.evaluate(test).accuracy;
    t.ok(voteAcc >= mean - 1e-9, `vote ${voteAcc.toFixed(3)} ≥ mean member ${mean.toFixed(3)}`);
    const p = e.predict(test);
    t.same(p.shape, [test.length, classes]);
    t.ok(Math.abs(p.values.slice(0, classes).reduce((a, b) => a + b, 0) - 1) < 1e-5, 'rows are probabilities');
    e.dispose();
    t.equal(tf.memory().numTensors, before, 'dispose frees every member');
  });
}

t.test('save → load gives identical predictions; bad folders are errors', async (t) => {
  const { train, test } = fixedSplit(wine());
  const e = await bagging({ members: 2, data: train, seed: 2, build: (seed) => mlp({ inputShape: [13], units: [8], classes: 3, seed }), train: { epochs: 3 }, combine: 'vote', bootstrap: 0.5 });
  const dir = join(root, 'wine-bagging');
  await e.save(dir);
  const loaded = await loadEnsemble(dir);
  t.equal(loaded.kind, 'bagging');
  t.equal(loaded.combine, 'vote');
  t.same(loaded.predict(test).values, e.predict(test).values, 'identical predictions');
  e.dispose();
  loaded.dispose();
  await t.rejects(loadEnsemble(join(root, 'nothing')), { code: 'DATA_FORMAT', message: /cannot read .*ensemble.json/ });
  mkdirSync(join(root, 'other'));
  writeFileSync(join(root, 'other', 'ensemble.json'), '{"format":"x"}');
  await t.rejects(loadEnsemble(join(root, 'other')), { code: 'DATA_FORMAT', message: /is not an rxtrain ensemble/ });
});

t.test('members that do not match are errors naming the member', async (t) => {
  const a = mlp({ inputShape: [13], units: [4], classes: 3 });
  const b = mlp({ inputShape: [13], units: [4], classes: 2 });
  const c = mlp({ inputShape: [30], units: [4], classes: 3 });
  t.throws(() => ensemble({ members: [a, b] }), { code: 'SHAPE_MISMATCH', message: /member 1 predicts 2 classes but member 0 predicts 3/ });
  t.throws(() => ensemble({ members: [a, c] }), { code: 'SHAPE_MISMATCH', message: /member 1 takes samples of shape \[30\] but member 0 takes \[13\]/ });
  t.throws(() => ensemble({ members: [a], weights: [0] }), { code: 'INVALID_CONFIG', message: /'weights' must be 1 finite numbers > 0/ });
  t.throws(() => ensemble({ members: [] }), { code: 'INVALID_CONFIG', message: /'members' must be a non-empty array/ });
  const e = ensemble({ members: [a] });
  t.throws(() => e.predict(breastCancer()), { code: 'SHAPE_MISMATCH', message: /take samples of shape \[13\] but the data has \[30\]/ });
  await t.rejects(bagging({ members: 0, data: wine(), build: () => a, train: { epochs: 1 } }), { code: 'INVALID_CONFIG', message: /'members' must be a positive integer/ });
  await t.rejects(bagging({ members: 1, data: wine(), build: () => a, train: { epochs: 1 }, bootstrap: 2 }), { code: 'INVALID_CONFIG', message: /'bootstrap' must be in \(0, 1\]/ });
  for (const m of [a, b, c]) m.dispose();
});
