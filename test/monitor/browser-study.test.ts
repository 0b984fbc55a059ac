// A study on the dashboard in real Chromium: trials appear with their parameters, pruned ones are
// marked, the best is starred, and "stop" on a running trial ends that trial (the study goes on).
// Skipped where /usr/bin/chromium is missing. Saves docs/img/monitor-study.png.
import t from 'tap';
import { inkedPixels, openPage, screenshotPath, skipWithoutChromium } from './chromium.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { finalize, lastValueFrom, toArray } from 'rxjs';
import { digits, int, logUniform, medianPruner, mlp, optimizer, randomSampler, space, split, study, train, useBackend } from '../../lib/index.js';
import { prune } from '../../operators/prune.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { controlledBy } from '../../operators/controlled-by.js';
import { monitorTap } from '../../operators/monitor-tap.js';


// The page's own globals, inside page functions (this project compiles without the DOM types; the
// page's CSP forbids evaluating strings, so page code is passed as functions).
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = new URL('../../', import.meta.url).pathname;
const skip = skipWithoutChromium;

t.test('a study on the dashboard: trials, parameters, pruning, best, stop one trial', { skip }, async (t) => {
  await useBackend('auto');
  const { train: trainSet, validation } = split(digits(), { validation: 0.2, test: 0, seed: 1 });
  const monitor = await startMonitor({ token: 'study-test' });
  t.teardown(() => monitor.close());

  const page = await openPage(t);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${monitor.url}?token=study-test`);
  await page.waitForSelector('#status.open', { timeout: 120_000 });

  const s = study({
    name: 'browser-study',
    direction: 'maximize',
    metric: 'val_accuracy',
    space: space({ lr: logUniform(3e-4, 3e-2), units: int(8, 64, { log: true }) }),
    sampler: randomSampler({ seed: 5 }),
    pruner: medianPruner({ nWarmupSteps: 3 }),
    seed: 5,
  });
  const epochsOf = (n: number) => (n === 0 ? 100_000 : 15); // trial 0 runs until the test stops it (300 epochs could end first on a loaded machine)
  const done = lastValueFrom(
    s
      .optimize(
        (trial) => {
          const model = mlp({ inputShape: [64], units: [trial.params.units], classes: 10, seed: trial.seed });
          const opt = optimizer({ name: 'adam', lr: trial.params.lr });
          return train(model, trainSet, { epochs: epochsOf(trial.number), optimizer: opt, validation, batchSize: 64, seed: trial.seed }).pipe(
            controlledBy(monitor.commands, { run: 'search', trial: trial.number, optimizer: opt }),
            prune(trial),
            finalize(() => {
              model.dispose();
              opt.dispose();
            }),
          );
        },
        { trials: 10, concurrency: 3 },
      )
      .pipe(monitorTap(monitor, { run: 'search' }), toArray()),
  );

  await page.waitForSelector('tr[data-key="search#0"] button.stop', { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelectorAll('#trials tbody tr').length >= 6, undefined, { timeout: 120_000 });
  t.match(await page.textContent('tr[data-key="search#1"] td.params'), /lr=[\d.e-]+ units=\d+/, 'parameters in the table');
  // Wait until trial 0 is the only one still running (the others finished or were pruned).
  await page.waitForFunction(() => [...document.querySelectorAll('#trials tbody tr')].filter((r: any) => r.querySelector('.state.running')).length <= 1 && document.querySelectorAll('#trials tbody tr').length >= 10, undefined, { timeout: 180_000 });
  await page.click('button.stop[data-run="search"][data-trial="0"]');
  const events = await done;
  const trial0 = s.trials().find((x) => x.number === 0);
  t.equal(trial0?.state, 'completed', 'a stopped trial ends as completed, with its last value');
  const epochs0 = events.filter((e) => e.type === 'epochEnd' && (e as { trial?: number }).trial === 0).length;
  t.ok(epochs0 < 100_000, `trial 0 stopped after ${epochs0} of 100,000 epochs`);
  t.ok(events.some((e) => e.type === 'studyCompleted'), 'the study went on to the end');
  await page.waitForSelector('tr[data-key="search#0"] .state.stopped', { timeout: 120_000 });
  t.pass('the table shows trial 0 as stopped');
  await page.waitForSelector('tr.best', { timeout: 120_000 });
  t.match(await page.textContent('tr.best td:first-child'), /★/, 'the best trial is starred');
  const pruned = events.filter((e) => e.type === 'trialPruned').length;
  if (pruned > 0) await page.waitForSelector('.state.pruned', { timeout: 120_000 });
  t.comment(`${pruned} trials pruned`);
  t.same(pageErrors, [], 'no errors in the page');
  await page.selectOption('#metric', 'val_accuracy');
  await page.waitForTimeout(500);
  mkdirSync(join(root, 'docs', 'img'), { recursive: true });
  await page.screenshot({ path: screenshotPath('monitor-study.png') });

  await page.click('#tab-parallel');
  await page.waitForTimeout(500);
  const inked = await inkedPixels(page, ['parallel-canvas']);
  t.ok(inked > 2000, `the parameters view draws a line per trial (${inked} pixels)`);
  t.same(pageErrors, [], 'no errors in the parameters view');
  await page.screenshot({ path: screenshotPath('monitor-parameters.png') });
});
