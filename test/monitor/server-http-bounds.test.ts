// Slow and half-open HTTP requests (issue 15 item 10): connections that send part of a request and
// hold it open must not pile up or keep the dashboard from being served. Raw sockets send partial
// headers; the assertions are about which sockets the server closed and that a real GET succeeds.
import t from 'tap';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { MAX_HTTP_CONNECTIONS } from '../../lib/monitor/http-bounds.js';
import { startMonitor, type Monitor } from '../../lib/monitor/start-monitor.js';
import { eventually, rawClient } from './helpers.js';

interface Held {
  readonly socket: Socket;
  /** Closed by the server (the socket ended or was reset without us closing it). */
  closed: boolean;
}

/** Open `n` connections that each send the start of a request and then nothing. */
async function holdHalfOpen(monitor: Monitor, n: number): Promise<Held[]> {
  const held: Held[] = [];
  for (let i = 0; i < n; i++) {
    const socket = connect(monitor.port, '127.0.0.1');
    const h: Held = { socket, closed: false };
    socket.on('error', () => {});
    socket.on('close', () => (h.closed = true));
    socket.on('data', () => {}); // a 408 answer, if any
    await new Promise<void>((resolve) => socket.once('connect', resolve).once('close', resolve));
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${monitor.port}\r\nX-Slow: `);
    held.push(h);
  }
  return held;
}

const get = (monitor: Monitor): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    request(monitor.url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });

t.test('300 half-open requests: the oldest are closed, and a GET is served while the rest are held', async (t) => {
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  const held = await holdHalfOpen(monitor, 300);
  // Each new connection beyond the bound closes the oldest one waiting for its request.
  await eventually(() => held.filter((h) => h.closed).length >= 300 - MAX_HTTP_CONNECTIONS, undefined, 'the oldest half-open connections to be closed');
  const open = held.filter((h) => !h.closed);
  t.equal(open.length, MAX_HTTP_CONNECTIONS, `${open.length} of 300 are still held`);
  t.ok(open.every((h) => held.indexOf(h) >= 300 - MAX_HTTP_CONNECTIONS), 'the ones held are the newest');

  const page = await get(monitor);
  t.equal(page.status, 200, 'a legitimate GET is served while they are held');
  t.match(page.body, /<title>rxtrain monitor<\/title>/);
  t.ok(held.filter((h) => !h.closed).length >= MAX_HTTP_CONNECTIONS - 1, 'while the newest half-open ones are still held');
  const c = await rawClient(monitor.wsUrl);
  t.equal((await c.until((m) => m.type === 'hello')).type, 'hello', 'and the event stream opens');
  c.ws.close();
  for (const h of held) h.socket.destroy();
});

t.test('a request not complete within requestTimeoutMs is closed; WebSocket clients are not', async (t) => {
  const monitor = await startMonitor({ requestTimeoutMs: 300 });
  t.teardown(() => monitor.close());
  const c = await rawClient(monitor.wsUrl);
  await c.until((m) => m.type === 'hello');
  const held = await holdHalfOpen(monitor, 5);
  const silent = connect(monitor.port, '127.0.0.1'); // sends nothing at all
  let silentClosed = false;
  silent.on('error', () => {}).on('close', () => (silentClosed = true));
  await eventually(() => held.every((h) => h.closed) && silentClosed, undefined, 'the slow requests to be closed');
  t.pass('every half-open request was closed by the server, and the silent connection too');
  monitor.publish('a', { type: 'epochEnd', epoch: 0 });
  await eventually(() => c.records.length === 1, undefined, 'a record on the WebSocket opened before');
  t.equal(c.ws.readyState, c.ws.OPEN, 'the WebSocket client outlived the request timeout');
  t.equal((await get(monitor)).status, 200, 'and the page is served');
  c.ws.close();
});

t.test('requestTimeoutMs is validated', async (t) => {
  await t.rejects(startMonitor({ requestTimeoutMs: 0 }), { code: 'INVALID_CONFIG', message: /'requestTimeoutMs' must be a positive integer/ });
});
