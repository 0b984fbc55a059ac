import t from 'tap';
import { spawn } from 'node:child_process';
import { watchTable } from '../../lib/monitor/watch-table.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';

let seq = 0;
const rec = (run: string, event: { type: string; [k: string]: unknown }) => ({ seq: ++seq, run, time: 0, event });

t.test('builds rows of runs and trials with state, epoch, metric, best and params', (t) => {
  const table = watchTable('val_accuracy');
  table.apply(rec('s', { type: 'trialStarted', trial: 0, params: { lr: 0.01, units: 32 }, time: 0 }));
  table.apply(rec('s', { type: 'trialStarted', trial: 1, params: { lr: 0.1, units: 8 }, time: 0 }));
  table.apply(rec('s', { type: 'epochEnd', trial: 0, epoch: 1, metrics: { loss: 1, val_accuracy: 0.8 } }));
  table.apply(rec('s', { type: 'epochEnd', trial: 0, epoch: 2, metrics: { loss: 1, val_accuracy: 0.7 } }));
  table.apply(rec('s', { type: 'epochEnd', trial: 1, epoch: 1, metrics: { loss: 2, val_accuracy: 0.2 } }));
  table.apply(rec('s', { type: 'trialPruned', trial: 1, durationMs: 1 }));
  table.apply(rec('s', { type: 'trialCompleted', trial: 0, value: 0.7, params: {}, durationMs: 1 }));
  table.apply(rec('s', { type: 'newBest', trial: 0, value: 0.7, params: {} }));
  table.apply(rec('r', { type: 'runStart', backend: 'cpu', trainableParams: 1, time: 0 }));
  table.apply(rec('r', { type: 'epochEnd', epoch: 1, metrics: { loss: 1, val_accuracy: 0.5 } }));
  table.apply(rec('r', { type: 'stopped', epoch: 1, source: 'monitor', reason: 'x' }));
  t.same(
    table.rows().map((r) => [r.key, r.state, r.epoch, r.metric, r.best]),
    [
      ['s#0', 'completed', 2, 0.7, 0.8],
      ['s#1', 'pruned', 1, 0.2, 0.2],
      ['r', 'stopped', 1, 0.5, 0.5],
    ],
  );
  const text = table.render(200);
  t.match(text, /3 runs\/trials \(1 completed, 1 pruned, 1 stopped\), 11 events/);
  t.match(text, /s #0 \*\s+completed\s+2\s+val_accuracy ↑\s+0\.7000\s+0\.8000\s+lr=0\.01 units=32/);
  t.end();
});

t.test('any metric by name (issue 20): --metric val_f1 is better higher, val_rmse lower', (t) => {
  for (const [metric, values, best, arrow] of [['val_f1', [0.6, 0.9, 0.8], 0.9, '↑'], ['val_rmse', [52, 48, 50], 48, '↓']] as const) {
    const table = watchTable(metric);
    values.forEach((v, i) => table.apply(rec('r', { type: 'epochEnd', epoch: i + 1, metrics: { loss: 1, [metric]: v } })));
    const [row] = table.rows();
    t.same([row!.metricName, row!.metric, row!.best], [metric, values[2], best], metric);
    t.match(table.render(200), new RegExp(`r\\s+running\\s+3\\s+${metric} ${arrow}`), `${metric} ${arrow} in the table`);
  }
  t.end();
});

t.test("without --metric each row shows its run's objective, named, with its direction; the * marks each run's best", (t) => {
  const table = watchTable();
  // An evolve run that maximises val_accuracy, and a plain run beside it.
  table.apply(rec('e', { type: 'generationStarted', generation: 0, members: [], direction: 'maximize', metric: 'val_accuracy' }));
  table.apply(rec('e', { type: 'trialStarted', trial: 0, params: { lr: 0.1 }, time: 0 }));
  table.apply(rec('e', { type: 'epochEnd', trial: 0, epoch: 1, metrics: { loss: 1, val_loss: 0.9, val_accuracy: 0.6 }, value: 0.6 }));
  table.apply(rec('e', { type: 'epochEnd', trial: 0, epoch: 2, metrics: { loss: 1, val_loss: 0.8, val_accuracy: 0.9 }, value: 0.9 }));
  table.apply(rec('e', { type: 'trialCompleted', trial: 0, value: 0.9, params: {}, durationMs: 1 }));
  table.apply(rec('e', { type: 'newBest', trial: 0, value: 0.9, params: {}, direction: 'maximize', metric: 'val_accuracy' }));
  table.apply(rec('e', { type: 'trialStarted', trial: 1, params: { lr: 0.2 }, time: 0 }));
  table.apply(rec('e', { type: 'epochEnd', trial: 1, epoch: 1, metrics: { loss: 1, val_loss: 0.7, val_accuracy: 0.5 }, value: 0.5 }));
  table.apply(rec('r', { type: 'runStart', backend: 'cpu', trainableParams: 1, time: 0 }));
  table.apply(rec('r', { type: 'epochEnd', epoch: 1, metrics: { loss: 0.4, val_loss: 0.3 } }));
  table.apply(rec('r', { type: 'epochEnd', epoch: 2, metrics: { loss: 0.5, val_loss: 0.35 } }));
  t.same(
    table.rows().map((r) => [r.key, r.metricName, r.direction, r.metric, r.best]),
    [
      ['e#0', 'val_accuracy', 'maximize', 0.9, 0.9],
      ['e#1', 'val_accuracy', 'maximize', 0.5, 0.5],
      ['r', 'val_loss', 'minimize', 0.35, 0.3],
    ],
  );
  const text = table.render(200);
  t.match(text, /e #0 \*\s+completed\s+2\s+val_accuracy ↑\s+0\.9000\s+0\.9000/);
  t.match(text, /e #1\s+running\s+1\s+val_accuracy ↑/);
  t.match(text, /r\s+running\s+2\s+val_loss ↓\s+0\.3500\s+0\.3000/);
  t.end();
});

t.test('a row is paused only when the monitor acknowledged that it is held', (t) => {
  const table = watchTable();
  table.apply(rec('s', { type: 'trialStarted', trial: 0, params: {}, time: 0, direction: 'minimize' }));
  table.apply(rec('s', { type: 'trialStarted', trial: 1, params: {}, time: 0, direction: 'minimize' }));
  table.apply(rec('*', { type: 'paused', source: 'monitor' }));
  t.notMatch(table.render(200), /paused/, 'asking for a pause holds nothing yet');
  table.apply(rec('s', { type: 'held', source: 'monitor', trial: 1 }));
  t.match(table.render(200), /s #0\s+running/);
  t.match(table.render(200), /s #1\s+paused/);
  table.apply(rec('s', { type: 'released', source: 'monitor', trial: 1 }));
  t.match(table.render(200), /s #1\s+running/);
  t.end();
});

t.test('allEnded and results: how each run ended and its best', (t) => {
  const table = watchTable();
  table.apply(rec('s', { type: 'trialStarted', trial: 0, params: {}, time: 0, direction: 'maximize', metric: 'val_accuracy' }));
  t.notOk(table.allEnded());
  table.apply(rec('s', { type: 'trialCompleted', trial: 0, value: 0.8, params: {}, durationMs: 1 }));
  table.apply(rec('s', { type: 'newBest', trial: 0, value: 0.8, params: {}, direction: 'maximize', metric: 'val_accuracy' }));
  table.apply(rec('s', { type: 'runEnd', state: 'completed' }));
  t.ok(table.allEnded());
  t.same(table.results(), ['s: completed, best trial 0 0.8000 val_accuracy']);
  t.end();
});

t.test('runEnd closes what is still running; unknown events are counted, not fatal', (t) => {
  const table = watchTable();
  table.apply(rec('s', { type: 'trialStarted', trial: 3, params: {}, time: 0 }));
  table.apply(rec('s', { type: 'somethingNew', payload: [1, 2] }));
  table.apply(rec('s', { type: 'runEnd', state: 'cancelled' }));
  t.same(table.rows().map((r) => r.state), ['cancelled']);
  t.end();
});

t.test('rxtrain watch prints a live table from a monitor', async (t) => {
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  monitor.publish('search', { type: 'trialStarted', trial: 0, params: { lr: 0.5 }, time: 0 });
  monitor.publish('search', { type: 'epochEnd', trial: 0, epoch: 1, metrics: { loss: 1, val_loss: 0.25 } });
  const bin = new URL('../../bin/rxtrain.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', bin, 'watch', monitor.url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 120_000;
  while (!/search #0\s+running\s+1\s+val_loss ↓\s+0\.2500/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  t.match(out, /rxtrain watch http:\/\/127\.0\.0\.1:\d+\/ — live/);
  t.match(out, /search #0\s+running\s+1\s+val_loss ↓\s+0\.2500\s+0\.2500\s+lr=0\.5/);
});

const bin = new URL('../../bin/rxtrain.ts', import.meta.url).pathname;
/** Run the CLI to its end: exit code, stdout and stderr together. */
const cli = (args: string[], onOutput?: (out: string) => void) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const add = (d: Buffer): void => {
      out += d.toString();
      onOutput?.(out);
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    child.once('exit', (code) => resolve({ code, out }));
  });

t.test('rxtrain watch: a monitor closed by its program is shown finished, with the result, and watch exits 0', async (t) => {
  const monitor = await startMonitor();
  monitor.publish('s', { type: 'trialStarted', trial: 0, params: { lr: 0.5 }, time: 0, direction: 'maximize', metric: 'val_accuracy' });
  monitor.publish('s', { type: 'trialCompleted', trial: 0, value: 0.75, params: { lr: 0.5 }, durationMs: 1 });
  monitor.publish('s', { type: 'newBest', trial: 0, value: 0.75, params: { lr: 0.5 }, direction: 'maximize', metric: 'val_accuracy' });
  monitor.publish('s', { type: 'runEnd', state: 'completed' });
  let closing: Promise<void> | undefined;
  // Close the monitor once watch has shown the run (its table is printed at least every 2 s when piped).
  const r = await cli(['watch', monitor.url], (out) => {
    if (closing === undefined && /s #0 \*\s+completed/.test(out)) closing = monitor.close();
  });
  await closing;
  t.equal(r.code, 0, r.out);
  t.match(r.out, /— finished \(the monitor was closed by its program\)/);
  t.match(r.out, /s: completed, best trial 0 0\.7500 val_accuracy/);
  t.notMatch(r.out, /retry/);
});

t.test('rxtrain watch: an unreachable monitor gives up after --retries attempts, exit 1', async (t) => {
  const monitor = await startMonitor();
  const url = monitor.url;
  await monitor.close();
  const r = await cli(['watch', url, '--retries', '2']);
  t.equal(r.code, 1, r.out);
  t.match(r.out, /— unreachable/);
  t.match(r.out, /rxtrain watch: cannot reach the monitor at http:\/\/127\.0\.0\.1:\d+\/: .*gave up .* after 2 failed attempts/);
});

t.test('PBT members get a row each, with their current parameters', (t) => {
  const table = watchTable('Q');
  table.apply(rec('p', { type: 'pbtStarted', dir: '/x', epoch: 0, members: [{ member: 0, params: { h0: 1 } }, { member: 1, params: { h0: 0.5 } }] }));
  table.apply(rec('p', { type: 'epochEnd', member: 0, epoch: 1, metrics: { Q: 0.4 }, value: 0.4 }));
  table.apply(rec('p', { type: 'epochEnd', member: 1, epoch: 1, metrics: { Q: 0.9 }, value: 0.9 }));
  table.apply(rec('p', { type: 'exploit', member: 0, donor: 1, epoch: 1, value: 0.4, donorValue: 0.9, checkpoint: 'c' }));
  table.apply(rec('p', { type: 'explore', member: 0, epoch: 1, oldParams: { h0: 1 }, fromParams: { h0: 0.5 }, newParams: { h0: 0.6 } }));
  table.apply(rec('p', { type: 'pbtCompleted', epoch: 1, best: { member: 1, value: 0.9, params: { h0: 0.5 }, schedule: [] }, members: [{ member: 0, value: 0.4, params: { h0: 0.6 }, schedule: [] }, { member: 1, value: 0.9, params: { h0: 0.5 }, schedule: [] }] }));
  t.same(
    table.rows().map((r) => [r.key, r.state, r.epoch, r.metric, r.params]),
    [
      ['p@0', 'completed', 1, 0.4, { h0: 0.6 }],
      ['p@1', 'completed', 1, 0.9, { h0: 0.5 }],
    ],
  );
  t.match(table.render(200), /p m1 \*\s+completed/);
  t.end();
});

t.test('rxtrain stop sends a command with the token; without it, exits with usage', async (t) => {
  const monitor = await startMonitor({ token: 'k' });
  t.teardown(() => monitor.close());
  const got: unknown[] = [];
  monitor.commands.subscribe((c) => got.push(c));
  const bin = new URL('../../bin/rxtrain.ts', import.meta.url).pathname;
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => resolve({ code, out }));
    });
  monitor.publish('a', { type: 'trialStarted', trial: 2, params: {}, time: 0 });
  monitor.publish('a', { type: 'trialStarted', trial: 3, params: {}, time: 0 });
  monitor.publish('a', { type: 'trialCompleted', trial: 3, value: 1, params: {}, durationMs: 1 });
  const ok = await run(['stop', monitor.url, 'a', '--trial', '2', '--token', 'k']);
  t.equal(ok.code, 0, ok.out);
  t.match(ok.out, /stop accepted for a #2/);
  t.same(got, [{ type: 'stop', run: 'a', trial: 2 }]);
  // Nothing would obey these: refused, said so, exit 1, and no command reaches the training.
  const unknownRun = await run(['stop', monitor.url, 'b', '--token', 'k']);
  t.equal(unknownRun.code, 1, unknownRun.out);
  t.match(unknownRun.out, /refused \(UNKNOWN_RUN\): stop: no run named "b" has sent events to this monitor \(its runs: a\)/);
  t.notMatch(unknownRun.out, /stop accepted|stop sent/);
  const unknownTrial = await run(['stop', monitor.url, 'a', '--trial', '7', '--token', 'k']);
  t.equal(unknownTrial.code, 1);
  t.match(unknownTrial.out, /run "a" has no trial 7 \(its trials: 2, 3\)/);
  const endedTrial = await run(['stop', monitor.url, 'a', '--trial', '3', '--token', 'k']);
  t.equal(endedTrial.code, 1);
  t.match(endedTrial.out, /trial 3 of run "a" has ended \(completed\)/);
  monitor.publish('a', { type: 'runEnd', state: 'completed' });
  const endedRun = await run(['stop', monitor.url, 'a', '--token', 'k']);
  t.equal(endedRun.code, 1);
  t.match(endedRun.out, /run "a" has ended \(completed\)/);
  t.equal(got.length, 1, 'only the accepted command was delivered');
  const bad = await run(['stop', monitor.url, 'a']);
  t.equal(bad.code, 2);
  t.match(bad.out, /needs the monitor token/);
  const wrong = await run(['stop', monitor.url, 'a', '--token', 'nope']);
  t.equal(wrong.code, 1);
  t.match(wrong.out, /refused \(UNAUTHORIZED\)/);
});
