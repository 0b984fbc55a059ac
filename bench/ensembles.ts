/**
 * Each ensemble against its best single member, on the bundled digits, wine and breast-cancer sets.
 * One fixed stratified split per set (70% train, 30% test, seed 7, features standardised on the
 * training part); several seeds (members' weights, bootstraps, folds, trials). "Best member" is the
 * member with the highest TEST accuracy, picked after the fact: a bar the ensemble can only meet by
 * being better than every member it holds. Prints a markdown table and one JSON line.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/ensembles.ts [--seeds 3] [--sets digits,wine,breastCancer]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatWith, defer, ignoreElements, lastValueFrom } from 'rxjs';
import { applyNormalizer, breastCancer, digits, evaluate, fitNormalizer, int, logUniform, mlp, randomSampler, space, split, study, train, useBackend, wine, type ArrayDataset } from 'rxtrain';
import { bagging, boosting, stacking, topK, saveTrialModel, type Ensemble } from '../lib/ensemble/index.js';
import { arg, median } from './util.js';

const SEEDS = Number(arg('seeds', '3'));
const SETS = arg('sets', 'digits,wine,breastCancer').split(',');
const loaders: Record<string, () => ArrayDataset> = { digits: () => digits(), wine, breastCancer };
const backend = await useBackend(process.env.RXTRAIN_BACKEND === 'cpu' ? 'cpu' : 'wasm');
const root = mkdtempSync(join(tmpdir(), 'rxtrain-bench-ensembles-'));
const training = { epochs: 30, batchSize: 32, optimizer: { name: 'adam' as const, lr: 0.01 } };

type Kind = 'bagging' | 'boosting' | 'stacking' | 'topK';
const kinds: Kind[] = ['bagging', 'boosting', 'stacking', 'topK'];

async function build(kind: Kind, trainSet: ArrayDataset, validation: ArrayDataset, classes: number, seed: number): Promise<Ensemble> {
  const inputShape = [...trainSet.xShape];
  const net = (units: number[]) => (s: number) => mlp({ inputShape, units, classes, seed: s % 100_000 });
  switch (kind) {
    case 'bagging':
      return bagging({ members: 5, data: trainSet, seed, concurrency: 2, build: net([32]), train: training });
    case 'boosting':
      return boosting({ members: 5, data: trainSet, seed, build: net([8]), train: { ...training, epochs: 10 } });
    case 'stacking':
      return stacking({ data: trainSet, folds: 3, seed, concurrency: 2, members: [net([32]), net([]), net([16, 16])], train: training });
    case 'topK': {
      const s = study({ name: `topk-${seed}`, direction: 'maximize', metric: 'val_accuracy', space: space({ units: int(8, 64, { log: true }), lr: logUniform(1e-3, 3e-2) }), sampler: randomSampler({ seed }), seed });
      await lastValueFrom(s.optimize((trial) => {
        const model = mlp({ inputShape, units: [trial.params.units], classes, seed: trial.seed % 100_000 });
        const save = defer(() => saveTrialModel(trial, model, join(root, `${seed}-${trainSet.name}-${trial.number}`))).pipe(ignoreElements());
        return train(model, trainSet, { ...training, optimizer: { name: 'adam', lr: trial.params.lr }, validation, seed: trial.seed }).pipe(concatWith(save));
      }, { trials: 8, concurrency: 2 }));
      return topK(s, 3);
    }
  }
}

const rows: { set: string; kind: Kind; ensemble: number[]; best: number[]; mean: number[] }[] = [];
const started = Date.now();
for (const name of SETS) {
  const ds = loaders[name]!();
  const parts = split(ds, { test: 0.3, seed: 7 });
  const stats = fitNormalizer(parts.train, 'standard');
  const full = applyNormalizer(parts.train, stats);
  const test = applyNormalizer(parts.test, stats);
  // topK needs a validation set to rank trials: carved from the training part (the others use all of it).
  const { train: topKTrain, validation } = split(full, { validation: 0.2, seed: 7 });
  const classes = ds.classNames?.length ?? 2;
  for (const kind of kinds) {
    const row = { set: name, kind, ensemble: [] as number[], best: [] as number[], mean: [] as number[] };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const e = await build(kind, kind === 'topK' ? { ...topKTrain, name } : full, validation, classes, seed);
      const members = e.members.map((m) => evaluate(m, test).accuracy!);
      row.ensemble.push(e.evaluate(test).accuracy);
      row.best.push(Math.max(...members));
      row.mean.push(members.reduce((a, b) => a + b, 0) / members.length);
      console.error(`${name} ${kind} seed ${seed}: ensemble ${row.ensemble.at(-1)!.toFixed(4)}  best member ${row.best.at(-1)!.toFixed(4)}  mean member ${row.mean.at(-1)!.toFixed(4)}`);
      e.dispose();
    }
    rows.push(row);
  }
}
rmSync(root, { recursive: true, force: true });
const f = (x: number): string => x.toFixed(3);
console.log(`| data | ensemble | test accuracy (median) | best member (median) | ensemble − best member, per seed | mean member (median) |\n| --- | --- | --- | --- | --- | --- |`);
for (const r of rows) {
  const diffs = r.ensemble.map((e, i) => e - r.best[i]!);
  console.log(`| ${r.set} | ${r.kind} | **${f(median(r.ensemble))}** | ${f(median(r.best))} | ${diffs.map((d) => (d >= 0 ? '+' : '') + d.toFixed(3)).join(', ')} | ${f(median(r.mean))} |`);
}
console.log(JSON.stringify({ bench: 'ensembles', backend: backend.name, seeds: SEEDS, seconds: Math.round((Date.now() - started) / 1000), rows }));
