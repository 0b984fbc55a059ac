/**
 * The decision operators and sinks in a real training pipeline (batches → epochs → trainStep →
 * epochEnd), on the bundled digits: they compose, stop the run, and leave no tensor behind, whether the
 * run completes or is unsubscribed early.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { filter, firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import { batches } from '../../lib/data/batches.js';
import { digits } from '../../lib/data/bundled.js';
import { split } from '../../lib/data/split.js';
import { mlp } from '../../lib/models/mlp.js';
import { optimizer } from '../../lib/optimizers.js';
import { loadModel } from '../../lib/io/save-load.js';
import type { TrainEvent } from '../../lib/events.js';
import { epochs } from '../../operators/epochs.js';
import { trainStep } from '../../operators/train-step.js';
import { epochEnd } from '../../operators/epoch-end.js';
import { terminateOnNaN } from '../../operators/terminate-on-nan.js';
import { lrSchedule } from '../../operators/lr-schedule.js';
import { earlyStopping } from '../../operators/early-stopping.js';
import { checkpoint } from '../../operators/checkpoint.js';
import { jsonlLog } from '../../operators/jsonl-log.js';
import { csvLog } from '../../operators/csv-log.js';
import { progressBar } from '../../operators/progress-bar.js';
import { eventually } from '../eventually.js';

await tf.setBackend('cpu');
const root = mkdtempSync(join(tmpdir(), 'rxtrain-pipeline-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const { train, validation } = split(digits(), { validation: 0.2, seed: 2 });

function pipeline(dir: string, n: number): { run$: Observable<TrainEvent>; dispose: () => void; model: ReturnType<typeof mlp> } {
  const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 2 });
  const opt = optimizer({ name: 'adam', lr: 0.05 });
  const out: string[] = [];
  const run$ = batches(train, { batchSize: 128, shuffle: true, seed: 2 }).pipe(
    epochs(n),
    trainStep(model, { optimizer: opt, readEvery: 3 }),
    epochEnd({ model, validation, optimizer: opt }),
    terminateOnNaN(),
    lrSchedule(opt, { warmup: 2 }),
    earlyStopping({ patience: 1, restoreBest: true, model }),
  ).pipe(
    checkpoint({ dir: join(dir, 'best'), model }),
    jsonlLog(join(dir, 'run.jsonl')),
    csvLog(join(dir, 'run.csv')),
    progressBar({ stream: { write: (s: string) => out.push(s) } }),
  );
  return { run$, model, dispose: () => { opt.dispose(); model.dispose(); } };
}

t.test('a full run: stops early, restores, checkpoints, logs, and frees everything', async (t) => {
  const dir = join(root, 'full');
  const before = tf.memory().numTensors;
  const { run$, model, dispose } = pipeline(dir, 60);
  const events = await lastValueFrom(run$.pipe(toArray()));
  const last = events.at(-1);
  t.match(last, { type: 'stopped', source: 'earlyStopping', restoredEpoch: Number }, 'early stopping ended the run and restored an epoch');
  t.ok(events.some((e) => e.type === 'lrChange'), 'the schedule changed the rate');
  const ckpts = events.filter((e) => e.type === 'checkpoint');
  t.ok(ckpts.length > 0);
  if (last?.type === 'stopped' && last.restoredEpoch !== undefined) {
    t.equal(ckpts.at(-1)?.epoch, last.restoredEpoch, 'the last checkpoint is the restored epoch');
    const saved = await loadModel(join(dir, 'best'));
    const x = tf.tensor2d(validation.x.slice(0, 64 * 20), [20, 64]);
    const a = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const b = tf.tidy(() => Array.from((saved.predict(x) as tf.Tensor).dataSync()));
    t.same(a, b, 'the checkpoint and the restored model predict the same');
    x.dispose();
    saved.dispose();
  }
  const epochsRun = events.filter((e) => e.type === 'epochEnd').length;
  t.equal(readFileSync(join(dir, 'run.csv'), 'utf8').trim().split('\n').length, epochsRun + 1, 'one csv row per epoch');
  t.equal(readFileSync(join(dir, 'run.jsonl'), 'utf8').trim().split('\n').length, events.filter((e) => e.type !== 'step').length);
  dispose(); // the model and the optimizer (whose slot variables a run creates)
  t.equal(tf.memory().numTensors, before, 'no tensor left behind by the run');
});

t.test('unsubscribing early frees everything the operators held', async (t) => {
  const before = tf.memory().numTensors;
  const { run$, dispose } = pipeline(join(root, 'early'), 60);
  await firstValueFrom(run$.pipe(filter((e) => e.type === 'epochEnd' && e.epoch === 1)));
  dispose();
  // A checkpoint write still in flight frees its snapshot when it settles.
  await eventually(() => tf.memory().numTensors === before, undefined, 'every tensor to be freed');
  t.equal(tf.memory().numTensors, before, 'no tensor left behind');
});
