import t from 'tap';
import { TestScheduler } from 'rxjs/testing';
import { lastValueFrom, Observable, toArray, take } from 'rxjs';
import { epochs } from '../../operators/epochs.js';
import type { Batch } from '../../lib/events.js';

const fake = (index: number) => ({ type: 'batch', index, epoch: 1, size: 1 }) as unknown as Batch;
const scheduler = () => new TestScheduler((a, b) => t.same(a, b));

t.test('repeats the source n times, tagging epochs and marking boundaries (marbles)', async () => {
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const src = cold('-a-b|', { a: fake(0), b: fake(1) });
    const out = src.pipe(epochs(2));
    expectObservable(out).toBe('-a-bxc-d(y|)', {
      a: fake(0), b: fake(1), x: { type: 'epochBoundary', epoch: 1 },
      c: { ...fake(0), epoch: 2 }, d: { ...fake(1), epoch: 2 }, y: { type: 'epochBoundary', epoch: 2 },
    });
    expectSubscriptions(src.subscriptions).toBe(['^---!', '----^---!']);
  });
});

t.test('unsubscribing mid-epoch unsubscribes the source', async () => {
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const src = cold('-a-b-c|', { a: fake(0), b: fake(1), c: fake(2) });
    expectObservable(src.pipe(epochs(3)), '^--!').toBe('-a-', { a: fake(0) });
    expectSubscriptions(src.subscriptions).toBe('^--!');
  });
});

t.test('errors pass through', async () => {
  scheduler().run(({ cold, expectObservable }) => {
    expectObservable(cold('-a#', { a: fake(0) }).pipe(epochs(2))).toBe('-a#', { a: fake(0) });
  });
});

t.test('thousands of synchronous epochs do not grow the stack', async (t) => {
  const src = new Observable<Batch>((s) => { s.next(fake(0)); s.complete(); });
  const all = await lastValueFrom(src.pipe(epochs(20_000), toArray()));
  t.equal(all.length, 40_000);
  t.same(all.at(-1), { type: 'epochBoundary', epoch: 20_000 });
  const few = await lastValueFrom(src.pipe(epochs(20_000), take(3), toArray()));
  t.equal(few.length, 3);
});

t.test('n must be a positive integer', async (t) => {
  t.throws(() => epochs(0), /epochs\(\): option 'n' must be a positive integer \(got 0\)/);
  t.throws(() => epochs(1.5), /'n'/);
});
