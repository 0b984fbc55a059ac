import t, { type Test } from 'tap';
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { monitorTap } from '../../operators/monitor-tap.js';
import type { MonitorSink } from '../../lib/monitor/start-monitor.js';

function fakeMonitor(): MonitorSink & { sent: { run: string; event: { type: string } }[] } {
  let n = 0;
  const sent: { run: string; event: { type: string } }[] = [];
  return { sent, publish: (run, event) => sent.push({ run, event }), newRun: () => `run-${++n}` };
}

const scheduler = (t: Test) => new TestScheduler((a, b) => t.same(a, b));
type E = { type: string; epoch?: number };
const values: Record<string, E> = { a: { type: 'runStart' }, b: { type: 'epochEnd', epoch: 0 }, c: { type: 'epochEnd', epoch: 1 } };

t.test('passes every event on unchanged, same timing, same completion', (t) => {
  const monitor = fakeMonitor();
  scheduler(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const src = cold<E>('a-b--c-|', values);
    expectObservable(src.pipe(monitorTap(monitor, { run: 'r' }))).toBe('a-b--c-|', values);
    expectSubscriptions(src.subscriptions).toBe('^------!');
  });
  t.same(monitor.sent.map((s) => s.run), ['r', 'r', 'r', 'r']);
  t.same(monitor.sent.map((s) => s.event), [values.a, values.b, values.c, { type: 'runEnd', state: 'completed' }], 'the same objects, then runEnd to the monitor only');
  t.equal(monitor.sent[1]?.event, values.b, 'by reference: not copied');
  t.end();
});

t.test('errors pass on; the monitor is told the run failed', (t) => {
  const monitor = fakeMonitor();
  scheduler(t).run(({ cold, expectObservable }) => {
    expectObservable(cold<E>('a-#', values, new Error('NaN loss')).pipe(monitorTap(monitor, { run: 'r' }))).toBe('a-#', values, new Error('NaN loss'));
  });
  t.same(monitor.sent.at(-1), { run: 'r', event: { type: 'runEnd', state: 'failed', error: 'NaN loss' } });
  t.end();
});

t.test('unsubscribing unsubscribes the source and reports the run cancelled', (t) => {
  const monitor = fakeMonitor();
  scheduler(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const src = cold<E>('a-b-c-|', values);
    expectObservable(src.pipe(monitorTap(monitor, { run: 'r' })), '^--!').toBe('a-b', values);
    expectSubscriptions(src.subscriptions).toBe('^--!');
  });
  t.same(monitor.sent.at(-1)?.event, { type: 'runEnd', state: 'cancelled' });
  t.end();
});

t.test('without a run id, each subscription gets its own', (t) => {
  const monitor = fakeMonitor();
  const src = new Subject<E>();
  const tapped = src.pipe(monitorTap(monitor));
  tapped.subscribe();
  tapped.subscribe();
  src.next({ type: 'x' });
  t.same(monitor.sent.map((s) => s.run), ['run-1', 'run-2']);
  t.end();
});

t.test('config errors name the field', (t) => {
  t.throws(() => monitorTap({} as MonitorSink), { code: 'INVALID_CONFIG', message: /'monitor'/ });
  t.throws(() => monitorTap(fakeMonitor(), { run: '' }), { message: /'run'/ });
  t.throws(() => monitorTap(fakeMonitor(), { runn: 'a' } as never), { message: /'runn' is not a known option/ });
  t.end();
});
