// `rxtrain dashboard` in real Chromium: the study list of a SQLite file, a finished study's trials and
// curves (by wall time too: stored steps carry their time), no control, and a study that another process is still running gaining a trial without a
// reload. Skipped where /usr/bin/chromium is missing. Saves docs/img/dashboard-studies.png and
// docs/img/dashboard-storage.png (RXTRAIN_SCREENSHOTS=1).
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { inkedPixels, openPage, screenshotPath, skipWithoutChromium } from './chromium.js';
import { startChild } from '../child-process.js';
import { dashboardCommand } from '../../lib/monitor/dashboard-command.js';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import { readFileSync } from 'node:fs';

// The page's own globals, inside page functions (this project compiles without the DOM types).
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = fileURLToPath(new URL('./fixtures/stored-study-process.ts', import.meta.url));

t.test('the dashboard of a SQLite file: its studies, a finished one, a live one', { skip: skipWithoutChromium }, async (t) => {
  const db = join(t.testdir({}), 'studies.db');
  const done = startChild(fixture, [db, 'finished', '6', '5', 'auto']);
  t.teardown(() => void done.child.kill('SIGKILL'));
  t.equal((await done.exited).code, 0, done.stderr.join(''));
  const live = startChild(fixture, [db, 'running', '3', '2', 'wait']);
  t.teardown(() => void live.child.kill('SIGKILL'));
  await live.waitFor(/^waiting 0 0$/);

  const d = await dashboardCommand(db, { pollMs: 50 });
  t.teardown(() => d.close());
  const page = await openPage(t);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await page.goto(d.url);
  await page.waitForSelector('#studies tr[data-study="running"]', { timeout: 120_000 });
  t.match(await page.textContent('#studies tr[data-study="finished"]'), /finished\s*loss ↓\s*6\s*0\s*6\s*0\s*0\s*0\.2 \(#2\)\s*x=2/, 'a study: its objective, trials by state, best and its parameters');
  t.match(await page.textContent('#studies tr[data-study="running"]'), /running\s*loss ↓\s*1\s*1\s*0/, 'the other: one trial running');
  await page.screenshot({ path: screenshotPath('dashboard-studies.png') });

  await page.click('#studies a:text-is("finished")');
  await page.waitForSelector('#status.open', { timeout: 120_000 });
  t.match(await page.textContent('#status'), /following sqlite storage · read-only/);
  t.equal(await page.title(), 'finished · rxtrain dashboard');
  t.ok(await page.isHidden('#controls'), 'no control buttons');
  t.ok(await page.isVisible('#studies-link'), 'a link back to the list');
  await page.waitForFunction(() => document.querySelectorAll('#trials tbody tr').length === 6, undefined, { timeout: 120_000 });
  t.match(await page.textContent('tr.best td:first-child'), /finished #2 ★/, 'the best trial is starred');
  t.equal(await page.locator('#trials button').count(), 0, 'no stop or lr buttons');
  t.match(await page.textContent('tr[data-key="finished#4"]'), /completed\s*4\s*loss ↓\s*4\.2000\s*4\.2000\s*x=4/, 'state, last epoch, value, parameters');
  const inked = await inkedPixels(page, ['curves-canvas', 'curves-live-canvas'], { colouredOnly: true });
  t.ok(inked > 1500, `the curves are drawn (${inked} pixels in colour)`);
  await page.screenshot({ path: screenshotPath('dashboard-storage.png') });

  // Wall time from storage: each step reaches the page at the time the file says it was reported, so
  // the x axis by wall time works, and what is shown downloads with those times.
  await page.selectOption('#xaxis', 'wall');
  // The download saves what is drawn: wait for the drawing by wall time (the next animation frame).
  await page.waitForFunction(() => window.__rxtrain.curves.x === 'wall', undefined, { timeout: 120_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { x: string; rows: Array<{ trial: number; epoch: number; time: string | null }> };
  t.match(saved, { x: 'wall' }, 'downloaded by wall time');
  const stored = sqliteStorage(db);
  const stepTimes = stored.getTrials('finished').flatMap((tr) => (tr.stepTimes ?? []).map(([step, time]) => `${tr.number}:${step}:${new Date(time).toISOString()}`));
  stored.close();
  t.equal(stepTimes.length, 30, 'the file has a time for each of the 30 steps');
  t.same(saved.rows.map((r) => `${r.trial}:${r.epoch}:${r.time}`).sort(), stepTimes.sort(), "each point at its step's stored time");
  await page.selectOption('#xaxis', 'epoch');

  await page.goto(d.studyUrl('running'));
  await page.waitForSelector('tr[data-key="running#0"] .state.running', { timeout: 120_000 });
  live.send('go');
  live.send('go');
  await page.waitForSelector('tr[data-key="running#0"] .state.completed', { timeout: 120_000 });
  await live.waitFor(/^waiting 1 0$/);
  await page.waitForSelector('tr[data-key="running#1"] .state.running', { timeout: 120_000 });
  t.pass('a trial that another process started appears without a reload');
  live.send('go');
  await page.waitForFunction(() => document.querySelector('tr[data-key="running#1"] td:nth-child(3)')?.textContent === '0' && /\d/.test(document.querySelector('tr[data-key="running#1"] td:nth-child(5)')?.textContent ?? ''), undefined, { timeout: 120_000 });
  t.pass('and its first epoch');
  t.same(pageErrors, [], 'no errors on the page');
});
