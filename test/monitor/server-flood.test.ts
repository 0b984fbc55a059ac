// Clients that send more than they read (issue 15 item 9): every message gets a reply, so a client
// that floods and never reads would have the server keep its replies without end. It must be cut off
// after a bounded number of replies it has not taken, and a flood of refused messages closes it.
import t, { type Test } from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocket } from 'ws';
import { MAX_UNREAD_REPLIES } from '../../lib/monitor/client-set.js';
import { startMonitor, type Monitor } from '../../lib/monitor/start-monitor.js';
import { CLOSE_POLICY, CLOSE_SLOW_CONSUMER, type ServerMessage } from '../../lib/monitor/protocol.js';
import { eventually, rawClient } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap and buffers of this process after a full collection, in bytes. */
const memory = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/**
 * Send `total` copies of `frame` from a client that stopped reading, in batches, until the server
 * drops it (or all were sent). Returns how many were sent.
 */
async function flood(monitor: Monitor, ws: WebSocket, frame: string, total: number): Promise<number> {
  let sent = 0;
  const dropped = (): boolean => monitor.stats().dropped > 0;
  while (sent < total && !dropped()) {
    let written = false;
    for (let i = 0; i < 5000 && sent < total; i++, sent++) ws.send(frame, i === 4999 || sent === total - 1 ? () => (written = true) : undefined);
    // The batch is on its way once the client's socket took it; the server may stop reading us first.
    await eventually(() => written || dropped() || ws.readyState !== WebSocket.OPEN, undefined, 'the batch to be written or the client dropped');
    await eventually(() => monitor.stats().received >= sent || dropped(), undefined, 'the server to read the batch');
  }
  return sent;
}

/**
 * A client connects to `url`, stops reading after its hello and sends `total` copies of `frame`: it
 * must be cut off with `code` (or 1006, when the server's terminate comes before its close frame is
 * read), and this process's memory must not grow with what it sent.
 */
async function unreadFlood(t: Test, monitor: Monitor, url: string, frame: string, total: number, code: number): Promise<void> {
  const c = await rawClient(url);
  await c.until((m) => m.type === 'hello');
  c.ws.pause(); // never reads again
  const before = memory();
  const sent = await flood(monitor, c.ws, frame, total);
  const grown = memory() - before;
  const { dropped, refused, peakBuffered } = monitor.stats();
  t.comment(`${sent} of ${total} frames sent before the server stopped reading; ${refused} refused; at most ${peakBuffered} bytes waited for it; memory grew ${(grown / 1e6).toFixed(1)} MB`);
  t.equal(dropped, 1, 'the client was cut off');
  // Before the fix: about 300 B kept per frame here (90 MB for 300,000), the client never dropped.
  t.ok(grown < 16e6, `memory grew ${(grown / 1e6).toFixed(1)} MB`);
  c.ws.resume();
  if (dropped === 0) return void c.ws.terminate();
  const closed = await c.closed;
  t.ok(closed.code === code || closed.code === 1006, `closed (${closed.code} ${closed.reason})`);
}

t.test('a client that sends 1-byte bad frames and never reads is closed, and memory stays flat', async (t) => {
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  await unreadFlood(t, monitor, monitor.wsUrl, 'x', 300_000, CLOSE_POLICY);
  t.ok(monitor.stats().refused < 1000, `the server stopped answering it (${monitor.stats().refused} refusals)`);
});

t.test('a flood of refused messages closes the connection (1008) after a bounded burst', async (t) => {
  // A frozen clock: the budget of refusals does not refill, so the burst is exact.
  const monitor = await startMonitor({ clock: { now: () => 0 } });
  t.teardown(() => monitor.close());
  const c = await rawClient(monitor.wsUrl);
  await c.until((m) => m.type === 'hello');
  let closed: { code: number; reason: string } | undefined;
  void c.closed.then((x) => (closed = x));
  const errors = (): ServerMessage[] => c.messages.filter((m) => m.type === 'error');
  for (let i = 0; i < 1000; i++) c.ws.send('{"type":"nope"}');
  await eventually(() => closed !== undefined || errors().length === 1000, undefined, 'the close or every refusal');
  t.ok(closed, 'closed by the server');
  if (!closed) c.ws.terminate();
  t.equal(closed?.code, CLOSE_POLICY, 'with 1008 (policy violation)');
  t.match(closed?.reason, /too many refused messages/);
  t.ok(errors().length > 0 && errors().length <= 40, `answered only a burst (${errors().length} refusals) before closing`);
  t.equal(monitor.stats().dropped, 1);

  // Another client that sends one bad message now and then is not affected.
  const polite = await rawClient(monitor.wsUrl);
  polite.ws.send('not json');
  t.equal((await polite.until((m) => m.type === 'error')).type, 'error');
  monitor.publish('a', { type: 'epochEnd', epoch: 0 });
  await eventually(() => polite.records.length === 1, undefined, 'a record');
  polite.ws.close();
});

t.test('valid messages from a client that never reads: dropped after a bounded number of unread replies', async (t) => {
  const monitor = await startMonitor({ token: 'k' });
  t.teardown(() => monitor.close());
  // Each correct `auth` is answered with a `hello` (~110 B): no refusal, so only the reply bound holds.
  await unreadFlood(t, monitor, `${monitor.wsUrl}?token=k`, JSON.stringify({ type: 'auth', token: 'k' }), 300_000, CLOSE_SLOW_CONSUMER);
  const { peakBuffered } = monitor.stats();
  t.ok(peakBuffered <= MAX_UNREAD_REPLIES * 1024, `bytes waiting in the server for it stayed within ${MAX_UNREAD_REPLIES} replies (at most ${peakBuffered})`);
});

t.test('a control client that reads may send commands in a burst', async (t) => {
  const monitor = await startMonitor({ token: 'k' });
  t.teardown(() => monitor.close());
  // A run that has sent events (commands to an unknown run are refused).
  monitor.publish('r', { type: 'runStart', backend: 'cpu', trainableParams: 1, time: 0 });
  const c = await rawClient(`${monitor.wsUrl}?token=k`);
  await c.until((m) => m.type === 'hello');
  for (let i = 0; i < 500; i++) c.ws.send(JSON.stringify({ type: 'setLearningRate', run: 'r', lr: 0.001 * (i + 1) }));
  await eventually(() => c.messages.filter((m) => m.type === 'ack').length === 500, undefined, 'every ack');
  t.equal(monitor.stats().dropped, 0, 'not dropped');
  c.ws.close();
});
