// remoteMonitor's sending side, on a fake socket and virtual time: a bounded queue while the monitor
// is away (oldest dropped and counted), frames that keep a run's consecutive events together within
// maxFrameChars and MAX_PUBLISH_EVENTS, an event too big alone dropped, back-off retries after a lost
// connection and none after a refusal (4003) or `finished`. (Issue 21.)
import t from 'tap';
import { VirtualTimeScheduler } from 'rxjs';
import { remoteMonitor, type RemoteMonitorStatus, type SocketLike } from '../../lib/monitor/remote-monitor.js';
import { CLOSE_PUBLISH_REFUSED, MAX_PUBLISH_EVENTS } from '../../lib/monitor/protocol.js';

interface FakeSocket extends SocketLike {
  readonly url: string;
  readonly sent: Array<{ run: string; events: Array<{ type: string; i?: number }> }>;
  open(): void;
  drop(code: number, reason?: string): void;
  say(m: unknown): void;
}

function fakes(): { sockets: FakeSocket[]; open: (url: string) => SocketLike } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    open: (url) => {
      const s: FakeSocket = {
        url,
        sent: [],
        readyState: 0,
        bufferedAmount: 0,
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
        send: (data) => void s.sent.push(JSON.parse(data)),
        close: (code = 1000, reason = '') => s.drop(code, reason),
        open() {
          (s as { readyState: number }).readyState = 1;
          s.onopen?.(undefined);
          s.say({ type: 'hello', protocol: 1, instance: 'x', control: false, controlAvailable: false, history: 0, publish: true });
        },
        drop(code, reason = '') {
          (s as { readyState: number }).readyState = 3;
          s.onclose?.({ code, reason });
        },
        say: (m) => s.onmessage?.({ data: JSON.stringify(m) }),
      };
      sockets.push(s);
      return s;
    },
  };
}

t.test('a bounded queue while connecting; then frames by run, within the bounds', async (t) => {
  const scheduler = new VirtualTimeScheduler();
  const { sockets, open } = fakes();
  const m = remoteMonitor('http://127.0.0.1:9/', { token: 't o', webSocket: open, scheduler, maxQueued: 10, maxFrameChars: 400 });
  t.equal(sockets[0]!.url, 'ws://127.0.0.1:9/events?publish=t+o', "the monitor's /events, the token as ?publish=");
  for (let i = 0; i < 15; i++) m.publish(i < 12 ? 'a' : 'b', { type: 'step', i });
  t.same(m.stats(), { sent: 0, dropped: 5, queued: 10 }, 'the oldest 5 dropped while nobody listens');
  m.publish('b', { type: 'big', blob: 'x'.repeat(500) }); // over maxFrameChars alone
  sockets[0]!.open();
  const frames = sockets[0]!.sent;
  t.same(frames.map((f) => [f.run, f.events.map((e) => e.i)]), [['a', [6, 7, 8, 9, 10, 11]], ['b', [12, 13, 14]]], 'in order, one run per frame');
  t.same(m.stats(), { sent: 9, dropped: 7, queued: 0 }, 'the queue-full ones, the oldest pushed out by the big one, and the big one itself');

  // Many events: frames of at most MAX_PUBLISH_EVENTS, each under maxFrameChars.
  const big = remoteMonitor('http://127.0.0.1:9/', { token: 't', webSocket: open, scheduler, maxQueued: 5000, maxFrameChars: 1_000_000, flushMs: 10 });
  sockets[1]!.open();
  for (let i = 0; i < 2500; i++) big.publish('r', { type: 's', i });
  t.equal(sockets[1]!.sent.length, 0, 'nothing sent before the flush');
  scheduler.flush();
  t.same(sockets[1]!.sent.map((f) => f.events.length), [MAX_PUBLISH_EVENTS, MAX_PUBLISH_EVENTS, 500]);
  await big.close();
  await m.close();
});

t.test('a lost connection is retried with back-off; a refusal or the end of the monitor is not', async (t) => {
  const scheduler = new VirtualTimeScheduler();
  const { sockets, open } = fakes();
  const statuses: RemoteMonitorStatus[] = [];
  const m = remoteMonitor('ws://h:1/events', { token: 't', webSocket: open, scheduler, onStatus: (s) => statuses.push(s) });
  sockets[0]!.drop(1006);
  t.match(statuses.at(-1), { state: 'closed', code: 1006, retryInMs: 250 });
  scheduler.flush();
  t.equal(sockets.length, 2, 'connected again after 250 ms');
  sockets[1]!.drop(1006);
  t.match(statuses.at(-1), { state: 'closed', retryInMs: 500 }, 'then after 500 ms');
  scheduler.flush();
  sockets[2]!.open();
  m.publish('r', { type: 'a' });
  sockets[2]!.say({ type: 'error', code: 'BAD_MESSAGE', message: 'publish: no' });
  t.match(statuses.at(-1), { state: 'error', code: 'BAD_MESSAGE', message: 'publish: no' });
  sockets[2]!.drop(CLOSE_PUBLISH_REFUSED, 'wrong publish token');
  t.match(statuses.at(-1), { state: 'refused', reason: 'wrong publish token' });
  scheduler.flush();
  t.equal(sockets.length, 3, 'no retry after a refusal');
  m.publish('r', { type: 'b' });
  t.equal(m.stats().dropped, 2, 'what it could not send is counted as dropped');

  const ended: RemoteMonitorStatus[] = [];
  const n = remoteMonitor('ws://h:1/events', { token: 't', webSocket: open, scheduler, onStatus: (s) => ended.push(s) });
  sockets[3]!.open();
  sockets[3]!.say({ type: 'finished' });
  sockets[3]!.drop(1001, 'monitor closed');
  scheduler.flush();
  t.same(ended.map((s) => s.state), ['connecting', 'open', 'finished'], 'the monitor finished: no retry');
  t.equal(sockets.length, 4);
  await n.close();
  t.throws(() => remoteMonitor('ftp://x', { token: 't', webSocket: open }), { code: 'INVALID_CONFIG', message: /'url'/ });
  t.throws(() => remoteMonitor('ws://x', { token: '' } as never), { code: 'INVALID_CONFIG', message: /'token'/ });
});

t.test('close() while connecting sends what is queued once let in, then closes', async (t) => {
  const { sockets, open } = fakes();
  const m = remoteMonitor('ws://h:1/', { token: 't', webSocket: open, scheduler: new VirtualTimeScheduler() });
  m.publish('r', { type: 'last' });
  let closed = false;
  const done = m.close().then(() => (closed = true));
  await Promise.resolve();
  t.notOk(closed, 'waits for the connection');
  sockets[0]!.open();
  await done;
  t.same(sockets[0]!.sent, [{ type: 'publish', run: 'r', events: [{ type: 'last' }] }]);
  t.equal(sockets[0]!.readyState, 3, 'then closed');
});
