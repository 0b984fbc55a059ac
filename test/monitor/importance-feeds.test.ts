// startMonitor computes each study run's parameter importance off the producer's call and publishes it
// to that run: a client sees the record, for the run that sent the trials only; a bad option is
// refused before the monitor listens.
import t from 'tap';
import { filter, firstValueFrom } from 'rxjs';
import { connectMonitor } from '../../lib/monitor/connect-monitor.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import type { ParamImportance } from '../../lib/monitor/importance-feed.js';

t.test("a study run's importance reaches clients as a record of that run", async (t) => {
  const monitor = await startMonitor({ importance: { minTrials: 6 } });
  t.teardown(() => monitor.close());
  const seen = firstValueFrom(connectMonitor(monitor.url).pipe(filter((r) => r.event.type === 'paramImportance')));
  monitor.publish('other', { type: 'epochEnd', epoch: 0, metrics: { loss: 1 } });
  monitor.publish('search', { type: 'trialStarted', trial: 0, params: {}, time: 0, direction: 'maximize', metric: 'acc' });
  for (let trial = 0; trial < 6; trial++) {
    const params = { lr: trial / 10, units: (trial * 7) % 5 };
    monitor.publish('search', { type: 'trialCompleted', trial, value: params.lr * 2, params, durationMs: 1 });
  }
  const record = await seen;
  t.equal(record.run, 'search');
  const e = record.event as unknown as ParamImportance;
  t.equal(e.trials, 6);
  t.same(e.objectives.map((o) => [o.metric, o.direction, o.importance[0]![0]]), [['acc', 'maximize', 'lr']]);
});

t.test('a bad importance option is refused by startMonitor', async (t) => {
  await t.rejects(startMonitor({ importance: { minTrials: 0 } }), { code: 'INVALID_CONFIG', message: /minTrials/ });
  await t.rejects(startMonitor({ importance: 'yes' as never }), { code: 'INVALID_CONFIG', message: /'importance'/ });
});
