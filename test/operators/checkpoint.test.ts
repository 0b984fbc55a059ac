import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { lastValueFrom, Subject, toArray } from 'rxjs';
import { checkpoint } from '../../operators/checkpoint.js';
import { loadModel } from '../../lib/io/save-load.js';
import type { TrainEvent } from '../../lib/events.js';
import { epochEnd, step, ofEvents } from './decision-helpers.js';
import { eventually } from '../eventually.js';

await tf.setBackend('cpu');

const root = mkdtempSync(join(tmpdir(), 'rxtrain-ckpt-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

function tinyModel(): tfl.LayersModel {
  return tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }), tfl.layers.dense({ units: 1 })] });
}
function nudge(model: tfl.LayersModel, seed: number): void {
  const next = tf.tidy(() => model.getWeights().map((w) => tf.add(w, tf.randomNormal(w.shape, 0, 0.5, 'float32', seed))));
  model.setWeights(next);
  tf.dispose(next);
}
const x = tf.tensor2d([[0.1, 0.2, 0.3], [-1, 0.5, 2]]);
t.teardown(() => x.dispose());
const predict = (m: tfl.LayersModel): number[] => tf.tidy(() => Array.from((m.predict(x) as tf.Tensor).dataSync()));

/** Run epochs synchronously, changing the weights before each, as a training loop would. */
function run(model: tfl.LayersModel, losses: readonly number[], events: Subject<TrainEvent>): number[][] {
  const preds: number[][] = [];
  losses.forEach((loss, epoch) => {
    nudge(model, epoch + 1);
    events.next(step(epoch, 0, loss));
    preds.push(predict(model));
    events.next(epochEnd(epoch, { val_loss: loss }));
  });
  events.complete();
  return preds;
}

t.test('saves improving epochs, in order, each epochEnd after its save; the best loads back identical', async (t) => {
  const model = tinyModel();
  const dir = join(root, 'best');
  const events = new Subject<TrainEvent>();
  const before = tf.memory().numTensors;
  const out = lastValueFrom(events.pipe(checkpoint({ dir, model }), toArray()));
  const preds = run(model, [1, 0.5, 0.7, 0.3, 0.4], events);
  const seen = await out;
  t.same(seen.map((e) => `${e.type}${'epoch' in e ? e.epoch : ''}`), [
    'step0', 'epochEnd0', 'checkpoint0',
    'step1', 'epochEnd1', 'checkpoint1',
    'step2', 'epochEnd2',
    'step3', 'epochEnd3', 'checkpoint3',
    'step4', 'epochEnd4',
  ]);
  t.same(seen[2], { type: 'checkpoint', epoch: 0, path: dir, monitor: 'val_loss', value: 1 });
  t.equal(tf.memory().numTensors, before, 'every snapshot was freed');
  const best = await loadModel(dir);
  t.same(predict(best), preds[3], 'the best model round-trips');
  best.dispose();
  model.dispose();
});

t.test('each save writes the weights of its own epoch, even when training moved on meanwhile', async (t) => {
  const model = tinyModel();
  const events = new Subject<TrainEvent>();
  const out = lastValueFrom(events.pipe(checkpoint({ dir: join(root, 'epoch-{epoch}'), model }), toArray()));
  const preds = run(model, [1, 0.5, 0.7, 0.3], events);
  const seen = await out;
  t.same(seen.filter((e) => e.type === 'checkpoint').map((e) => e.type === 'checkpoint' && e.path), [0, 1, 3].map((n) => join(root, `epoch-${n}`)));
  for (const epoch of [0, 1, 3]) {
    const m = await loadModel(join(root, `epoch-${epoch}`));
    t.same(predict(m), preds[epoch], `epoch ${epoch} saved as it was`);
    m.dispose();
  }
  model.dispose();
});

