import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { lastValueFrom, toArray } from 'rxjs';
import { lrSchedule } from '../../operators/lr-schedule.js';
import { cosineDecay } from '../../operators/schedules/cosine-decay.js';
import { exponentialDecay } from '../../operators/schedules/exponential-decay.js';
import { linearWarmup } from '../../operators/schedules/linear-warmup.js';
import { scheduleFn } from '../../operators/schedules/schedule-fn.js';
import { stepDecay } from '../../operators/schedules/step-decay.js';
import { getLearningRate } from '../../lib/optimizers.js';
import type { TrainEvent } from '../../lib/events.js';
import { epochEnd, scheduler, step, ofEvents } from './decision-helpers.js';

await tf.setBackend('cpu');

const change = (epoch: number, from: number, to: number): TrainEvent => ({ type: 'lrChange', source: 'lrSchedule', epoch, from, to });
const ends = (n: number): Record<string, TrainEvent> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [String.fromCharCode(97 + i), epochEnd(i + 1, { val_loss: 1 })]));

t.test('the pure schedules', (t) => {
  const step10 = stepDecay({ every: 10, factor: 0.5 });
  t.same([1, 10, 11, 26].map((e) => step10(e, 0.1)), [0.1, 0.1, 0.05, 0.025]);
  const exp = exponentialDecay({ gamma: 0.9 });
  t.equal(exp(1, 0.1), 0.1);
  t.ok(Math.abs(exp(3, 0.1) - 0.081) < 1e-12);
  const cos = cosineDecay({ epochs: 10, minLR: 0.001 });
  t.equal(cos(1, 0.1), 0.1);
  t.ok(Math.abs(cos(6, 0.1) - 0.0505) < 1e-12);
  t.ok(Math.abs(cos(11, 0.1) - 0.001) < 1e-12);
  t.ok(Math.abs(cos(50, 0.1) - 0.001) < 1e-12, 'holds minLR after the end');
  t.ok(cos(3, 0.1) > cos(4, 0.1), 'decreasing');
  t.equal(cosineDecay({ epochs: 4 })(5, 1), 0, 'minLR defaults to 0');
  const warm = linearWarmup({ warmup: 4, then: exponentialDecay({ gamma: 0.5 }) });
  t.same([1, 2, 3, 4, 5, 6].map((e) => warm(e, 1)), [0.25, 0.5, 0.75, 1, 1, 0.5]);
  t.same([1, 2, 3, 6].map((e) => linearWarmup({ warmup: 2 })(e, 1)), [0.5, 1, 1, 1]);
  t.end();
});

t.test('scheduleFn turns schedule objects into functions', (t) => {
  t.equal(scheduleFn({ type: 'step', every: 2, factor: 0.1 })(5, 1), 0.1 ** 2);
  t.equal(scheduleFn({ warmup: 2, then: { type: 'exponential', gamma: 0.5 } })(4, 1), 0.5);
  const fn = (e: number, lr0: number): number => lr0 / e;
  t.equal(scheduleFn(fn), fn);
  t.end();
});

t.test('sets the next epoch at each epochEnd, emitting lrChange only when the rate changes', (t) => {
  const opt = tf.train.sgd(1);
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = ends(3);
    const src = cold<TrainEvent>('a---b---c---|', values);
    expectObservable(src.pipe(lrSchedule(opt, { type: 'step', every: 2, factor: 0.5 })))
      .toBe('a---(bx)c---|', { ...values, x: change(3, 1, 0.5) });
  });
  t.equal(getLearningRate(opt), 0.5);
  opt.dispose();
  t.end();
});

t.test('warm-up sets the epoch-1 rate at subscription; its event comes first, or right after runStart', (t) => {
  const opt = tf.train.adam(1);
  const opt2 = tf.train.adam(1);
  scheduler(t).run(({ cold, expectObservable }) => {
    const values = { ...ends(2), s: step(1, 0), r: { type: 'runStart', backend: 'cpu', trainableParams: 1, time: 0 } as TrainEvent };
    const src = cold<TrainEvent>('-s---a---b---|', values);
    expectObservable(src.pipe(lrSchedule(opt, { warmup: 2 })))
      .toBe('-(xs)(ay)b---|', { ...values, x: change(1, 1, 0.5), y: change(2, 0.5, 1) });
    const withStart = cold<TrainEvent>('-r---s---a---|', values);
    expectObservable(withStart.pipe(lrSchedule(opt2, { warmup: 2 })))
      .toBe('-(rx)s---(ay)|', { ...values, x: change(1, 1, 0.5), y: change(2, 0.5, 1) });
  });
  t.equal(getLearningRate(opt), 1);
  opt.dispose();
  opt2.dispose();
  t.end();
});

