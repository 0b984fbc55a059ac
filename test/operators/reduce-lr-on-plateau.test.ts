import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { lastValueFrom, toArray } from 'rxjs';
import { reduceLROnPlateau } from '../../operators/reduce-lr-on-plateau.js';
import { getLearningRate } from '../../lib/optimizers.js';
import type { TrainEvent } from '../../lib/events.js';
import { epochEnd, epochsOf, scheduler, step, ofEvents } from './decision-helpers.js';

await tf.setBackend('cpu');

const change = (epoch: number, from: number, to: number): TrainEvent => ({ type: 'lrChange', source: 'reduceLROnPlateau', epoch, from, to });

t.test('lowers the rate after patience epochs without improvement, right after the epochEnd', (t) => {
  const opt = tf.train.sgd(1);
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = epochsOf('val_loss', [1, 1, 1, 1, 1, 1]);
    const src = cold<TrainEvent>('a---b---c---d---e---f---|', values);
    expectObservable(src.pipe(reduceLROnPlateau({ optimizer: opt, factor: 0.5, patience: 1 })))
      .toBe('a---b---(cx)d---(ey)f---|', { ...values, x: change(3, 1, 0.5), y: change(5, 0.5, 0.25) });
  });
  t.equal(getLearningRate(opt), 0.25, 'the optimizer runs at the new rate');
  opt.dispose();
  t.end();
});

t.test('an improvement larger than minDelta resets the count; smaller ones do not', (t) => {
  const opt = tf.train.adam(1);
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = epochsOf('val_loss', [1, 0.5, 0.49999, 0.2, 0.19999]);
    const src = cold<TrainEvent>('a---b---c---d---e---|', values);
    expectObservable(src.pipe(reduceLROnPlateau({ optimizer: opt, patience: 0 })))
      .toBe('a---b---(cx)d---(ey)|', { ...values, x: change(3, 1, 0.1), y: change(5, 0.1, 0.1 * 0.1) });
  });
  opt.dispose();
  t.end();
});

t.test('cooldown: epochs right after a reduction are not counted', (t) => {
  const opt = tf.train.adam(1);
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = epochsOf('val_loss', [1, 1, 1, 1, 1]);
    const src = cold<TrainEvent>('a---b---c---d---e---|', values);
    expectObservable(src.pipe(reduceLROnPlateau({ optimizer: opt, factor: 0.5, patience: 0, cooldown: 2 })))
      .toBe('a---(bx)c---d---(ey)|', { ...values, x: change(2, 1, 0.5), y: change(5, 0.5, 0.25) });
  });
  opt.dispose();
  t.end();
});

t.test('minLR: the rate is never lowered below it, and no event comes once it is reached', (t) => {
  const opt = tf.train.adam(1);
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = epochsOf('val_loss', [1, 1, 1, 1, 1]);
    const src = cold<TrainEvent>('a---b---c---d---e---|', values);
    expectObservable(src.pipe(reduceLROnPlateau({ optimizer: opt, patience: 0, minLR: 0.05 })))
      .toBe('a---(bx)(cy)d---e---|', { ...values, x: change(2, 1, 0.1), y: change(3, 0.1, 0.05) });
  });
  t.equal(getLearningRate(opt), 0.05);
  opt.dispose();
  t.end();
});

t.test("mode 'auto' is max for val_accuracy; other events pass through", (t) => {
  const opt = tf.train.adam(1);
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = { ...epochsOf('val_accuracy', [0.5, 0.6, 0.7, 0.6]), s: step(0, 0, 1) };
    const src = cold<TrainEvent>('sasbscsd---|', values);
    expectObservable(src.pipe(reduceLROnPlateau({ optimizer: opt, monitor: 'val_accuracy', patience: 0, factor: 0.5 })))
      .toBe('sasbscs(dx)|', { ...values, x: change(4, 1, 0.5) });
  });
  opt.dispose();
  t.end();
});

t.test('a missing monitor fails the stream naming it', async (t) => {
  const opt = tf.train.adam(1);
  await t.rejects(lastValueFrom(ofEvents(epochEnd(0, { loss: 1 })).pipe(reduceLROnPlateau({ optimizer: opt }))), {
    code: 'INVALID_CONFIG',
    message: /monitor 'val_loss'.*present: loss/,
  });
  opt.dispose();
});

t.test('two subscribers keep their own counts', async (t) => {
  const a = tf.train.adam(1);
  const src = ofEvents(...Object.values(epochsOf('val_loss', [1, 1, 1])));
  const op = src.pipe(reduceLROnPlateau({ optimizer: a, patience: 1, factor: 0.5 }));
  const first = await lastValueFrom(op.pipe(toArray()));
  const second = await lastValueFrom(op.pipe(toArray()));
  t.match(first.at(-1), { type: 'lrChange', from: 1, to: 0.5 });
  t.match(second.at(-1), { type: 'lrChange', from: 0.5, to: 0.25 }, 'the count restarts, the optimizer is shared');
  a.dispose();
});

t.test('invalid configs throw errors that name the field', (t) => {
  const optimizer = tf.train.adam(0.1);
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'optimizer'],
    [{ optimizer: {} }, 'optimizer'],
    [{ optimizer, monitor: 'acc' }, 'monitor'],
    [{ optimizer, mode: 'down' }, 'mode'],
    [{ optimizer, factor: 1 }, 'factor'],
    [{ optimizer, factor: 0 }, 'factor'],
    [{ optimizer, patience: -2 }, 'patience'],
    [{ optimizer, minDelta: -1 }, 'minDelta'],
    [{ optimizer, cooldown: 0.5 }, 'cooldown'],
    [{ optimizer, minLR: -1 }, 'minLR'],
    [{ optimizer, min_lr: 0 }, 'min_lr'],
  ];
  for (const [config, field] of cases) {
    t.throws(() => reduceLROnPlateau(config as never), { code: 'INVALID_CONFIG', message: new RegExp(`'${field}'`) }, field);
  }
  optimizer.dispose();
  t.end();
});
