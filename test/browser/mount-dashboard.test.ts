// The dashboard mounted in a page (`mountDashboard()`, issue 21) in real Chromium: the example page
// examples/browser/mounted.html imports the browser build, mounts the dashboard and pipes a small digits
// search through monitorTap(dash). The dashboard draws it (a table row per trial, the curves, the
// history view), a stop clicked on the mounted dashboard reaches the trial's controlledBy and pause all
// its holdWhile (no server in between), and no tensor outlives the search, on the cpu and wasm
// backends. Each step waits on the page's own state (window.rxtrainMounted, window.__rxtrain), never on
// time. Skipped without Chromium.
import t from 'tap';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { startDemoServer } from '../../examples/browser/serve.js';
import { openPage, screenshotPath, skipWithoutChromium } from '../monitor/chromium.js';

declare const window: any, document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = skipWithoutChromium;
const root = new URL('../../', import.meta.url).pathname;

interface Mounted {
  backend: string;
  events: Array<{ type: string; trial?: number; epoch?: number }>;
  tensorsBefore: number;
  tensorsPeak: number;
  tensorsAfter?: number;
  done: boolean;
  error?: string;
}

if (!skip) await promisify(execFile)(process.execPath, [join(root, 'scripts/build-browser.mjs')]); // dist/browser/

