// Publishing to a monitor from another process (issue 21: a page's monitorTap to a Node monitor):
// a connection opened with ?publish=<publishToken> may send `publish` frames, which readers then get
// as records of that run; a wrong or absent publish token is closed at once with a reason that says
// so; malformed, oversized and too fast publishing is refused within the existing bounds; and
// remoteMonitor() (over `ws` in Node) feeds monitorTap's events through it.
import t from 'tap';
import { lastValueFrom, of } from 'rxjs';
import { WebSocket } from 'ws';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { remoteMonitor } from '../../lib/monitor/remote-monitor-node.js';
import { CLOSE_POLICY, CLOSE_PUBLISH_REFUSED, MAX_PUBLISH_EVENTS, type ServerMessage } from '../../lib/monitor/protocol.js';
import { PUBLISH_BURST } from '../../lib/monitor/client-set.js';
import { monitorTap } from '../../operators/monitor-tap.js';
import { rawClient, type RawClient } from './helpers.js';

const PUBLISH = 'pub-secret';
const isHello = (m: ServerMessage): m is Extract<ServerMessage, { type: 'hello' }> => m.type === 'hello';
const isError = (m: ServerMessage): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error';

/** A raw publisher, let in (its hello says publish: true). */
async function publisher(wsUrl: string, token = PUBLISH): Promise<RawClient> {
  const c = await rawClient(`${wsUrl}?publish=${encodeURIComponent(token)}`);
  await c.until(isHello);
  return c;
}

/** Resolves once `reader` has a record of `run` whose event passes `pred`. */
const recordOf = (reader: RawClient, run: string, type: string) =>
  reader.until((m) => m.type === 'events' && m.records.some((r) => r.run === run && r.event.type === type));