t.test("saveBestOnly: false saves every epoch; mode 'auto' is max for accuracy", async (t) => {
  const model = tinyModel();
  const all = await lastValueFrom(ofEvents(epochEnd(0, { val_loss: 1 }), epochEnd(1, { val_loss: 2 }))
    .pipe(checkpoint({ dir: join(root, 'all'), model, saveBestOnly: false }), toArray()));
  t.same(all.filter((e) => e.type === 'checkpoint').map((e) => e.epoch), [0, 1]);
  const acc = await lastValueFrom(ofEvents(epochEnd(0, { accuracy: 0.5 }), epochEnd(1, { accuracy: 0.4 }), epochEnd(2, { accuracy: 0.6 }))
    .pipe(checkpoint({ dir: join(root, 'acc'), model, monitor: 'accuracy' }), toArray()));
  t.same(acc.filter((e) => e.type === 'checkpoint').map((e) => e.epoch), [0, 2]);
  model.dispose();
});

t.test('a filesystem error fails the stream with the path, and frees the snapshots', async (t) => {
  const model = tinyModel();
  const file = join(root, 'not-a-dir');
  writeFileSync(file, 'x');
  const before = tf.memory().numTensors;
  const src = ofEvents(epochEnd(0, { val_loss: 1 }), epochEnd(1, { val_loss: 0.5 }), epochEnd(2, { val_loss: 0.2 }));
  await t.rejects(lastValueFrom(src.pipe(checkpoint({ dir: join(file, 'ckpt'), model }))), { code: 'STORAGE', message: new RegExp(join(file, 'ckpt')) });
  t.equal(tf.memory().numTensors, before);
  model.dispose();
});

t.test('unsubscribing mid-save frees every snapshot once the write settles', async (t) => {
  const model = tinyModel();
  const before = tf.memory().numTensors;
  const events = new Subject<TrainEvent>();
  const seen: TrainEvent[] = [];
  const sub = events.pipe(checkpoint({ dir: join(root, 'unsub-{epoch}'), model })).subscribe((e) => seen.push(e));
  events.next(epochEnd(0, { val_loss: 1 }));
  events.next(epochEnd(1, { val_loss: 0.5 }));
  t.equal(tf.memory().numTensors, before + 2 * model.weights.length, 'two snapshots held');
  sub.unsubscribe();
  t.equal(tf.memory().numTensors, before + model.weights.length, 'the waiting one is freed at once');
  await eventually(() => tf.memory().numTensors === before, undefined, 'the snapshot being written to be freed');
  t.equal(tf.memory().numTensors, before, 'the one being written is freed when the write settles');
  t.same(seen, [], 'nothing is emitted after unsubscribe');
  model.dispose();
});

t.test('a missing monitor fails the stream naming it', async (t) => {
  const model = tinyModel();
  await t.rejects(lastValueFrom(ofEvents(epochEnd(0, { loss: 1 })).pipe(checkpoint({ dir: join(root, 'm'), model }))), { code: 'INVALID_CONFIG', message: /monitor 'val_loss'.*present: loss/ });
  model.dispose();
});

t.test('invalid configs throw errors that name the field', (t) => {
  const model = tinyModel();
  const cases: [Record<string, unknown>, string][] = [
    [{ model }, 'dir'],
    [{ dir: '', model }, 'dir'],
    [{ dir: 'x' }, 'model'],
    [{ dir: 'x', model: { toJSON() {} } }, 'model'],
    [{ dir: 'x', model, monitor: 'val_acc' }, 'monitor'],
    [{ dir: 'x', model, mode: 'best' }, 'mode'],
    [{ dir: 'x', model, saveBestOnly: 1 }, 'saveBestOnly'],
    [{ dir: 'x', model, every: 1 }, 'every'],
  ];
  for (const [config, field] of cases) {
    t.throws(() => checkpoint(config as never), { code: 'INVALID_CONFIG', message: new RegExp(`'${field}'`) }, field);
  }
  model.dispose();
  t.end();
});
