// Who may connect (lib/monitor/security.ts), checked over real sockets: the monitor's own page and
// programs without an Origin may; `Origin: null` (a sandboxed frame, a file: page), other origins and
// DNS-rebound Host names may not, unless the origin is listed in `allowedOrigins`.
import t from 'tap';
import { request } from 'node:http';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { rawClient } from './helpers.js';

/** The HTTP status of a WebSocket handshake: 101 when it opened (the client is closed again). */
const handshake = (url: string, headers: Record<string, string> = {}): Promise<number | undefined> =>
  rawClient(url, headers).then(
    (c) => {
      c.ws.close();
      return 101;
    },
    (e: { status?: number }) => e.status,
  );

/** The status of a plain GET with these headers. */
const get = (url: string, headers: Record<string, string>): Promise<number> =>
  new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });

t.test("a sandboxed frame's Origin: null is refused, on the stream and on the page", async (t) => {
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  t.equal(await handshake(monitor.wsUrl, { Origin: 'null' }), 403, 'no event stream for Origin: null');
  t.equal(await get(monitor.url, { Origin: 'null' }), 403, 'nor the page');
});

t.test('only the monitor itself, programs without an Origin and listed origins may connect', async (t) => {
  const monitor = await startMonitor({ allowedOrigins: ['http://localhost:5173'] });
  t.teardown(() => monitor.close());
  const own = `http://127.0.0.1:${monitor.port}`;
  t.equal(await handshake(monitor.wsUrl), 101, 'no Origin: a program (connectMonitor, rxtrain watch)');
  t.equal(await handshake(monitor.wsUrl, { Origin: own }), 101, "the monitor's own page");
  t.equal(await handshake(`ws://localhost:${monitor.port}/events`, { Origin: `http://localhost:${monitor.port}` }), 101, 'its own page, reached as localhost');
  t.equal(await handshake(monitor.wsUrl, { Origin: 'http://localhost:5173' }), 101, 'a listed origin');
  const refused: Array<[string, Record<string, string>]> = [
    ['another port on this machine', { Origin: `http://127.0.0.1:${monitor.port + 1}` }],
    ['the same port under another loopback name', { Origin: `http://localhost:${monitor.port}` }],
    ['a listed origin with another port', { Origin: 'http://localhost:5174' }],
    ['a foreign site', { Origin: 'http://evil.example' }],
    ['a file: page', { Origin: 'file://' }],
    ['a non-web scheme with the right host', { Origin: `chrome-extension://127.0.0.1:${monitor.port}` }],
    ['garbage', { Origin: 'not a url' }],
    ['a DNS-rebound name', { Host: `evil.example:${monitor.port}`, Origin: `http://evil.example:${monitor.port}` }],
  ];
  for (const [what, headers] of refused) t.equal(await handshake(monitor.wsUrl, headers), 403, `refused: ${what}`);
});

t.test('allowedOrigins is validated: origins only, never null or *', async (t) => {
  const bad: Array<[unknown, RegExp]> = [
    ['http://localhost:5173', /must be an array/],
    [[5173], /'allowedOrigins\[0\]' must be a string/],
    [['null'], /'allowedOrigins\[0\]'.*every sandboxed frame/],
    [['*'], /'allowedOrigins\[0\]'.*every web site/],
    [['http://localhost:5173/'], /is not an origin.*did you mean "http:\/\/localhost:5173"/],
    [['http://LOCALHOST:5173'], /did you mean "http:\/\/localhost:5173"/],
    [['http://localhost:5173/app'], /is not an origin/],
    [['localhost:5173'], /is not an origin/],
    [['ftp://localhost'], /http: or https:/],
  ];
  for (const [allowedOrigins, message] of bad) {
    await t.rejects(startMonitor({ allowedOrigins } as never), { code: 'INVALID_CONFIG', message }, JSON.stringify(allowedOrigins));
  }
});