t.test('a valid publish reaches readers as records of its run; the publisher is sent none', async (t) => {
  const monitor = await startMonitor({ publishToken: PUBLISH, token: 'control', flushMs: 0 });
  t.teardown(() => monitor.close());
  const reader = await rawClient(monitor.wsUrl);
  const pub = await publisher(monitor.wsUrl);
  t.match(pub.messages[0], { type: 'hello', publish: true, control: false, history: 0 });
  pub.ws.send(JSON.stringify({ type: 'publish', run: 'page-1', events: [{ type: 'runStart', backend: 'webgl' }, { type: 'epochEnd', epoch: 1, metrics: { loss: 0.5 } }] }));
  await recordOf(reader, 'page-1', 'epochEnd');
  t.match(reader.records.filter((r) => r.run === 'page-1').map((r) => r.event), [{ type: 'runStart', backend: 'webgl' }, { type: 'epochEnd', epoch: 1, metrics: { loss: 0.5 } }], 'in order, as sent');
  // The monitor's own handle knows the run: a stop for it is accepted, as for a run tapped in this process.
  const controller = await rawClient(`${monitor.wsUrl}?token=control`);
  controller.ws.send(JSON.stringify({ type: 'stop', run: 'page-1' }));
  await controller.until((m) => m.type === 'ack');
  t.same(pub.messages.filter((m) => m.type === 'events'), [], 'the publisher is not sent records');
  // A reader may not publish; a publisher may not command.
  reader.ws.send(JSON.stringify({ type: 'publish', run: 'x', events: [{ type: 'a' }] }));
  t.match(await reader.until(isError), { code: 'UNAUTHORIZED', message: /needs the monitor's publish token/ });
  pub.ws.send(JSON.stringify({ type: 'pause' }));
  t.match(await pub.until(isError), { code: 'UNAUTHORIZED', message: /a publishing connection only publishes/ });
});

t.test('a wrong or missing publish token is closed at once, with a reason that says why', async (t) => {
  const monitor = await startMonitor({ publishToken: PUBLISH, token: 'control' });
  t.teardown(() => monitor.close());
  for (const [what, token] of [['a wrong token', 'nope'], ['the control token', 'control'], ['an empty token', '']] as const) {
    const c = await rawClient(`${monitor.wsUrl}?publish=${token}`);
    t.same(await c.closed, { code: CLOSE_PUBLISH_REFUSED, reason: 'wrong publish token' }, what);
  }
  const none = await startMonitor();
  t.teardown(() => none.close());
  const c = await rawClient(`${none.wsUrl}?publish=${PUBLISH}`);
  t.same(await c.closed, { code: CLOSE_PUBLISH_REFUSED, reason: 'this monitor takes no published events (start it with a publishToken)' }, 'a monitor without a publishToken');
  await t.rejects(startMonitor({ token: 'same', publishToken: 'same' }), { code: 'INVALID_CONFIG', message: /'publishToken' must differ from token/ });
});

t.test('malformed publishes are refused with an error; oversized frames and floods close the publisher', async (t) => {
  const monitor = await startMonitor({ publishToken: PUBLISH, maxMessageBytes: 64 * 1024 });
  t.teardown(() => monitor.close());
  const pub = await publisher(monitor.wsUrl);
  const bad: Array<[unknown, RegExp]> = [
    [{ type: 'publish', run: 'r', events: [] }, /'events' must be an array of 1 to 1000 events/],
    [{ type: 'publish', run: 'r', events: Array.from({ length: MAX_PUBLISH_EVENTS + 1 }, () => ({ type: 'a' })) }, /'events' must be an array of 1 to 1000/],
    [{ type: 'publish', run: '', events: [{ type: 'a' }] }, /field 'run' must be a non-empty string/],
    [{ type: 'publish', run: 'r', events: [{ type: 'a' }, 3] }, /events\[1\] must be an object/],
    [{ type: 'publish', run: 'r', events: [{ kind: 'a' }] }, /events\[0\]\.type must be a non-empty string/],
    [{ type: 'publish', run: 'r', events: [{ type: 'paused', source: 'monitor' }] }, /only the monitor publishes those/],
    [{ type: 'publish', run: 'r', events: [{ type: 'a' }], extra: 1 }, /field 'extra' is not known/],
  ];
  for (const [message, why] of bad) {
    const before = pub.messages.length;
    pub.ws.send(JSON.stringify(message));
    const reply = await pub.until((m, i = pub.messages.indexOf(m)) => i >= before && m.type === 'error');
    t.match(reply, { type: 'error', code: 'BAD_MESSAGE', message: why }, String(why));
  }
  pub.ws.send('{not json');
  t.match(await pub.until((m) => m.type === 'error' && m.code === 'BAD_JSON'), { code: 'BAD_JSON' });
  t.equal(monitor.stats().published, 0, 'nothing refused was published');

  // Over maxMessageBytes: the socket is closed (1009, message too big), as any client's.
  const big = await publisher(monitor.wsUrl);
  big.ws.send(JSON.stringify({ type: 'publish', run: 'r', events: [{ type: 'a', blob: 'x'.repeat(70 * 1024) }] }));
  t.equal((await big.closed).code, 1009, 'an oversized frame closes the publisher');

  // Faster than the rate bound: closed with a policy violation that says so.
  const flood = await publisher(monitor.wsUrl);
  const frame = JSON.stringify({ type: 'publish', run: 'flood', events: Array.from({ length: MAX_PUBLISH_EVENTS }, (_, i) => ({ type: 'step', i })) });
  for (let i = 0; i <= PUBLISH_BURST / MAX_PUBLISH_EVENTS + 2; i++) if (flood.ws.readyState === WebSocket.OPEN) flood.ws.send(frame);
  t.match(await flood.closed, { code: CLOSE_POLICY, reason: /publishing too fast/ });
  t.ok(monitor.stats().published <= PUBLISH_BURST + 2 * MAX_PUBLISH_EVENTS, `at most the burst got through (${monitor.stats().published})`);
});

t.test("remoteMonitor (ws in Node) sends monitorTap's events; a bad token ends it with the monitor's reason", async (t) => {
  const monitor = await startMonitor({ publishToken: PUBLISH, flushMs: 0 });
  t.teardown(() => monitor.close());
  const reader = await rawClient(monitor.wsUrl);
  const remote = remoteMonitor(monitor.url, { token: PUBLISH, flushMs: 5 });
  const events = Array.from({ length: 3 }, (_, i) => ({ type: 'epochEnd', epoch: i + 1, metrics: { loss: 1 / (i + 1) } }));
  await lastValueFrom(of(...events).pipe(monitorTap(remote, { run: 'remote-run' })));
  await remote.close();
  await recordOf(reader, 'remote-run', 'runEnd');
  t.same(reader.records.filter((r) => r.run === 'remote-run').map((r) => r.event.type), ['epochEnd', 'epochEnd', 'epochEnd', 'runEnd']);
  t.match(remote.stats(), { sent: 4, dropped: 0, queued: 0 });

  const statuses: string[] = [];
  const refused = new Promise<string>((resolve) =>
    remoteMonitor(monitor.url, { token: 'wrong', onStatus: (s) => (statuses.push(s.state), s.state === 'refused' && resolve(s.reason)) }),
  );
  t.equal(await refused, 'wrong publish token');
  t.same(statuses, ['connecting', 'refused'], 'no retry after a refusal');
});
