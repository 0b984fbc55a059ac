import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Subject, throwError, concat, lastValueFrom, toArray } from 'rxjs';
import { earlyStopping } from '../../operators/early-stopping.js';
import type { TrainEvent } from '../../lib/events.js';
import { RxtrainError } from '../../lib/errors.js';
import { epochEnd, epochsOf, scheduler, step, ofEvents } from './decision-helpers.js';

await tf.setBackend('cpu');

t.test('patience 0 stops at the first epoch that does not improve, then completes', (t) => {
  scheduler(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const values = epochsOf('val_loss', [3, 2, 2.5, 1]);
    const src = cold<TrainEvent>('a-b-c-d-|', values);
    const stopped = { type: 'stopped', source: 'earlyStopping', epoch: 2, reason: 'val_loss did not improve for 1 epoch (best 2 at epoch 1)' };
    expectObservable(src.pipe(earlyStopping())).toBe('a-b-(cs|)', { ...values, s: stopped });
    expectSubscriptions(src.subscriptions).toBe('^---!');
  });
  t.end();
});

t.test('patience n tolerates n epochs without improvement and stops at the next', (t) => {
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = epochsOf('val_loss', [3, 2, 2.5, 2.4, 2.2, 1]);
    const src = cold<TrainEvent>('abcdef|', values);
    const stopped = { type: 'stopped', source: 'earlyStopping', epoch: 4, reason: 'val_loss did not improve for 3 epochs (best 2 at epoch 1)' };
    expectObservable(src.pipe(earlyStopping({ patience: 2 }))).toBe('abcd(es|)', { ...values, s: stopped });
  });
  t.end();
});

t.test('an improvement resets the count', (t) => {
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = epochsOf('loss', [3, 4, 2, 5, 1, 6]);
    const src = cold<TrainEvent>('abcdef|', values);
    expectObservable(src.pipe(earlyStopping({ monitor: 'loss', patience: 1 }))).toBe('abcdef|', values);
  });
  t.end();
});

t.test('minDelta: a gain not larger than minDelta does not count', (t) => {
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = epochsOf('val_loss', [1, 0.95, 0.9, 0.5]);
    const src = cold<TrainEvent>('abcd|', values);
    const stopped = { type: 'stopped', source: 'earlyStopping', epoch: 2, reason: 'val_loss did not improve for 2 epochs (best 1 at epoch 0)' };
    expectObservable(src.pipe(earlyStopping({ minDelta: 0.1, patience: 1 }))).toBe('ab(cs|)', { ...values, s: stopped });
  });
  t.end();
});

t.test("mode 'auto' is max for accuracy; 'max' and 'min' can be forced", (t) => {
  scheduler(t).run(({ cold, expectObservable }) => {
    const acc = epochsOf('val_accuracy', [0.5, 0.6, 0.6, 0.7]);
    const s1 = { type: 'stopped', source: 'earlyStopping', epoch: 2, reason: 'val_accuracy did not improve for 1 epoch (best 0.6 at epoch 1)' };
    expectObservable(cold<TrainEvent>('abcd|', acc).pipe(earlyStopping({ monitor: 'val_accuracy' }))).toBe('ab(cs|)', { ...acc, s: s1 });
    const loss = epochsOf('val_loss', [1, 2, 3, 2]);
    const s2 = { type: 'stopped', source: 'earlyStopping', epoch: 3, reason: 'val_loss did not improve for 1 epoch (best 3 at epoch 2)' };
    expectObservable(cold<TrainEvent>('abcd|', loss).pipe(earlyStopping({ mode: 'max' }))).toBe('abc(ds|)', { ...loss, s: s2 });
    const s3 = { type: 'stopped', source: 'earlyStopping', epoch: 1, reason: 'val_accuracy did not improve for 1 epoch (best 0.5 at epoch 0)' };
    expectObservable(cold<TrainEvent>('abcd|', acc).pipe(earlyStopping({ monitor: 'val_accuracy', mode: 'min' }))).toBe('a(bs|)', { ...acc, s: s3 });
  });
  t.end();
});

