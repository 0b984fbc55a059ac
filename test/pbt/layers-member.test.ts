import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { layersMember } from '../../lib/pbt/layers-member.js';
import { loadOptimizerState, saveOptimizerState } from '../../lib/pbt/optimizer-state.js';
import { mlp } from '../../lib/models/mlp.js';
import { optimizer, getLearningRate } from '../../lib/optimizers.js';
import { digits } from '../../lib/data/bundled.js';
import { split, take } from '../../lib/data/split.js';
import { space, logUniform } from '../../lib/search/space.js';
import type { PbtMember } from '../../lib/pbt/types.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

await useBackend('cpu');

const { train: data, validation } = split(take(digits(), 400), { validation: 0.25, test: 0, seed: 1 });
const values = async (opt: tf.Optimizer): Promise<number[][]> => {
  const ws = await opt.getWeights();
  const out = ws.map((w) => Array.from(w.tensor.dataSync()));
  ws[0]!.tensor.dispose();
  return out;
};

t.test('optimizer state round-trips through a folder, without leaks', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'opt-state-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const model = mlp({ inputShape: [64], units: [8], classes: 10, seed: 1 });
  const a = optimizer({ name: 'adam', lr: 0.01 });
  const b = optimizer({ name: 'adam', lr: 0.01 });
  await lastValueFrom(layersMember({ model, optimizer: a, data, seed: 1 }).train(0, 1));
  await saveOptimizerState(a, dir);
  await loadOptimizerState(b, dir);
  t.same(await values(b), await values(a), 'iterations and moments equal');
  const after = tf.memory().numTensors;
  await loadOptimizerState(b, dir);
  t.equal(tf.memory().numTensors, after, 'loading again frees the state it replaces');
  const sgd = optimizer('sgd');
  await t.rejects(loadOptimizerState(sgd, dir), /is a Adam's, not a SGD's/);
  model.dispose(); a.dispose(); b.dispose(); sgd.dispose();
});

t.test('PBT on a layers model copies weights AND optimizer state at the exploit step', async (t) => {
  const before = tf.memory().numTensors;
  const live: Array<{ model: ReturnType<typeof mlp>; opt: tf.Optimizer }> = [];
  const saved = new Map<string, { weights: number[][]; opt: number[][] }>();
  const loaded: Array<{ member: number; path: string; weights: number[][]; opt: number[][]; lr?: number }> = [];
  const objective = ({ member, seed }: { member: number; seed: number }): PbtMember<{ lr: number }> => {
    const model = mlp({ inputShape: [64], units: [16], classes: 10, seed });
    const opt = optimizer({ name: 'adam' });
    live[member] = { model, opt };
    const inner = layersMember<{ lr: number }>({ model, optimizer: opt, data, validation, batchSize: 32, seed });
    return {
      ...inner,
      async save(dir, checkpoints) {
        await inner.save(dir, checkpoints);
        saved.set(dir, { weights: model.getWeights().map((w) => Array.from(w.dataSync())), opt: await values(opt) });
      },
      async load(dir, checkpoints) {
        await inner.load(dir, checkpoints);
        loaded.push({ member, path: dir, weights: model.getWeights().map((w) => Array.from(w.dataSync())), opt: await values(opt) });
      },
    };
  };
  const events = await lastValueFrom(
    pbt(space({ lr: logUniform(1e-4, 1e-1) }), objective, { populationSize: 4, epochs: 3, readyEvery: 1, metric: 'val_accuracy', direction: 'maximize', exploit: { quantile: 0.5 }, seed: 2 }).pipe(toArray()),
  );
  const exploits = events.filter((e) => e.type === 'exploit');
  t.equal(exploits.length, 4, 'two copies at each of the two ready times before the end');
  for (const [i, e] of exploits.entries()) {
    const l = loaded[i]!;
    t.equal(l.member, e.member);
    t.same(l.weights, saved.get(e.checkpoint)!.weights, `member ${e.member} has member ${e.donor}'s weights after the copy`);
    t.same(l.opt, saved.get(e.checkpoint)!.opt, '... and its Adam iteration count and moments');
    t.ok(l.opt.length > 1, 'moments were there to copy');
  }
  const explores = events.filter((e) => e.type === 'explore');
  const lastLr = new Map<number, number>();
  for (const e of explores) lastLr.set(e.member, e.newParams.lr);
  t.ok(explores.every((e) => e.newParams.lr !== e.fromParams.lr), 'the copied learning rate was perturbed');
  for (const [member, lr] of lastLr) t.equal(getLearningRate(live[member]!.opt), lr, `member ${member}'s optimizer uses its explored learning rate`);
  const end = events.at(-1)!;
  t.equal(end.type, 'pbtCompleted');
  if (end.type === 'pbtCompleted') t.ok(end.best.value > 0.3, `best val_accuracy ${end.best.value}`);
  t.equal(tf.memory().numTensors, before, 'the members were disposed, nothing leaked');
});
