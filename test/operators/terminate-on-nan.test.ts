import t from 'tap';
import { lastValueFrom, of, toArray } from 'rxjs';
import { terminateOnNaN } from '../../operators/terminate-on-nan.js';
import { RxtrainError } from '../../lib/errors.js';
import type { TrainEvent } from '../../lib/events.js';
import { epochEnd, scheduler, step, ofEvents } from './decision-helpers.js';

t.test('finite losses pass through; a NaN epoch loss fails the stream and unsubscribes upstream', (t) => {
  scheduler(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const values = { a: epochEnd(0, { loss: 0.5 }), s: step(1, 0), b: epochEnd(1, { loss: NaN }) };
    const src = cold<TrainEvent>('a-s-b-a|', values);
    const err = new RxtrainError('NON_FINITE', 'terminateOnNaN(): loss is NaN at epoch 1 (epoch end); lower the learning rate, clip gradients (clipNorm) or check the data for NaN', { epoch: 1, value: NaN });
    expectObservable(src.pipe(terminateOnNaN())).toBe('a-s-#', values, err);
    expectSubscriptions(src.subscriptions).toBe('^---!');
  });
  t.end();
});

t.test('a step that carries an infinite loss fails the stream, naming epoch and step', async (t) => {
  const err = await lastValueFrom(ofEvents(step(0, 0, 0.3), step(2, 4, Infinity)).pipe(terminateOnNaN())).catch((e: unknown) => e);
  t.type(err, RxtrainError);
  t.match(err, { code: 'NON_FINITE', message: /loss is Infinity at epoch 2, step 25/, details: { epoch: 2, step: 25, value: Infinity } });
});

t.test('steps without a loss and other events pass through unchanged', async (t) => {
  const events: TrainEvent[] = [
    step(0, 0),
    { type: 'lrChange', epoch: 1, from: 1, to: 0.5, source: 'x' },
    { type: 'stopped', epoch: 1, source: 'x', reason: 'y' },
    epochEnd(0, { loss: 0.1, val_loss: NaN }),
  ];
  t.same(await lastValueFrom(of(...events).pipe(terminateOnNaN(), toArray())), events);
});
