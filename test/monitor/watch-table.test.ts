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
  t.match(text, /s #0 \*\s+completed\s+2\s+0\.7000\s+0\.8000\s+lr=0\.01 units=32/);
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
  while (!/search #0\s+running\s+1\s+0\.2500/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  t.match(out, /rxtrain watch http:\/\/127\.0\.0\.1:\d+\/ — live/);
  t.match(out, /search #0\s+running\s+1\s+0\.2500\s+0\.2500\s+lr=0\.5/);
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
  const ok = await run(['stop', monitor.url, 'a', '--trial', '2', '--token', 'k']);
  t.equal(ok.code, 0, ok.out);
  t.same(got, [{ type: 'stop', run: 'a', trial: 2 }]);
  const bad = await run(['stop', monitor.url, 'a']);
  t.equal(bad.code, 2);
  t.match(bad.out, /needs the monitor token/);
  const wrong = await run(['stop', monitor.url, 'a', '--token', 'nope']);
  t.equal(wrong.code, 1);
  t.match(wrong.out, /refused \(UNAUTHORIZED\)/);
});
