// Control of a study's trials from the monitor says what really happened (issue 14 item 8): a
// learning-rate change asked for one trial shows as that trial's lrChange, and "pause all" marks as
// held only the trials whose holdWhile gate really holds them, not those that keep training.
import t from 'tap';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { optimizer, randomSampler, space, study, uniform, useBackend } from '../../lib/index.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { sendCommand } from '../../lib/monitor/send-command.js';
import { watchTable } from '../../lib/monitor/watch-table.js';
import type { MonitorRecord } from '../../lib/monitor/protocol.js';
import { controlledBy } from '../../operators/controlled-by.js';
import { holdWhile } from '../../operators/hold-while.js';
import { monitorTap } from '../../operators/monitor-tap.js';
import { rawClient } from './helpers.js';

type Epoch = { type: 'epochEnd'; epoch: number; metrics: { loss: number; val_loss: number } };
const epoch = (n: number): Epoch => ({ type: 'epochEnd', epoch: n, metrics: { loss: 1, val_loss: 1 / (n + 1) } });
const isRecord = (run: string, type: string, extra: (e: Record<string, unknown>) => boolean = () => true) => (m: { type: string; records?: readonly MonitorRecord[] }) =>
  m.type === 'events' && (m.records ?? []).some((r) => r.run === run && r.event.type === type && extra(r.event));

t.test("'lr…' on a study trial: the change is applied and its lrChange reaches the monitor", async (t) => {
  await useBackend('cpu');
  const monitor = await startMonitor({ token: 'k' });
  t.teardown(() => monitor.close());
  const client = await rawClient(`${monitor.wsUrl}?token=k`);
  t.teardown(() => client.ws.close());
  const opt = optimizer({ name: 'adam', lr: 0.01 });
  t.teardown(() => opt.dispose());
  const epochs = new Subject<Epoch>();
  const s = study({ name: 'lr', direction: 'minimize', metric: 'val_loss', space: space({ x: uniform(0, 1) }), sampler: randomSampler({ seed: 1 }) });
  const done = lastValueFrom(
    s.optimize((trial) => epochs.pipe(controlledBy(monitor.commands, { run: 's', trial: trial.number, optimizer: opt })), { trials: 1 }).pipe(monitorTap(monitor, { run: 's' }), toArray()),
  );
  await client.until(isRecord('s', 'trialStarted'));
  t.match(client.records[0]?.event, { type: 'trialStarted', trial: 0, direction: 'minimize', metric: 'val_loss' }, "a trial carries its study's direction and metric");
  await sendCommand(monitor.url, { type: 'setLearningRate', run: 's', trial: 0, lr: 0.001 }, { token: 'k' });
  epochs.next(epoch(0));
  const got = await client.until(isRecord('s', 'lrChange'));
  const change = got.type === 'events' ? got.records.find((r) => r.event.type === 'lrChange') : undefined;
  t.match(change?.event, { type: 'lrChange', trial: 0, epoch: 1, from: 0.01, to: 0.001, source: 'monitor' }, "the trial's lrChange, naming the trial");
  epochs.complete();
  const events = await done;
  t.ok(events.some((e) => e.type === 'lrChange'), "it is one of the study's events");
});

t.test('pause all: only the trials a gate really holds are acknowledged as held', async (t) => {
  const monitor = await startMonitor({ token: 'k' });
  t.teardown(() => monitor.close());
  const client = await rawClient(`${monitor.wsUrl}?token=k`);
  t.teardown(() => client.ws.close());
  const streams = [new Subject<Epoch>(), new Subject<Epoch>(), new Subject<Epoch>()];
  const s = study({ name: 'p', direction: 'minimize', metric: 'val_loss', space: space({ x: uniform(0, 1) }), sampler: randomSampler({ seed: 1 }) });
  // Two trials at a time, each behind a gate that holds it before it starts.
  const done = lastValueFrom(
    s.optimize((trial) => streams[trial.number]!.pipe(holdWhile(monitor.paused('s', trial.number))), { trials: 3, concurrency: 2 }).pipe(monitorTap(monitor, { run: 's' }), toArray()),
  );
  await client.until(isRecord('s', 'trialStarted', (e) => e.trial === 1));
  streams[0]!.next(epoch(0));
  streams[1]!.next(epoch(0));
  await sendCommand(monitor.url, { type: 'pause' }, { token: 'k' });
  // Trials 0 and 1 had started: the gate does not stop them, they train on. Trial 2 starts when
  // trial 0 ends, and its gate holds it.
  streams[1]!.next(epoch(1));
  streams[0]!.complete();
  await client.until(isRecord('s', 'held'));
  const table = watchTable();
  for (const r of client.records) table.apply(r);
  const held = client.records.filter((r) => r.event.type === 'held');
  t.same(held.map((r) => r.event.trial), [2], 'one hold, of trial 2');
  const state = (key: string) => table.render(200).split('\n').find((l) => l.startsWith(key))?.split(/\s{2,}/)[1];
  t.equal(state('s #1'), 'running', 'trial 1 keeps training and is not called paused');
  t.equal(state('s #2'), 'paused', 'trial 2 is held');
  await sendCommand(monitor.url, { type: 'resume' }, { token: 'k' });
  await client.until(isRecord('s', 'released', (e) => e.trial === 2));
  streams[1]!.complete();
  streams[2]!.next(epoch(0));
  streams[2]!.complete();
  const events = await done;
  t.equal(events.filter((e) => e.type === 'trialCompleted').length, 3, 'every trial ran to its end');
});
