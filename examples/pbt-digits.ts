/**
 * Population-based training on the bundled digits: 8 MLPs train side by side, in 2 worker threads
 * (4 members each, one core each); every 2 epochs the worst quarter copies the weights and optimizer
 * state of the best quarter and perturbs the copied learning rate, which thus becomes a schedule.
 * Prints each copy and the schedule that won. Checkpoints and the run's state stay in the folder given
 * (a second run on it resumes). `--in-process`: all members in this thread instead.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/pbt-digits.ts [checkpoint-folder] [--in-process]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import { evaluate, loadModel, logUniform, pbt, space, useBackend } from 'rxtrain';
import digitsMember, { test } from './pbt-digits-member.js';

await useBackend('auto');
const args = process.argv.slice(2);
const inProcess = args.includes('--in-process');
const checkpointDir = args.find((a) => !a.startsWith('--')) ?? mkdtempSync(join(tmpdir(), 'pbt-digits-'));
const config = { populationSize: 8, epochs: 16, readyEvery: 2, metric: 'val_accuracy', direction: 'maximize', exploit: { quantile: 0.25 }, explore: { perturb: [0.8, 1.2] }, seed: 0, checkpointDir } as const;
const lrSpace = space({ lr: logUniform(1e-4, 0.5) });

const started = Date.now();
const end = await lastValueFrom(
  (inProcess
    ? pbt(lrSpace, digitsMember, config)
    : // The objective as a module: each worker imports it and makes the members it hosts.
      pbt(lrSpace, { module: new URL('./pbt-digits-member.ts', import.meta.url) }, { ...config, workers: 2 })
  ).pipe(
    tap((e) => {
      if (e.type === 'pbtStarted') console.log(`checkpoints in ${e.dir}, starting at epoch ${e.epoch}`);
      if (e.type === 'ready') console.log(`epoch ${e.epoch}: ${e.ranking.map((r) => `#${r.member} ${r.value.toFixed(3)}`).join('  ')}`);
      if (e.type === 'exploit') console.log(`  member ${e.member} (${e.value.toFixed(3)}) copies member ${e.donor} (${e.donorValue.toFixed(3)})`);
      if (e.type === 'explore') console.log(`  member ${e.member}: lr ${e.fromParams.lr.toPrecision(3)} → ${e.newParams.lr.toPrecision(3)}`);
      if (e.type === 'memberFailed') console.log(`  member ${e.member} failed after epoch ${e.epoch}: ${e.error}`);
    }),
  ),
);
if (end.type !== 'pbtCompleted') throw new Error('no result');
console.log(`${inProcess ? 'in this thread' : 'in 2 worker threads'}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`best: member ${end.best.member}, val_accuracy ${end.best.value.toFixed(4)}`);
console.log(`its learning-rate schedule: ${end.best.schedule.map((s) => `epoch ${s.epoch}: ${s.params.lr.toPrecision(3)}`).join(', ')}`);
const model = await loadModel(end.best.checkpoint!);
console.log(`test accuracy of its last checkpoint: ${evaluate(model, test).accuracy!.toFixed(4)}`);
model.dispose();
