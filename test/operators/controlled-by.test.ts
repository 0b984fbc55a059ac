import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getLearningRate } from '../../lib/optimizers.js';
import type { TrainEvent } from '../../lib/events.js';
import type { MonitorCommand } from '../../lib/monitor/protocol.js';
import { controlledBy } from '../../operators/controlled-by.js';
import { epochEnd, scheduler, step } from './decision-helpers.js';

await tf.setBackend('cpu');

const values: Record<string, TrainEvent> = { a: step(1, 0), b: epochEnd(1, {}), c: step(2, 0), d: epochEnd(2, {}), e: step(3, 0) };

t.test('stop: emits stopped and completes at once, unsubscribing the training', (t) => {
  scheduler(t).run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const src = cold<TrainEvent>('a-b-c-d-e-|', values);
    const commands = hot<MonitorCommand>('---x-y', { x: { type: 'stop', run: 'other' }, y: { type: 'stop', run: 'r', reason: 'enough' } });
    expectObservable(src.pipe(controlledBy(commands, { run: 'r' }))).toBe('a-b-c(s|)', {
      ...values,
      // Stopped inside epoch 2: the last epoch that finished is 1.
      s: { type: 'stopped', epoch: 1, source: 'monitor', reason: 'enough' },
    });
    expectSubscriptions(src.subscriptions).toBe('^----!');
    expectSubscriptions(commands.subscriptions).toBe('^----!');
  });
  t.end();
});

t.test('stop inside the first epoch: stopped.epoch is 0 (no epoch finished)', (t) => {
  scheduler(t).run(({ cold, hot, expectObservable }) => {
    const src = cold<TrainEvent>('a-b-|', values);
    const commands = hot<MonitorCommand>('-x', { x: { type: 'stop', run: 'r' } });
    expectObservable(src.pipe(controlledBy(commands, { run: 'r' }))).toBe('a(x|)', { ...values, x: { type: 'stopped', epoch: 0, source: 'monitor', reason: 'stopped from the monitor' } });
  });
  t.end();
});

t.test('trial-targeted commands reach only that trial', (t) => {
  scheduler(t).run(({ cold, hot, expectObservable }) => {
    const src = cold<TrainEvent>('a-b-c-|', values);
    const commands = hot<MonitorCommand>('-x-y', { x: { type: 'stop', run: 's', trial: 2 }, y: { type: 'stop', run: 's', trial: 3 } });
    expectObservable(src.pipe(controlledBy(commands, { run: 's', trial: 3 }))).toBe('a-b(z|)', { ...values, z: { type: 'stopped', epoch: 1, source: 'monitor', reason: 'stopped from the monitor' } });
  });
  t.end();
});

t.test('setLearningRate: applied after the next epochEnd, announced by lrChange', (t) => {
  const opt = tf.train.adam(0.01);
  scheduler(t).run(({ cold, hot, expectObservable }) => {
    const src = cold<TrainEvent>('a-b-c-d---e-|', values);
    const commands = hot<MonitorCommand>('---x', { x: { type: 'setLearningRate', run: 'r', lr: 0.001 } });
    expectObservable(src.pipe(controlledBy(commands, { run: 'r', optimizer: opt }))).toBe('a-b-c-(dl)e-|', {
      ...values,
      l: { type: 'lrChange', epoch: 3, from: 0.01, to: 0.001, source: 'monitor' },
    });
  });
  t.equal(getLearningRate(opt), 0.001);
  opt.dispose();
  t.end();
});

t.test('without an optimizer, setLearningRate is ignored; pause is not its business', (t) => {
  scheduler(t).run(({ cold, hot, expectObservable }) => {
    const src = cold<TrainEvent>('a-b-c-|', values);
    const commands = hot<MonitorCommand>('-xy', { x: { type: 'setLearningRate', run: 'r', lr: 1 }, y: { type: 'pause', run: 'r' } });
    expectObservable(src.pipe(controlledBy(commands, { run: 'r' }))).toBe('a-b-c-|', values);
  });
  t.end();
});

t.test('config errors name the field', (t) => {
  t.throws(() => controlledBy({} as never, { run: 'r' }), { code: 'INVALID_CONFIG', message: /'commands'/ });
  t.throws(() => controlledBy(new (class { subscribe() {} })() as never, { run: '' }), { message: /'run'/ });
  t.end();
});

t.test('a command stream that errors (the monitor went away) leaves the run alone', (t) => {
  scheduler(t).run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const src = cold<TrainEvent>('a-b-c-d-|', values);
    const commands = hot<MonitorCommand>('--#');
    expectObservable(src.pipe(controlledBy(commands, { run: 'r' }))).toBe('a-b-c-d-|', values);
    expectSubscriptions(src.subscriptions).toBe('^-------!');
  });
  t.end();
});
