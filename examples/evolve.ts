/**
 * A genetic search of an MLP's hyperparameters on the bundled digits: each generation is a population
 * of training runs, members selected by tournament, crossed, mutated; progress per generation and the
 * best parameters at the end. The study is an SQLite file: stop it (Ctrl-C) and run it again, and it
 * continues where it stopped.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/evolve.ts [path/to/study.db]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defer, finalize, from, lastValueFrom, mergeMap, tap } from 'rxjs';
import { choice, digits, evolve, int, logUniform, mlp, randomSampler, space, split, sqliteStorage, study, train, uniform, useBackend, when } from 'rxtrain';
import { prune } from 'rxtrain/operators';

await useBackend('auto');
const { train: trainSet, validation } = split(digits(), { validation: 0.2, test: 0, seed: 42 });
const hyper = space({
  lr: logUniform(1e-4, 0.3),
  units: int(8, 256, { log: true }),
  dropout: uniform(0, 0.5, { step: 0.05 }),
  optimizer: choice(['adam', 'momentum']),
  momentum: when('optimizer', 'momentum', uniform(0.5, 0.99)),
});
const file = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), 'evolve-')), 'study.db');
const s = study({ name: 'digits-evolve', direction: 'maximize', metric: 'val_accuracy', space: hyper, sampler: randomSampler({ seed: 1 }), storage: sqliteStorage(file) });
console.log(`study in ${file}`);

const populations = evolve(
  hyper,
  (trial) =>
    defer(() => {
      const p = trial.params;
      const model = mlp({ inputShape: [64], units: [p.units], dropout: p.dropout, classes: 10, seed: trial.seed });
      const optimizer = p.optimizer === 'momentum' ? { name: 'momentum' as const, lr: p.lr, momentum: p.momentum! } : { name: 'adam' as const, lr: p.lr };
      return train(model, trainSet, { epochs: 6, batchSize: 32, optimizer, validation, seed: trial.seed }).pipe(prune(trial), finalize(() => model.dispose()));
    }),
  { study: s, populationSize: 8, generations: 5, selection: 'tournament', tournamentSize: 3, crossover: 'blend', mutationScale: 0.15, elitism: 1, seed: 7, concurrency: 2 },
);

await lastValueFrom(
  populations.pipe(
    // Each population arrives when its generation starts; wait for its members' ends to report it.
    mergeMap((population) =>
      from(Promise.all(population.members.map((m) => lastValueFrom(m.events)))).pipe(
        tap((ends) => {
          const values = ends.map((e) => (e.type === 'trialCompleted' ? e.value : NaN));
          const ok = values.filter((v) => !Number.isNaN(v));
          console.log(`generation ${population.generation}: best ${Math.max(...ok).toFixed(4)}, median ${ok.sort((a, b) => a - b)[ok.length >> 1]!.toFixed(4)}, ${population.members.filter((m) => m.origin === 'elite').length} elite`);
        }),
      ),
      1,
    ),
  ),
);
const best = s.best()!;
console.log(`best: trial ${best.number}, val_accuracy ${best.value!.toFixed(4)}`, best.params);
s.storage.close();
