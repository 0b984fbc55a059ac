// The trial table in real Chromium: sorted by a header, filtered by text, by parameter range and by
// state from the filter box, with the parameters on one line and the whole text on hover.
import t from 'tap';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { openDashboard, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

t.test('sort, filter and search the trial table', { skip: skipWithoutChromium }, async (t) => {
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  const { page, pageErrors } = await openDashboard(t, monitor.url);
  const ends = ['completed', 'pruned', 'completed', 'failed', 'completed', 'running', 'completed', 'pruned', 'completed', 'completed'];
  for (let n = 0; n < ends.length; n++) {
    const params = { lr: 0.001 * 2 ** n, units: 16 * (n + 1), optimizer: n % 3 === 0 ? 'sgd' : 'adam', dropout: 0.05 * n, weightDecay: 1e-5, batchSize: 64, schedule: 'cosine-with-warm-restarts' };
    monitor.publish('s', { type: 'trialStarted', trial: n, params, time: 0, direction: 'maximize', metric: 'acc' });
    const epochs = n + 1;
    for (let e = 0; e < epochs; e++) monitor.publish('s', { type: 'epochEnd', trial: n, epoch: e, metrics: { acc: 0.5 + n / 40 + e / 100 }, value: 0.5 + n / 40 + e / 100 });
    const value = 0.5 + n / 40 + (epochs - 1) / 100;
    if (ends[n] === 'completed') monitor.publish('s', { type: 'trialCompleted', trial: n, value, params, durationMs: 1 });
    if (ends[n] === 'pruned') monitor.publish('s', { type: 'trialPruned', trial: n, value, durationMs: 1 });
    if (ends[n] === 'failed') monitor.publish('s', { type: 'trialFailed', trial: n, error: 'boom', durationMs: 1 });
  }
  await page.waitForFunction(() => document.querySelectorAll('#trials tbody tr').length === 10, undefined, { timeout: 120_000 });
  const shown = (): Promise<string[]> => page.evaluate(() => [...document.querySelectorAll('#trials tbody tr')].map((r: any) => r.dataset.key));
  const filter = async (text: string, count: number): Promise<string[]> => {
    await page.fill('#table-filter', text);
    await page.waitForFunction((n: number) => document.querySelectorAll('#trials tbody tr').length === n, count, { timeout: 120_000 });
    return shown();
  };

  t.same(await shown(), ['s#9', 's#8', 's#7', 's#6', 's#5', 's#4', 's#3', 's#2', 's#1', 's#0'], 'sorted best first by default (acc: up)');
  await page.click('th[data-sort="epoch"]');
  await page.waitForFunction(() => document.querySelector('#trials tbody tr')?.dataset.key === 's#0', undefined, { timeout: 120_000 });
  await page.click('th[data-sort="epoch"]');
  await page.waitForFunction(() => document.querySelector('#trials tbody tr')?.dataset.key === 's#9', undefined, { timeout: 120_000 });
  t.pass('a header sorts by its column, a second click reverses');

  t.same((await filter('lr<0.01', 4)).sort(), ['s#0', 's#1', 's#2', 's#3']);
  t.same((await filter('lr<0.01 units>=48', 2)).sort(), ['s#2', 's#3'], 'every word must pass');
  t.same((await filter('state:pruned,failed', 3)).sort(), ['s#1', 's#3', 's#7']);
  t.same((await filter('optimizer=sgd', 4)).sort(), ['s#0', 's#3', 's#6', 's#9']);
  t.same(await filter('s #5', 1), ['s#5'], 'text search in the name');
  t.match(await page.textContent('#table-info'), /1 of 10 runs\/trials \(1 pass the filter\)/);
  await page.fill('#table-filter', 'lr<abc');
  await page.waitForSelector('#table-filter.bad', { timeout: 120_000 });
  t.equal(await page.getAttribute('#table-filter', 'title'), 'lr<abc: < needs a number', 'a filter it cannot read is said');
  await filter('', 10);

  const cell = page.locator('tr[data-key="s#9"] td.params');
  const full = await cell.getAttribute('title');
  t.match(full, /^lr=0\.512 units=160 optimizer=sgd dropout=0\.45 weightDecay=0\.00001 batchSize=64 schedule=cosine-with-warm-restarts$/, 'the whole text on hover');
  const box = await cell.boundingBox();
  t.ok(box !== null && box.height < 30, `parameters on one line (${box?.height} px high)`);

  // The detail panel of a row: its parameters, result, attributes and every metric at every epoch.
  monitor.publish('s', { type: 'trialAttrs', trial: 3, attrs: { worker: 'host-b:4242', evolve: { generation: 1 } } });
  await page.click('tr[data-key="s#3"] td:first-child');
  await page.waitForSelector('#detail:not([hidden]) .detail-title', { timeout: 120_000 });
  const text = await page.textContent('#detail');
  t.match(text, /s #3\s*failed/, 'its name and state');
  t.match(text, /errorboom/, 'its error');
  t.match(text, /duration1 ms/, 'its duration');
  t.match(text, /optimizersgd/, 'its parameters');
  t.match(text, /schedulecosine-with-warm-restarts/, 'in full');
  await page.waitForFunction(() => /workerhost-b:4242/.test(document.querySelector('#detail')?.textContent ?? ''), undefined, { timeout: 120_000 });
  t.match(await page.textContent('#detail'), /evolve\{"generation":1\}/, 'its attributes');
  t.same(await page.evaluate(() => [...document.querySelectorAll('#detail table.epochs tbody tr')].map((r: any) => r.textContent)), ['00.575', '10.585', '20.595', '30.605'], 'every epoch of its metric');
  await page.click('#detail button.close');
  await page.waitForSelector('#detail[hidden]', { state: 'attached', timeout: 120_000 });
  t.pass('closed by its ×');
  t.same(pageErrors, [], 'no errors on the page');
});
