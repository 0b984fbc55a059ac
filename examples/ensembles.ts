/**
 * Four ensembles on the bundled digits, each against its members: bagging (5 MLPs on bootstrap
 * resamples, trained two at a time), SAMME boosting (5 small MLPs), stacking (3 different MLPs and a
 * logistic-regression meta-model on 3-fold out-of-fold predictions), and the 3 best trials of a
 * 8-trial study (topK). Then a save → load round trip.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/ensembles.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatWith, defer, ignoreElements, lastValueFrom } from 'rxjs';
import { bagging, boosting, digits, evaluate, int, loadEnsemble, logUniform, mlp, randomSampler, saveTrialModel, space, split, stacking, study, topK, train, useBackend, type Ensemble } from 'rxtrain';

const backend = await useBackend('auto');
const { train: trainSet, validation, test } = split(digits(), { validation: 0.15, test: 0.25, seed: 1 });
const dir = mkdtempSync(join(tmpdir(), 'rxtrain-ensembles-'));
console.log(`backend ${backend.name}; ${trainSet.length} training, ${validation.length} validation, ${test.length} test digits`);
const net = (units: number[]) => (seed: number) => mlp({ inputShape: [64], units, classes: 10, seed: seed % 100_000 });
const training = { epochs: 30, batchSize: 32, optimizer: { name: 'adam' as const, lr: 0.01 } };

const report = (e: Ensemble): void => {
  const members = e.members.map((m) => evaluate(m, test).accuracy!);
  console.log(`${e.kind.padEnd(9)} test accuracy ${e.evaluate(test).accuracy.toFixed(4)}   members ${members.map((a) => a.toFixed(4)).join(', ')}`);
};

const bag = await bagging({ members: 5, build: net([32]), data: trainSet, train: training, seed: 1, concurrency: 2 });
report(bag);
const boost = await boosting({ members: 5, build: net([8]), data: trainSet, train: { ...training, epochs: 10 }, seed: 1 });
report(boost);
const stack = await stacking({ members: [net([32]), net([]), net([16, 16])], folds: 3, data: trainSet, train: training, seed: 1, concurrency: 2 });
report(stack);

const s = study({ name: 'digits-topk', direction: 'maximize', metric: 'val_accuracy', space: space({ units: int(8, 64, { log: true }), lr: logUniform(1e-3, 3e-2) }), sampler: randomSampler({ seed: 1 }), seed: 1 });
await lastValueFrom(s.optimize((trial) => {
  const model = mlp({ inputShape: [64], units: [trial.params.units], classes: 10, seed: trial.seed % 100_000 });
  const save = defer(() => saveTrialModel(trial, model, join(dir, `trial-${trial.number}`))).pipe(ignoreElements());
  return train(model, trainSet, { ...training, optimizer: { name: 'adam', lr: trial.params.lr }, validation, seed: trial.seed }).pipe(concatWith(save));
}, { trials: 8, concurrency: 2 }));
const best3 = await topK(s, 3);
report(best3);

await stack.save(join(dir, 'stacking'));
const again = await loadEnsemble(join(dir, 'stacking'));
const before = stack.predict(test).values;
const same = again.predict(test).values.every((v, i) => v === before[i]);
console.log(`saved and loaded stacking: test accuracy ${again.evaluate(test).accuracy.toFixed(4)} (same predictions: ${same})`);
for (const e of [bag, boost, stack, best3, again]) e.dispose();
rmSync(dir, { recursive: true, force: true });
