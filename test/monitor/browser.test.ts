// The dashboard in real Chromium: live curves and table while three runs train on the digits, a click
// on "stop" ends one run's stream with a `stopped` event. Skipped where /usr/bin/chromium is missing.
import t from 'tap';
import { inkedPixels, openPage, screenshotPath, skipWithoutChromium } from './chromium.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { digits, mlp, optimizer, split, train, useBackend } from '../../lib/index.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { controlledBy } from '../../operators/controlled-by.js';
import { monitorTap } from '../../operators/monitor-tap.js';
import { eventually } from './helpers.js';


// The page's own globals, inside page functions (this project compiles without the DOM types; the
// page's CSP forbids evaluating strings, so page code is passed as functions).
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = new URL('../../', import.meta.url).pathname;

const skip = skipWithoutChromium;

{
  t.test('the dashboard shows live runs, and its stop button stops a run', { skip }, async (t) => {
    await useBackend('auto');
    const { train: trainSet, validation } = split(digits(), { validation: 0.2, test: 0, seed: 1 });
    const monitor = await startMonitor({ token: 'browser-test' });
    t.teardown(() => monitor.close());

    const runs = [
      { run: 'adam-lr0.01', lr: 0.01, epochs: 100_000 }, // the one the test stops: only the stop button ends it (on a loaded machine 400 epochs could end first)
      { run: 'adam-lr0.003', lr: 0.003, epochs: 12 },
      { run: 'adam-lr0.0005', lr: 0.0005, epochs: 12 },
    ];
    const ended = new Map<string, boolean>();
    const streams = runs.map(({ run, lr, epochs }, i) => {
      const model = mlp({ inputShape: [64], units: [32], classes: 10, seed: i });
      const opt = optimizer({ name: 'adam', lr });
      return lastValueFrom(
        train(model, trainSet, { epochs, optimizer: opt, validation, batchSize: 64, seed: i }).pipe(
          controlledBy(monitor.commands, { run, optimizer: opt }),
          monitorTap(monitor, { run }),
          toArray(),
          tap(() => {
            ended.set(run, true);
            model.dispose();
            opt.dispose();
          }),
        ),
      );
    });

    const page = await openPage(t);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${monitor.url}?token=browser-test`);

    await page.waitForSelector('#status.open', { timeout: 120_000 });
    t.match(await page.textContent('#status'), /control/, 'the token in the page URL grants control');
    for (const { run } of runs) await page.waitForSelector(`tr[data-key="${run}"]`, { timeout: 120_000 });
    t.pass('a row per run');

    // The table updates live: the stopped-to-be run's epoch goes up while we watch.
    const epochOf = async (run: string) => Number(await page.textContent(`tr[data-key="${run}"] td:nth-child(3)`));
    const e1 = await epochOf('adam-lr0.01');
    await page.waitForFunction((e: number) => Number(document.querySelector('tr[data-key="adam-lr0.01"] td:nth-child(3)')?.textContent) > e + 1, e1, { timeout: 120_000 });
    t.ok((await epochOf('adam-lr0.01')) > e1 + 1, 'the epoch column moves');

    // Curves are on the chart's canvas (in colour: the grid and labels are grey).
    const inked = await inkedPixels(page, ['curves-canvas', 'curves-live-canvas'], { colouredOnly: true });
    t.ok(inked > 1000, `the chart has drawn curves (${inked} pixels in colour)`);

    // Let the two short runs finish, for the screenshot; then stop the long one from the page.
    await eventually(() => ended.get('adam-lr0.003') === true && ended.get('adam-lr0.0005') === true, undefined, 'the short runs');
    t.equal(ended.get('adam-lr0.01'), undefined, 'the long run is still training');
    await page.click('button.stop[data-run="adam-lr0.01"]');
    const events = await streams[0]!;
    const last = events.at(-1);
    t.match(last, { type: 'stopped', source: 'monitor', reason: 'stop button on the dashboard' }, "the run's stream ends with a 'stopped' event");
    const epochs = events.filter((e) => e.type === 'epochEnd').length;
    t.ok(epochs < 100_000, `stopped after ${epochs} of 100,000 epochs`);
    await page.waitForSelector('tr[data-key="adam-lr0.01"] .state.stopped', { timeout: 120_000 });
    t.pass('the table shows the run as stopped');
    t.same(pageErrors, [], 'no errors in the page');

    await page.waitForTimeout(300);
    mkdirSync(join(root, 'docs', 'img'), { recursive: true });
    await page.screenshot({ path: screenshotPath('monitor.png') });
    await Promise.all(streams);
  });
}
