// The page says what really happened (issue 14 item 8), in real Chromium: "pause all" shows as asked
// until a gate acknowledges a hold, and only the held trial is called paused; a monitor closed by its
// program shows "finished" with each run's result and is not retried; a monitor that dies is retried a
// bounded number of times, then the page says it cannot be reached. Skipped without Chromium.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { openDashboard, openPage, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = skipWithoutChromium;
const badge = (key: string) => `tr[data-key="${key}"] .state`;

t.test('pause all: asked, then paused only where held; a closed monitor shows finished with the result', { skip }, async (t) => {
  const monitor = await startMonitor({ token: 'k' });
  t.teardown(() => monitor.close());
  const { page } = await openDashboard(t, `${monitor.url}?token=k`);
  for (const trial of [0, 1]) monitor.publish('s', { type: 'trialStarted', trial, params: { x: trial }, time: 0, direction: 'maximize', metric: 'val_accuracy' });
  await page.waitForSelector(badge('s#1'), { timeout: 120_000 });

  await page.click('#pause-all');
  await page.waitForFunction((sel: string) => document.querySelector(sel)?.textContent === 'running · pause asked', badge('s#0'), { timeout: 120_000 });
  t.equal(await page.textContent(badge('s#1')), 'running · pause asked', 'asked is not paused');
  t.match(await page.textContent('#paused-banner'), /pause asked: all runs · 0 held/);

  // A gate (holdWhile) holds trial 1: the monitor acknowledges it.
  const gate = monitor.paused('s', 1).subscribe();
  await page.waitForFunction((sel: string) => document.querySelector(sel)?.textContent === 'paused', badge('s#1'), { timeout: 120_000 });
  t.equal(await page.textContent(badge('s#0')), 'running · pause asked', 'the trial that keeps training is not called paused');
  gate.unsubscribe();

  monitor.publish('s', { type: 'trialCompleted', trial: 0, value: 0.6, params: { x: 0 }, durationMs: 1 });
  monitor.publish('s', { type: 'newBest', trial: 0, value: 0.6, params: { x: 0 }, direction: 'maximize', metric: 'val_accuracy' });
  monitor.publish('s', { type: 'trialCompleted', trial: 1, value: 0.9, params: { x: 1 }, durationMs: 1 });
  monitor.publish('s', { type: 'newBest', trial: 1, value: 0.9, params: { x: 1 }, previous: 0.6, direction: 'maximize', metric: 'val_accuracy' });
  monitor.publish('s', { type: 'runEnd', state: 'completed' });
  await page.waitForSelector('tr[data-key="s#1"].best', { timeout: 120_000 });
  await monitor.close();
  await page.waitForSelector('#status.finished', { timeout: 120_000 });
  t.equal(await page.textContent('#status'), 'finished: s completed, best #1 0.9000 val_accuracy');
});

t.test('a monitor that dies is retried a bounded number of times, then called unreachable', { skip }, async (t) => {
  const script = new URL('./monitor-process.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.kill('SIGKILL'));
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const url = line.toString().trim();
  const page = await openPage(t);
  await page.goto(`${url}?retries=2`);
  await page.waitForSelector('tr[data-key="s#0"]', { timeout: 120_000 });
  child.kill('SIGKILL');
  await page.waitForFunction(() => /retry 1 of 2/.test(document.querySelector('#status')?.textContent ?? ''), undefined, { timeout: 120_000 });
  await page.waitForSelector('#status.unreachable', { timeout: 120_000 });
  t.match(await page.textContent('#status'), /^cannot reach the monitor: gave up after 2 attempts \(last close code 1006\); reload the page to try again$/);
  t.equal(await page.locator('tr[data-key="s#0"]').count(), 1, 'what was seen stays on the page');
});