t.test('baseline: epochs that do not beat it count as not improving', (t) => {
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = epochsOf('val_loss', [1, 0.8, 0.4]);
    const stopped = { type: 'stopped', source: 'earlyStopping', epoch: 1, reason: 'val_loss did not beat the baseline 0.5 for 2 epochs' };
    expectObservable(cold<TrainEvent>('abc|', values).pipe(earlyStopping({ baseline: 0.5, patience: 1 }))).toBe('a(bs|)', { ...values, s: stopped });
    const good = epochsOf('val_loss', [0.45, 0.4, 0.41, 0.3]);
    expectObservable(cold<TrainEvent>('abcd|', good).pipe(earlyStopping({ baseline: 0.5, patience: 1 }))).toBe('abcd|', good);
  });
  t.end();
});

t.test('NaN never improves; other events pass through unchanged', (t) => {
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = { ...epochsOf('val_loss', [1, NaN]), x: step(0, 0, 0.3), y: { type: 'lrChange', epoch: 1, from: 1, to: 0.5, source: 'x' } as TrainEvent };
    const stopped = { type: 'stopped', source: 'earlyStopping', epoch: 1, reason: 'val_loss did not improve for 1 epoch (best 1 at epoch 0)' };
    expectObservable(cold<TrainEvent>('xaxy(bx)|', values).pipe(earlyStopping())).toBe('xaxy(bs|)', { ...values, s: stopped });
  });
  t.end();
});

t.test('upstream completing and erroring pass through', (t) => {
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = epochsOf('val_loss', [3, 2]);
    expectObservable(cold<TrainEvent>('ab|', values).pipe(earlyStopping())).toBe('ab|', values);
    expectObservable(cold<TrainEvent>('a#', values, new Error('boom')).pipe(earlyStopping())).toBe('a#', values, new Error('boom'));
  });
  t.end();
});

t.test('two subscribers keep their own state', async (t) => {
  const src = ofEvents(...Object.values(epochsOf('val_loss', [3, 2, 2.5, 1])));
  const op = src.pipe(earlyStopping());
  const [a, b] = await Promise.all([lastValueFrom(op.pipe(toArray())), lastValueFrom(op.pipe(toArray()))]);
  t.equal(a.length, 4);
  t.same(a, b);
});

t.test('a monitor missing from the metrics fails the stream, naming it and the ones present', async (t) => {
  const src = ofEvents(epochEnd(0, { loss: 0.3, accuracy: 0.9 }));
  const err = await lastValueFrom(src.pipe(earlyStopping())).catch((e: unknown) => e);
  t.type(err, RxtrainError);
  t.match((err as Error).message, /monitor 'val_loss'/);
  t.match((err as Error).message, /present: loss, accuracy/);
});

t.test('invalid configs throw errors that name the field', (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ monitor: 'val_los' }, 'monitor'],
    [{ mode: 'up' }, 'mode'],
    [{ patience: -1 }, 'patience'],
    [{ patience: 1.5 }, 'patience'],
    [{ minDelta: -0.1 }, 'minDelta'],
    [{ minDelta: NaN }, 'minDelta'],
    [{ baseline: 'low' }, 'baseline'],
    [{ restoreBest: 'yes' }, 'restoreBest'],
    [{ restoreBest: true }, 'model'],
    [{ model: {} }, 'model'],
    [{ pateince: 3 }, 'pateince'],
  ];
  for (const [config, field] of cases) {
    t.throws(() => earlyStopping(config as never), { code: 'INVALID_CONFIG', message: new RegExp(`'${field}'`) }, field);
  }
  t.throws(() => earlyStopping(null as never), { code: 'INVALID_CONFIG' });
  t.end();
});

