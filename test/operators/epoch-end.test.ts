import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { TestScheduler } from 'rxjs/testing';
import { lastValueFrom, of, toArray } from 'rxjs';
import { epochEnd } from '../../operators/epoch-end.js';
import { mlp } from '../../lib/models/mlp.js';
import { evaluate } from '../../lib/evaluate.js';
import { manualClock } from '../../lib/clock.js';
import type { EpochBoundary, RunStart } from '../../lib/events.js';

await tf.setBackend('cpu');

const boundary = (epoch: number, loss: number): EpochBoundary => ({ type: 'epochBoundary', epoch, metrics: { loss }, samples: 10, steps: 2 });
const runStart: RunStart = { type: 'runStart', backend: 'cpu', trainableParams: 1, time: 0 };

t.test('turns boundaries into epochEnd events, passing the rest through (marbles)', async () => {
  const clock = manualClock();
  new TestScheduler((a, b) => t.same(a, b)).run(({ cold, expectObservable }) => {
    const src = cold('a-b-c|', { a: runStart, b: boundary(0, 2), c: boundary(1, 1) });
    expectObservable(src.pipe(epochEnd({ clock }))).toBe('a-b-c|', {
      a: runStart,
      b: { type: 'epochEnd', epoch: 0, metrics: { loss: 2 }, samples: 10, steps: 2, durationMs: 0 },
      c: { type: 'epochEnd', epoch: 1, metrics: { loss: 1 }, samples: 10, steps: 2, durationMs: 0 },
    });
  });
});

t.test('validation metrics equal evaluate(), and the learning rate is reported', async (t) => {
  const model = mlp({ inputShape: [2], units: [4], classes: 2, seed: 1 });
  const validation = { xs: [[0, 1], [1, 0], [1, 1]], ys: [0, 1, 1] };
  const opt = tf.train.adam(0.02);
  const clock = manualClock(1000);
  const src = of(runStart, boundary(0, 0.5));
  const events = await lastValueFrom(src.pipe(epochEnd({ model, validation, optimizer: opt, clock }), toArray()));
  const end = events[1];
  const expected = evaluate(model, validation);
  t.match(end, { type: 'epochEnd', epoch: 0, metrics: { loss: 0.5, val_loss: expected.loss, val_accuracy: expected.accuracy, lr: 0.02 } });
  opt.dispose();
  model.dispose();
});

t.test('bad configs', async (t) => {
  t.throws(() => epochEnd({ validation: { xs: [[1]], ys: [1] } }), /epochEnd\(\): option 'model' is required/);
  t.throws(() => epochEnd({ metrics: ['auroc' as never] }), /metrics\[0\]/);
  const model = mlp({ inputShape: [2], units: [4], classes: 2 });
  t.throws(() => epochEnd({ model, validation: { xs: [[1, 2], [3]], ys: [0, 1] } }), /row 1/);
  model.dispose();
});
