// Blocking calls into a thread: answers, the thread's errors as RxtrainErrors (its own code and
// details kept; any other error as the bridge's code), events, and a call that gets no answer in time.
import t from 'tap';
import { blockingCall, type BlockingCall } from '../../lib/thread/blocking-call.js';

const entry = new URL('./fixtures/calls-thread.ts', import.meta.url);

/** A thread on the fixture, once it has started (its first event). */
async function start(timeoutMs: number, release = new SharedArrayBuffer(4)): Promise<BlockingCall> {
  const thread = blockingCall(entry, { release }, { timeoutMs, code: 'STORAGE', what: 'test thread' });
  await new Promise<void>((resolve) => {
    const off = thread.onEvent((m) => {
      if (m !== 'started') return;
      off();
      resolve();
    });
  });
  return thread;
}

t.test('answers, errors and events', async (t) => {
  const thread = await start(60_000);
  t.teardown(() => thread.terminate());
  t.same(thread.call('echo', [{ a: [1, 2] }]), { a: [1, 2] });
  t.equal(thread.call('add', [2, 3]), 5, 'an asynchronous operation, answered while the caller blocked');
  t.throws(() => thread.call('refuse', []), { name: 'RxtrainError', code: 'STORAGE', message: 'refused on purpose', details: { transient: true, at: 'refuse' } });
  try {
    thread.call('refuse', []);
  } catch (err) {
    t.match((err as Error).stack, /blocking-call\.test\.ts/, "the caller's stack: where the call was made");
  }
  t.throws(() => thread.call('driver', []), { name: 'RxtrainError', code: 'STORAGE', message: 'canceling statement due to statement timeout' }, "another error gets the bridge's code");
  t.throws(() => thread.call('nope', []), { code: 'STORAGE', message: 'unknown operation nope' });
  const got = new Promise<unknown>((resolve) => {
    const off = thread.onEvent((m) => {
      off();
      resolve(m);
    });
  });
  t.equal(thread.call('notify', [7]), 'sent');
  t.same(await got, { n: 7 });
});

t.test('a call without an answer in time throws; its late answer is not taken for the next call', async (t) => {
  const release = new SharedArrayBuffer(4);
  const thread = await start(2_000, release);
  t.teardown(() => thread.terminate());
  t.throws(() => thread.call('hold', []), { name: 'RxtrainError', code: 'STORAGE', message: 'test thread: no answer to hold within 2000 ms', details: { unanswered: true } });
  Atomics.store(new Int32Array(release), 0, 1);
  t.same(thread.call('echo', ['next']), 'next', "the next call gets its own answer, not hold's");
});