t.test('lr0 is the rate when lrSchedule is called: each subscription starts the schedule over', async (t) => {
  const opt = tf.train.adam(0.8);
  const op = ofEvents(epochEnd(1, {}), epochEnd(2, {})).pipe(lrSchedule(opt, (e, lr0) => lr0 / e));
  const first = await lastValueFrom(op.pipe(toArray()));
  const second = await lastValueFrom(op.pipe(toArray()));
  t.same(first.filter((e) => e.type === 'lrChange'), [change(2, 0.8, 0.4), change(3, 0.4, 0.8 / 3)]);
  t.same(second.filter((e) => e.type === 'lrChange'), [change(1, 0.8 / 3, 0.8), change(2, 0.8, 0.4), change(3, 0.4, 0.8 / 3)]);
  opt.dispose();
});

t.test('a rate of 0 is not set; the stream fails only if the run goes on into that epoch', async (t) => {
  const opt = tf.train.adam(1);
  const cos = { type: 'cosine', epochs: 2 } as const;
  const ok = await lastValueFrom(ofEvents(epochEnd(1, {}), epochEnd(2, {})).pipe(lrSchedule(opt, cos), toArray()));
  t.same(ok.filter((e) => e.type === 'lrChange'), [change(2, 1, 0.5)]);
  t.equal(getLearningRate(opt), 0.5);
  const opt2 = tf.train.adam(1);
  const beyond = ofEvents(epochEnd(1, {}), epochEnd(2, {}), step(3, 0));
  await t.rejects(lastValueFrom(beyond.pipe(lrSchedule(opt2, cos))), { code: 'INVALID_CONFIG', message: /'schedule' gives learning rate 0 for epoch 3/ });
  opt.dispose();
  opt2.dispose();
});

t.test('a schedule that gives a negative or non-finite rate fails the stream', async (t) => {
  const opt = tf.train.adam(1);
  const src = ofEvents(epochEnd(1, {}));
  await t.rejects(lastValueFrom(src.pipe(lrSchedule(opt, (e) => (e === 2 ? NaN : 1)))), { message: /'schedule' gives learning rate NaN for epoch 2/ });
  await t.rejects(lastValueFrom(src.pipe(lrSchedule(opt, () => -1))), { message: /'schedule' gives learning rate -1 for epoch 1/ });
  opt.dispose();
});

t.test('invalid configs throw errors that name the field', (t) => {
  const opt = tf.train.adam(0.1);
  t.throws(() => lrSchedule({} as never, { warmup: 2 }), { code: 'INVALID_CONFIG', message: /'optimizer'/ });
  const cases: [unknown, string][] = [
    [undefined, 'schedule'],
    [{ type: 'linear' }, 'schedule.type'],
    [{ type: 'step', every: 0, factor: 0.5 }, 'schedule.every'],
    [{ type: 'step', every: 2, factor: -1 }, 'schedule.factor'],
    [{ type: 'step', every: 2, factor: 0.5, gama: 1 }, 'gama'],
    [{ type: 'exponential', gamma: 0 }, 'schedule.gamma'],
    [{ type: 'cosine', epochs: 1.5 }, 'schedule.epochs'],
    [{ type: 'cosine', epochs: 10, minLR: -1 }, 'schedule.minLR'],
    [{ warmup: 0 }, 'schedule.warmup'],
    [{ warmup: 2, then: { type: 'exponential' } }, 'schedule.then.gamma'],
    [{ warmup: 2, then: 3 }, 'schedule.then'],
  ];
  for (const [schedule, field] of cases) {
    t.throws(() => lrSchedule(opt, schedule as never), { code: 'INVALID_CONFIG', message: new RegExp(`'${field.replace('.', '\\.')}'`) }, field);
  }
  t.throws(() => stepDecay({ every: 1, factor: 0 }), { message: /stepDecay\(\): option 'factor'/ });
  t.throws(() => cosineDecay({ epochs: 0 }), { message: /cosineDecay\(\): option 'epochs'/ });
  t.throws(() => exponentialDecay({ gamma: -1 }), { message: /'gamma'/ });
  t.throws(() => linearWarmup({ warmup: -1 }), { message: /'warmup'/ });
  opt.dispose();
  t.end();
});
