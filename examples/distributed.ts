/**
 * A study shared by worker processes through PostgreSQL: this driver samples trials (TPE) and queues
 * them in the database; `rxtrain worker` processes (on this machine or any other that reaches the
 * database) claim them, train them (examples/digits-trial.ts) and report every epoch back; the driver
 * follows them live and prints the best.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/distributed.ts [--url postgres://postgres@127.0.0.1:5432/test]
 *        [--workers 2] [--trials 12] [--schema public]
 *
 * `--workers n` starts n local workers with the same command you would run on other machines (printed
 * below); `--workers 0` starts none and waits for yours.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lastValueFrom, tap } from 'rxjs';
import { postgresStorage, remoteWorkers, study, tpeSampler } from 'rxtrain';
import { digitsSpace } from './digits-trial.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.RXTRAIN_PG ?? 'postgres://postgres@127.0.0.1:5432/test' },
    workers: { type: 'string', default: '2' },
    trials: { type: 'string', default: '12' },
    schema: { type: 'string', default: 'public' },
  },
});
const url = values.url!;
const schema = values.schema!;

const storage = postgresStorage(url, { schema });
const s = study({
  name: 'digits-distributed',
  direction: 'maximize',
  metric: 'val_accuracy',
  storage,
  space: digitsSpace,
  sampler: tpeSampler({ seed: 7 }),
  seed: 7,
});

const trialModule = fileURLToPath(new URL('./digits-trial.ts', import.meta.url));
const workerArgs = ['worker', '--storage', url, '--schema', schema, '--study', s.name, '--objective', trialModule, '--idle-exit', '5'];
console.log(`workers run: npx rxtrain ${workerArgs.join(' ')}`);
// Local workers: the command above, from this checkout's sources.
const cli = fileURLToPath(new URL('../bin/rxtrain.ts', import.meta.url));
const workers = Array.from({ length: Number(values.workers) }, (_, i) => {
  const child = spawn(process.execPath, [...process.execArgv, cli, ...workerArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.setEncoding('utf8').on('data', (text: string) => text.split('\n').filter(Boolean).forEach((line) => console.log(`  [worker ${i}] ${line}`)));
  return new Promise((resolve) => child.on('exit', resolve));
});

await lastValueFrom(
  s.optimize(remoteWorkers(), { trials: Number(values.trials), concurrency: Math.max(2, 2 * workers.length) }).pipe(
    tap((e) => {
      if (e.type === 'trialCompleted') console.log(`trial ${e.trial}: val_accuracy ${e.value.toFixed(4)}`);
      else if (e.type === 'trialPruned') console.log(`trial ${e.trial}: pruned at epoch ${e.step}`);
      else if (e.type === 'trialFailed') console.log(`trial ${e.trial}: failed (${e.error})`);
      else if (e.type === 'studyCompleted') console.log(`done: ${e.completed} completed, ${e.pruned} pruned, ${e.failed} failed`);
    }),
  ),
);
const best = s.best();
if (best) console.log(`best: trial ${best.number}, val_accuracy ${best.value!.toFixed(4)}, ${JSON.stringify(best.params)}`);
await Promise.all(workers);
storage.close();
