import t from 'tap';
import { Subscription, type SchedulerLike } from 'rxjs';
import { connectMonitor, eventsUrl, type ConnectionStatus } from '../../lib/monitor/connect-monitor.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import type { MonitorRecord } from '../../lib/monitor/protocol.js';
import { eventually } from './helpers.js';

/** A scheduler whose delays only pass when the test says so; it records every delay asked for. */
function manualScheduler() {
  const pending: { delay: number; run: () => void }[] = [];
  const delays: number[] = [];
  const scheduler: SchedulerLike = {
    now: () => 0,
    schedule(work, delay = 0, state) {
      const sub = new Subscription();
      const action = Object.assign(sub, { schedule: () => sub });
      delays.push(delay);
      pending.push({ delay, run: () => !sub.closed && (work as (this: unknown, s: unknown) => void).call(action, state) });
      return sub;
    },
  };
  return { scheduler, delays, pending, runNext: () => pending.shift()?.run() };
}

t.test('eventsUrl accepts the dashboard URL or the WebSocket URL', (t) => {
  t.equal(eventsUrl('http://127.0.0.1:8080/').href, 'ws://127.0.0.1:8080/events');
  t.equal(eventsUrl('ws://127.0.0.1:8080/events').href, 'ws://127.0.0.1:8080/events');
  t.throws(() => eventsUrl('ftp://x'), { code: 'INVALID_CONFIG', message: /'url'/ });
  t.throws(() => connectMonitor('http://x/', { factor: 0.5 }), { message: /'factor'/ });
  t.end();
});

t.test('history then live; reconnects with exponential back-off; a new server life starts over', async (t) => {
  let monitor = await startMonitor();
  const port = monitor.port;
  t.teardown(() => monitor.close());
  monitor.publish('a', { type: 'epochEnd', epoch: 0 });
  const clock = manualScheduler();
  const got: MonitorRecord<{ type: string }>[] = [];
  const status: ConnectionStatus[] = [];
  const sub = connectMonitor(monitor.url, { scheduler: clock.scheduler, initialDelay: 100, factor: 2, maxDelay: 500, followRestarts: true, onStatus: (s) => status.push(s) }).subscribe((r) => got.push(r));
  t.teardown(() => sub.unsubscribe());
  await eventually(() => got.length === 1, undefined, 'history');
  monitor.publish('a', { type: 'epochEnd', epoch: 1 });
  await eventually(() => got.length === 2, undefined, 'live');

  await monitor.close();
  await eventually(() => clock.pending.length === 1, undefined, 'a retry to be scheduled');
  for (let i = 0; i < 4; i++) {
    clock.runNext(); // nothing listens on the port: the attempt fails and the next one is scheduled
    await eventually(() => clock.pending.length === 1, undefined, `retry ${i + 2}`);
  }
  t.same(clock.delays, [100, 200, 400, 500, 500], 'delays double up to maxDelay');

  monitor = await startMonitor({ port });
  monitor.publish('b', { type: 'runStart' });
  clock.runNext();
  await eventually(() => got.length === 3, undefined, 'records from the new server');
  t.match(got[2], { seq: 1, run: 'b', event: { type: 'runStart' } }, 'seq restarts with a new server instance');
  t.ok(status.some((s) => s.state === 'closed' && s.retryInMs === 400));
  t.equal(status.at(-1)?.state, 'open');

  await monitor.close();
  await eventually(() => clock.pending.length === 1, undefined, 'retry after a good connection');
  t.equal(clock.delays.at(-1), 100, 'a successful connection resets the back-off');
  sub.unsubscribe();
  t.equal(clock.pending.length, 1);
  clock.runNext(); // the cancelled retry does nothing
});

t.test('unsubscribing closes the socket', async (t) => {
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  const sub = connectMonitor(monitor.url).subscribe();
  await eventually(() => monitor.stats().clients === 1, undefined, 'connected');
  sub.unsubscribe();
  await eventually(() => monitor.stats().clients === 0, undefined, 'disconnected');
});

t.test('maxRetries: gives up with an error that names the URL', async (t) => {
  const monitor = await startMonitor();
  const url = monitor.url;
  await monitor.close();
  const clock = manualScheduler();
  const err = await new Promise<Error>((resolve) => {
    connectMonitor(url, { maxRetries: 2, scheduler: clock.scheduler }).subscribe({ error: resolve });
    const pump = setInterval(() => clock.runNext(), 5);
    t.teardown(() => clearInterval(pump));
  });
  t.match(err, { code: 'MONITOR_UNREACHABLE', message: /gave up on ws:\/\/127\.0\.0\.1:\d+\/events after 2 failed attempts/ });
});