async function open(t: { teardown(fn: () => unknown): void }, query: string): Promise<{ page: Page; errors: string[] }> {
  const server = await startDemoServer(0);
  t.teardown(() => server.close());
  const page = await openPage(t);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}mounted.html?${query}`);
  return { page, errors };
}

async function finished(page: Page): Promise<Mounted> {
  await page.waitForFunction(() => window.rxtrainMounted?.done || window.rxtrainMounted?.error !== undefined, undefined, { timeout: 240_000 });
  return page.evaluate(() => JSON.parse(JSON.stringify(window.rxtrainMounted)));
}

for (const backend of ['cpu', 'wasm']) {
  t.test(`${backend}: the mounted dashboard draws a study fed by monitorTap, and no tensor outlives it`, { skip }, async (t) => {
    const trials = 4;
    const epochs = 3;
    const { page, errors } = await open(t, `backend=${backend}&trials=${trials}&epochs=${epochs}`);
    const m = await finished(page);
    t.equal(m.error, undefined, 'the search ran');
    t.equal(m.backend, backend, `on ${backend}`);
    t.equal(m.events.filter((e) => e.type === 'trialCompleted').length, trials, 'every trial completed');
    // The table redraws at most every 400 ms after a change: wait for the last state it shows.
    await page.waitForFunction((n: number) => document.querySelectorAll('#trials tbody tr').length === n && [...document.querySelectorAll('#trials tbody .state')].every((b: { textContent: string }) => b.textContent === 'completed'), trials, { timeout: 30_000 });
    t.equal(await page.locator('#trials tbody tr').count(), trials, 'a table row per trial');
    t.equal(await page.evaluate(() => window.__rxtrain.series.size), trials, 'the model holds the trials');
    await page.waitForFunction((n: number) => window.__rxtrain.curves.curves === n, trials, { timeout: 30_000 });
    t.equal(await page.evaluate(() => window.__rxtrain.curves.points), trials * epochs, 'a curve per trial, a point per epoch');
    t.match(await page.textContent('#status'), /^finished: digits completed, best #\d+ [\d.]+ val_accuracy$/, 'the status line says the run ended and its best');
    t.equal(await page.textContent('#title'), 'digits, in this page', 'the title option');
    await page.waitForSelector('#tab-history:not([hidden])', { timeout: 30_000 });
    await page.click('#tab-history');
    await page.waitForFunction((n: number) => window.__rxtrain.trials.history.points === n, trials, { timeout: 30_000 });
    t.pass('the history view has a point per finished trial');
    await page.screenshot({ path: screenshotPath('browser-mounted-dashboard.png') });
    t.ok(m.tensorsPeak > m.tensorsBefore, `the trials held tensors while they trained (${m.tensorsBefore} before, ${m.tensorsPeak} at most)`);
    t.equal(m.tensorsAfter, m.tensorsBefore, `tensors ${m.tensorsBefore} → ${m.tensorsAfter}: none outlive the search`);
    // destroy(): the element is emptied, its styles go, another dashboard can be mounted.
    t.same(
      await page.evaluate(async (pkg: string) => {
        window.rxtrainMounted.destroy();
        const { mountDashboard } = await import(pkg); // the page's import map: the browser build
        const el = document.getElementById('dashboard');
        const emptied = el.childElementCount === 0 && document.adoptedStyleSheets.length === 0 && !el.classList.contains('rxtrain-dashboard');
        const again = mountDashboard(el);
        const drawn = document.querySelectorAll('#trials').length === 1;
        // Plain arrows, unnamed: the test's loader would name a `const f = () => ...` with a helper the page lacks.
        const refusals = [() => mountDashboard(document.body), () => mountDashboard(null), () => mountDashboard(el, { colour: 'red' })].map((f) => {
          try { f(); return 'accepted'; } catch (err) { return `${(err as { code: string }).code}: ${(err as Error).message}`; }
        });
        again.destroy();
        return [`${emptied} ${drawn}`, ...refusals];
      }, 'rxtrain'),
      [
        'true true',
        "INVALID_CONFIG: mountDashboard(): option 'element' cannot hold a second dashboard: a page holds one (its views find their elements by id); destroy() the first (got a HTMLBodyElement)",
        "INVALID_CONFIG: mountDashboard(): option 'element' must be an element of the page (an HTMLElement) (got null)",
        "INVALID_CONFIG: mountDashboard(): option 'colour' is not a known option (known: title, clock, importance)",
      ],
      'destroy() empties the element and drops its styles; one dashboard per page at a time; a bad element or option is refused by name',
    );
    t.same(errors, [], 'no page errors');
  });
}

t.test('stop and pause clicked on the mounted dashboard reach controlledBy and holdWhile', { skip }, async (t) => {
  const epochs = 200;
  const { page, errors } = await open(t, `backend=cpu&trials=2&epochs=${epochs}`);
  const epochsOf = async (trial: number): Promise<number> => page.evaluate((n: number) => window.rxtrainMounted.events.filter((e: { type: string; trial?: number }) => e.type === 'epochEnd' && e.trial === n).length, trial);
  // The row's stop button shows while the trial runs (the dashboard can command: no server to ask).
  await page.waitForSelector('tr[data-key="digits#0"] button.stop', { timeout: 120_000 });
  // Pause all while trial 0 trains: holdWhile sits on train()'s stream, so the next trial is held
  // before it begins, and the dashboard shows it paused once its hold is acknowledged (a `held` record).
  await page.click('#pause-all');
  await page.click('tr[data-key="digits#0"] button.stop');
  await page.waitForFunction(() => document.querySelector('tr[data-key="digits#1"] .state')?.textContent === 'paused', undefined, { timeout: 120_000 });
  t.equal(await epochsOf(1), 0, 'trial 1 is held before its first epoch, and the dashboard says paused');
  t.match(await page.textContent('#paused-banner'), /pause asked: all runs · 1 held/, 'the banner counts the hold');
  await page.click('#resume-all');
  await page.waitForSelector('tr[data-key="digits#1"] button.stop', { timeout: 120_000 });
  await page.waitForFunction(() => window.rxtrainMounted.events.some((e: { type: string; trial?: number }) => e.type === 'epochEnd' && e.trial === 1), undefined, { timeout: 120_000 });
  await page.click('tr[data-key="digits#1"] button.stop');
  const m = await finished(page);
  t.equal(m.error, undefined, 'the search ended without an error');
  for (const trial of [0, 1]) {
    const trained = await epochsOf(trial);
    t.ok(trained > 0 && trained < epochs, `trial ${trial} stopped after ${trained} of ${epochs} epochs`);
  }
  t.equal(m.events.filter((e) => e.type === 'trialCompleted').length, 2, 'a stopped trial completes with what it had');
  await page.waitForFunction(() => [...document.querySelectorAll('#trials tbody .state')].map((b: { textContent: string }) => b.textContent).join() === 'stopped,stopped', undefined, { timeout: 30_000 });
  t.pass('the dashboard shows both trials as stopped');
  t.equal(m.tensorsAfter, m.tensorsBefore, 'no tensor outlives the stopped trials');
  t.same(errors, [], 'no page errors');
});
