import t from 'tap';
import { NEVER, lastValueFrom, of, throwError } from 'rxjs';
import { holdings } from '../../lib/pbt/holdings.js';

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

t.test('completion waits for the release: stops at once, then the work in flight, then the cleanups, last added first', async (t) => {
  const hold = holdings();
  const log: string[] = [];
  const gate = signal();
  hold.onRelease(() => void log.push('cleanup 1'));
  hold.onRelease(async () => void log.push('cleanup 2'));
  hold.onStop(() => void log.push('stop'));
  // Work started, then left: nobody listens to it, the release still waits for it.
  hold.work(async () => {
    await gate.promise;
    log.push('work settled');
  }).subscribe().unsubscribe();
  const done = lastValueFrom(hold.around(of(1)));
  await new Promise((resolve) => setImmediate(resolve));
  t.same(log, ['stop'], 'stopped, and waiting for the work');
  gate.resolve();
  t.equal(await done, 1, 'the value passed on');
  t.same(log, ['stop', 'work settled', 'cleanup 2', 'cleanup 1'], 'completed after the release');
});

t.test('an error waits for the release, and stays the error', async (t) => {
  const hold = holdings();
  let cleaned = false;
  hold.onRelease(() => {
    cleaned = true;
    throw new Error('cleanup failed');
  });
  await t.rejects(lastValueFrom(hold.around(throwError(() => new Error('boom')))), /boom/);
  t.ok(cleaned);
});

t.test('a cleanup that fails fails a completed stream; unsubscribing starts the release', async (t) => {
  const hold = holdings();
  hold.onRelease(() => {
    throw new Error('cleanup failed');
  });
  await t.rejects(lastValueFrom(hold.around(of(1))), /cleanup failed/);

  const other = holdings();
  const released = signal();
  other.onRelease(() => {
    released.resolve();
    throw new Error('nobody to tell');
  });
  other.around(NEVER).subscribe({ error: () => t.fail('no error after an unsubscribe') }).unsubscribe();
  await released.promise;
  t.pass('released');
});
