/**
 * Population-based training on the bundled digits: 8 MLPs train side by side; every 2 epochs the
 * worst quarter copies the weights and optimizer state of the best quarter and perturbs the copied
 * learning rate, which thus becomes a schedule. Prints each copy and the schedule that won.
 * Checkpoints and the run's state stay in the folder given (a second run on it resumes).
 *
 *   node --conditions=rxtrain-source --import=tsx examples/pbt-digits.ts [checkpoint-folder]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import { digits, evaluate, layersMember, loadModel, logUniform, mlp, optimizer, pbt, space, split, useBackend } from 'rxtrain';

await useBackend('auto');
const { train: data, validation, test } = split(digits(), { validation: 0.2, test: 0.2, seed: 42 });
const checkpointDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'pbt-digits-'));

const end = await lastValueFrom(
  pbt(
    space({ lr: logUniform(1e-4, 0.5) }),
    ({ seed, params }) =>
      layersMember({ model: mlp({ inputShape: [64], units: [32], classes: 10, seed }), optimizer: optimizer({ name: 'momentum', lr: params.lr, momentum: 0.9 }), data, validation, batchSize: 32, seed }),
    { populationSize: 8, epochs: 16, readyEvery: 2, metric: 'val_accuracy', direction: 'maximize', exploit: { quantile: 0.25 }, explore: { perturb: [0.8, 1.2] }, seed: 0, checkpointDir },
  ).pipe(
    tap((e) => {
      if (e.type === 'pbtStarted') console.log(`checkpoints in ${e.dir}, starting at epoch ${e.epoch}`);
      if (e.type === 'ready') console.log(`epoch ${e.epoch}: ${e.ranking.map((r) => `#${r.member} ${r.value.toFixed(3)}`).join('  ')}`);
      if (e.type === 'exploit') console.log(`  member ${e.member} (${e.value.toFixed(3)}) copies member ${e.donor} (${e.donorValue.toFixed(3)})`);
      if (e.type === 'explore') console.log(`  member ${e.member}: lr ${e.fromParams.lr.toPrecision(3)} → ${e.newParams.lr.toPrecision(3)}`);
    }),
  ),
);
if (end.type !== 'pbtCompleted') throw new Error('no result');
console.log(`best: member ${end.best.member}, val_accuracy ${end.best.value.toFixed(4)}`);
console.log(`its learning-rate schedule: ${end.best.schedule.map((s) => `epoch ${s.epoch}: ${s.params.lr.toPrecision(3)}`).join(', ')}`);
const model = await loadModel(end.best.checkpoint!);
console.log(`test accuracy of its last checkpoint: ${evaluate(model, test).accuracy!.toFixed(4)}`);
model.dispose();
