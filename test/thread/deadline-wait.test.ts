// Waiting on shared memory for another thread, with a deadline.
import t from 'tap';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { deadlineWait } from '../../lib/thread/deadline-wait.js';

t.test('wakes when another thread changes the cell, and returns what check returned', async (t) => {
  const shared = new SharedArrayBuffer(8);
  const cell = new Int32Array(shared);
  // A thread that counts to n in cell[0], notifying each time.
  const counter = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const cell = new Int32Array(workerData);
     parentPort.on('message', (n) => { for (let i = 0; i < n; i++) { Atomics.add(cell, 0, 1); Atomics.notify(cell, 0); } });
     parentPort.postMessage('ready');`,
    { eval: true, workerData: shared },
  );
  t.teardown(() => counter.terminate());
  await once(counter, 'message');
  const seen: number[] = [];
  counter.postMessage(3);
  const got = deadlineWait(cell, 0, (n) => (seen.push(n), n >= 3 ? `counted ${n}` : undefined), { timeoutMs: 120_000 });
  t.equal(got, 'counted 3');
  t.equal(seen.at(-1), 3);
});

t.test('returns undefined once the deadline passed; with slices, checks again meanwhile', async (t) => {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  let checks = 0;
  const start = Date.now();
  t.equal(deadlineWait(cell, 0, () => void checks++, { timeoutMs: 100 }), undefined);
  t.ok(Date.now() - start >= 100, 'not before the deadline');
  checks = 0;
  t.equal(deadlineWait(cell, 0, () => void checks++, { timeoutMs: 200, sliceMs: 20 }), undefined);
  t.ok(checks >= 3, `${checks} checks in 200 ms with 20 ms slices`);
  t.equal(deadlineWait(cell, 0, (v) => (v === 0 ? 'at once' : undefined), { timeoutMs: 0 }), 'at once', 'a check that holds returns without waiting');
});
