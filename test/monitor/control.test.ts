// Commands from a client steer real training: pause holds a hand-built pipeline at an epoch boundary
// and resume continues it where it was; setLearningRate lands at the next epoch end.
import t from 'tap';
import { firstValueFrom, lastValueFrom, Subject, tap, toArray } from 'rxjs';
import { batches, digits, getLearningRate, mlp, optimizer, split, useBackend } from '../../lib/index.js';
import { epochEnd, epochs, trainStep } from '../../operators/index.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { sendCommand } from '../../lib/monitor/send-command.js';
import { controlledBy } from '../../operators/controlled-by.js';
import { holdWhile } from '../../operators/hold-while.js';
import { monitorTap } from '../../operators/monitor-tap.js';

await useBackend('cpu');
const { train: trainSet } = split(digits(), { validation: 0.2, test: 0, seed: 1 });

t.test('pause holds at the next epoch boundary; resume goes on; setLearningRate at the next epoch end', async (t) => {
  const monitor = await startMonitor({ token: 'k' });
  t.teardown(() => monitor.close());
  const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 1 });
  const opt = optimizer({ name: 'adam', lr: 0.01 });
  t.teardown(() => {
    model.dispose();
    opt.dispose();
  });
  const seen: { type: string; epoch?: number }[] = [];
  let pauseSent = false;
  // holdWhile asks `paused` anew before each epoch's batches: a `true` then means the hold is on.
  const held = new Subject<void>();
  const paused = monitor.paused('a').pipe(tap((p) => p && held.next()));
  const holding = firstValueFrom(held);
  const run = lastValueFrom(
    batches(trainSet, { batchSize: 64, shuffle: true, seed: 1 }).pipe(
      holdWhile(paused),
      epochs(20),
      trainStep(model, { optimizer: opt }),
      epochEnd({ model, optimizer: opt }),
      controlledBy(monitor.commands, { run: 'a', optimizer: opt }),
      monitorTap(monitor, { run: 'a' }),
      tap((e) => {
        if (e.type === 'epochEnd' || e.type === 'lrChange') seen.push({ type: e.type, epoch: e.epoch });
        if (e.type === 'epochEnd' && e.epoch === 3 && !pauseSent) {
          pauseSent = true;
          void sendCommand(monitor.url, { type: 'pause', run: 'a' }, { token: 'k' });
        }
      }),
      toArray(),
    ),
  );
  // Wait until the hold is on (an event, not a time), then send two more commands: their round trips
  // give the event loop many turns, in which a run that was not held would go on.
  await Promise.race([holding, run.then(() => Promise.reject(new Error('the run ended before the pause took hold')))]);
  const epochsWhilePaused = seen.filter((e) => e.type === 'epochEnd').length;
  t.ok(epochsWhilePaused >= 3 && epochsWhilePaused < 20, `held at an epoch boundary mid-run (after ${epochsWhilePaused} of 20 epochs)`);
  await sendCommand(monitor.url, { type: 'setLearningRate', run: 'a', lr: 0.001 }, { token: 'k' });
  t.equal(seen.filter((e) => e.type === 'epochEnd').length, epochsWhilePaused, 'no epoch ends while paused');
  await sendCommand(monitor.url, { type: 'resume', run: 'a' }, { token: 'k' });
  const events = await run;
  t.same(events.filter((e) => e.type === 'epochEnd').map((e) => (e as { epoch: number }).epoch), Array.from({ length: 20 }, (_, i) => i + 1), 'every epoch ran once, in order');
  const change = events.find((e) => e.type === 'lrChange');
  // Held after epoch k: the first epoch to end after the command is k + 1, so k + 2 is the first at the new rate.
  t.match(change, { type: 'lrChange', source: 'monitor', from: 0.01, to: 0.001, epoch: epochsWhilePaused + 2 }, 'applied after the first epoch that ended after the command (the first one after resume)');
  t.equal(getLearningRate(opt), 0.001);
});
