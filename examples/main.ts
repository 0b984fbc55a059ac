/**
 * `npm start`: the main job on the bundled digits. An evolutionary search over an MLP's
 * hyperparameters (learning rate, width, dropout, L2, optimizer) whose members train two at a time in
 * worker threads, each with early stopping; progress per generation, the best parameters, then the
 * best MLP retrained and its accuracy on a test set the search never saw. A live dashboard runs during
 * the job: open the URL it prints. The search is kept in a SQLite file (one study per run), so that
 * `rxtrain dashboard` reopens it afterwards: the job prints the command. Run from a terminal, the
 * dashboard stays up after the job until Ctrl-C.
 *
 *   npm start                            # backend: auto (wasm here); dashboard on a free port
 *   RXTRAIN_BACKEND=cpu npm start        # any backend
 *   RXTRAIN_MONITOR_PORT=8080 npm start  # a fixed dashboard port
 *   RXTRAIN_MAIN_DB=runs.db npm start    # where the search is kept (default: the OS temp folder)
 *   RXTRAIN_KEEP_SERVING=0 npm start     # exit when the job ends, even in a terminal
 */
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, mergeMap, tap } from 'rxjs';
import { choice, digits, evaluate, evolve, int, logUniform, mlp, randomSampler, space, split, sqliteStorage, startMonitor, study, train, uniform, useBackend, when, workerObjective, workerPool } from 'rxtrain';
import { monitorTap } from 'rxtrain/operators';
import type { DigitsParams } from './digits-trial.js';

const backend = await useBackend('auto');
const { train: trainSet, validation, test } = split(digits(), { validation: 0.15, test: 0.15, seed: 42 });
console.log(`backend ${backend.name}; digits: ${trainSet.length} train, ${validation.length} validation, ${test.length} test`);
const monitor = await startMonitor({ port: Number(process.env.RXTRAIN_MONITOR_PORT ?? 0) });
console.log(`dashboard: ${monitor.url}`);

const hyper = space({
  lr: logUniform(1e-3, 3e-2),
  units: int(32, 256, { log: true }),
  dropout: uniform(0, 0.4),
  l2: logUniform(1e-6, 1e-3),
  optimizer: choice(['adam', 'rmsprop', 'sgd']),
  momentum: when('optimizer', 'sgd', uniform(0.5, 0.95)),
});

// One study per run in one file: `rxtrain dashboard <file>` lists them all.
const dbPath = process.env.RXTRAIN_MAIN_DB ?? join(tmpdir(), 'rxtrain-npm-start.db');
const storage = sqliteStorage(dbPath);
const studyName = `digits-evolve-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
const search = study({ name: studyName, direction: 'maximize', metric: 'val_accuracy', storage, space: hyper, sampler: randomSampler({ seed: 42 }) });

const pool = workerPool({ size: 2 });
const member = workerObjective(pool, { module: fileURLToPath(new URL('./digits-trial.ts', import.meta.url)), prune: false });
let best: { value: number; params: DigitsParams } | undefined;
await lastValueFrom(
  evolve(hyper, member, { populationSize: 6, generations: 4, selection: 'tournament', tournamentSize: 3, crossover: 'blend', elitism: 1, seed: 42, concurrency: 2, study: search }).pipe(
    // Each population goes to the dashboard as its generation starts (its population and lineage
    // tabs), with its members' events; the generation is reported here when all its members have ended
    // (members' streams replay: reading them again runs nothing twice).
    monitorTap(monitor, { run: 'evolve' }),
    mergeMap((population) =>
      from(Promise.all(population.members.map((m) => lastValueFrom(m.events)))).pipe(
        tap((ends) => {
          const values = ends.flatMap((e) => (e.type === 'trialCompleted' ? [e.value] : []));
          for (const e of ends) if (e.type === 'trialCompleted' && (!best || e.value > best.value)) best = { value: e.value, params: e.params as DigitsParams };
          const sorted = [...values].sort((a, b) => a - b);
          console.log(`generation ${population.generation}: best val_accuracy ${Math.max(...values).toFixed(4)}, median ${sorted[sorted.length >> 1]?.toFixed(4)}, ${values.length}/${population.members.length} completed`);
        }),
      ),
      1,
    ),
  ),
);
await pool.close();
if (!best) throw new Error('no member completed');
console.log(`best: val_accuracy ${best.value.toFixed(4)} with ${JSON.stringify(best.params)}`);

// Retrain the best configuration in this thread and measure it on the untouched test set.
const p = best.params;
const model = mlp({ inputShape: [64], units: [p.units], dropout: p.dropout, l2: p.l2, classes: 10, seed: 42 });
const optimizer = p.optimizer === 'sgd' ? { name: 'momentum' as const, lr: p.lr, momentum: p.momentum ?? 0 } : { name: p.optimizer, lr: p.lr };
await lastValueFrom(
  train(model, trainSet, { epochs: 60, batchSize: 32, optimizer, validation, seed: 42, earlyStopping: { monitor: 'val_loss', patience: 5, restoreBest: true } }).pipe(
    monitorTap(monitor, { run: 'best-retrained' }),
    tap((e) => e.type === 'stopped' && console.log(`retrained: ${e.reason}`)),
  ),
);
const result = evaluate(model, test);
console.log(`test accuracy ${result.accuracy?.toFixed(4)} (loss ${result.loss.toFixed(4)}) on ${test.length} held-out digits`);
model.dispose();
console.log(`reopen this search: npx rxtrain dashboard ${dbPath} --study ${studyName}`);
if (process.stdout.isTTY && process.env.RXTRAIN_KEEP_SERVING !== '0') {
  // The page shows "finished" with each run's result once the monitor closes; until then it stays live.
  console.log(`the job is done; the dashboard stays at ${monitor.url} until Ctrl-C`);
  await once(process, 'SIGINT');
}
await monitor.close();
storage.close();