function tinyModel(): tfl.LayersModel {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }), tfl.layers.dense({ units: 1 })] });
  return model;
}

/** Perturb the weights, as a training step would. */
function nudge(model: tfl.LayersModel, seed: number): void {
  const next = tf.tidy(() => model.getWeights().map((w) => tf.add(w, tf.randomNormal(w.shape, 0, 0.5, 'float32', seed))));
  model.setWeights(next);
  tf.dispose(next);
}

t.test('restoreBest puts back the weights of the best epoch', async (t) => {
  const model = tinyModel();
  const x = tf.tensor2d([[0.1, 0.2, 0.3], [-1, 0.5, 2]]);
  const predict = (): number[] => tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
  const before = tf.memory().numTensors;
  const losses = [0.9, 0.5, 0.7, 0.6, 0.8];
  const seen: TrainEvent[] = [];
  const preds: number[][] = [];
  const events = new Subject<TrainEvent>();
  let completed = false;
  const downstream: number[][] = [];
  events.pipe(earlyStopping({ patience: 2, restoreBest: true, model })).subscribe({
    next: (e) => {
      seen.push(e);
      if (e.type === 'epochEnd') downstream.push(predict());
    },
    complete: () => { completed = true; },
  });
  for (let epoch = 0; epoch < losses.length && !completed; epoch++) {
    nudge(model, epoch + 1);
    preds.push(predict());
    events.next(epochEnd(epoch, { val_loss: losses[epoch]! }));
  }
  t.ok(completed, 'the stream completed');
  const stopped = seen.at(-1);
  t.match(stopped, { type: 'stopped', epoch: 4, restoredEpoch: 1 });
  t.notSame(predict(), preds[4], 'weights changed from the last epoch');
  t.same(predict(), preds[1], 'predictions are those of the best epoch');
  t.same(downstream, preds, 'downstream sees each epoch, the stopping one too, with its own weights');
  t.equal(tf.memory().numTensors, before, 'the kept copy was freed');
  tf.dispose(x);
  model.dispose();
});

t.test('the kept weights are freed on unsubscribe, error and normal completion', async (t) => {
  const model = tinyModel();
  const before = tf.memory().numTensors;

  const a = new Subject<TrainEvent>();
  const sub = a.pipe(earlyStopping({ patience: 5, restoreBest: true, model })).subscribe();
  a.next(epochEnd(0, { val_loss: 1 }));
  a.next(epochEnd(1, { val_loss: 0.5 }));
  t.ok(tf.memory().numTensors > before, 'a copy is held while running');
  sub.unsubscribe();
  t.equal(tf.memory().numTensors, before, 'unsubscribe');

  const failing = concat(ofEvents(epochEnd(0, { val_loss: 1 })), throwError(() => new Error('boom')));
  await t.rejects(lastValueFrom(failing.pipe(earlyStopping({ restoreBest: true, model }))), /boom/);
  t.equal(tf.memory().numTensors, before, 'error');

  const done = ofEvents(epochEnd(0, { val_loss: 1 }), epochEnd(1, { val_loss: 0.9 }));
  await lastValueFrom(done.pipe(earlyStopping({ restoreBest: true, model })));
  t.equal(tf.memory().numTensors, before, 'completion');

  const missing = ofEvents(epochEnd(0, { val_loss: 1 }), epochEnd(1, {}));
  await t.rejects(lastValueFrom(missing.pipe(earlyStopping({ restoreBest: true, model }))), { code: 'INVALID_CONFIG' });
  t.equal(tf.memory().numTensors, before, 'missing monitor');

  // A synchronous source that goes on after the stop must not make clones that nobody frees.
  const sync = ofEvents(...Object.values(epochsOf('val_loss', [3, 2, 2.5, 1, 0.5])));
  await lastValueFrom(sync.pipe(earlyStopping({ restoreBest: true, model })));
  t.equal(tf.memory().numTensors, before, 'synchronous source');
  model.dispose();
});
