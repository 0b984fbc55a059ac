import t from 'tap';
import { BehaviorSubject, lastValueFrom, of, toArray } from 'rxjs';
import { holdWhile } from '../../operators/hold-while.js';
import { scheduler } from './decision-helpers.js';

t.test('subscribes at once when not paused, after the flag falls when paused', (t) => {
  scheduler(t).run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const src = cold('ab|');
    const open = hot('f', { f: false });
    expectObservable(src.pipe(holdWhile(open))).toBe('ab|');
    const src2 = cold('ab|');
    const paused = hot('t--f', { t: true, f: false });
    expectObservable(src2.pipe(holdWhile(paused))).toBe('---ab|');
    expectSubscriptions(src2.subscriptions).toBe('---^-!');
  });
  t.end();
});

t.test('a flag that completes while paused opens the gate (a closed monitor holds nothing)', (t) => {
  scheduler(t).run(({ cold, hot, expectObservable }) => {
    expectObservable(cold('a|').pipe(holdWhile(hot('t-|', { t: true })))).toBe('--a|');
  });
  t.end();
});

t.test('on a batch source, each epoch reads the flag anew', async (t) => {
  const flag = new BehaviorSubject(false);
  let subscriptions = 0;
  const source = of(1, 2).pipe(holdWhile(flag));
  const counted = { subscribe: () => subscriptions++ };
  counted.subscribe();
  t.same(await lastValueFrom(source.pipe(toArray())), [1, 2]);
  flag.next(true);
  const held = lastValueFrom(source.pipe(toArray()));
  let done = false;
  void held.then(() => (done = true));
  // The source is synchronous: unheld, it would have completed before this macrotask turn.
  await new Promise((r) => setImmediate(r));
  t.equal(done, false, 'held while paused');
  flag.next(false);
  t.same(await held, [1, 2]);
  t.end();
});

t.test('rejects a non-Observable flag', (t) => {
  t.throws(() => holdWhile(true as never), { code: 'INVALID_CONFIG', message: /'paused'/ });
  t.end();
});
