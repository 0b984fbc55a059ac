// A page's run on a Node monitor (issue 21: "monitorTap can still send to a Node monitor over
// WebSocket"): a page served from another origin trains a tiny model with
// monitorTap(remoteMonitor(url, { token })) over the browser's own WebSocket, and a startMonitor in
// this process, started with a publishToken and the page's origin in allowedOrigins, gets every event
// of the run; its readers (a raw client, and the dashboard in a second page) see it as a run of its own. The
// same page on an origin the monitor does not list is refused at the handshake. The test waits on the
// records and the page's state, never on time. Skipped without Chromium.
import t from 'tap';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { openPage, skipWithoutChromium } from '../monitor/chromium.js';
import { rawClient } from '../monitor/helpers.js';
import { buildBrowser, startPageServer } from './page-server.js';

declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = skipWithoutChromium;
if (!skip) await buildBrowser();

const SCRIPT = `
import { lastValueFrom } from 'rxjs';
import { useBackend, mlp, train, fromArrays, remoteMonitor, createRandom } from 'rxtrain';
import { monitorTap } from 'rxtrain/operators';
const state = window.rxtrainTest;
const q = new URLSearchParams(location.search);
await useBackend('cpu');
state.statuses = [];
const monitor = remoteMonitor(q.get('monitor'), { token: q.get('token'), onStatus: (s) => state.statuses.push(s) });
const random = createRandom(1);
const x = Array.from({ length: 64 }, () => Array.from({ length: 4 }, () => random.float() * 2 - 1));
const y = x.map((r) => (r[0] > 0 ? [1, 0] : [0, 1]));
const model = mlp({ inputShape: [4], units: [8], classes: 2, seed: 1 });
await lastValueFrom(train(model, fromArrays(x.slice(0, 48), y.slice(0, 48)), { epochs: 3, batchSize: 16, validation: fromArrays(x.slice(48), y.slice(48)) }).pipe(monitorTap(monitor, { run: 'page-run' })));
model.dispose();
state.trained = true;
await monitor.close();
state.stats = monitor.stats();
state.done = true;
`;

t.test("a page's monitorTap(remoteMonitor(...)) reaches a Node monitor that lists the page's origin", { skip }, async (t) => {
  const server = await startPageServer(SCRIPT);
  t.teardown(() => server.close());
  const monitor = await startMonitor({ publishToken: 'page-secret', allowedOrigins: [server.origin], flushMs: 0 });
  t.teardown(() => monitor.close());
  const reader = await rawClient(monitor.wsUrl);
  const page = await openPage(t);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}?monitor=${encodeURIComponent(monitor.wsUrl)}&token=page-secret`);
  await reader.until((m) => m.type === 'events' && m.records.some((r) => r.run === 'page-run' && r.event.type === 'runEnd'));
  const types = reader.records.filter((r) => r.run === 'page-run').map((r) => r.event.type);
  t.equal(types[0], 'runStart', 'the run starts');
  t.equal(types.filter((e) => e === 'epochEnd').length, 3, 'its three epochs arrive');
  t.match(reader.records.find((r) => r.run === 'page-run' && r.event.type === 'epochEnd')!.event, { epoch: 1, metrics: { loss: Number, val_loss: Number } }, 'with their metrics');
  t.equal(types.at(-1), 'runEnd');
  t.match(reader.records.find((r) => r.event.type === 'runEnd')!.event, { state: 'completed' });
  await page.waitForFunction(() => window.rxtrainTest?.done || window.rxtrainTest?.error !== undefined, undefined, { timeout: 120_000 });
  const s = await page.evaluate(() => JSON.parse(JSON.stringify(window.rxtrainTest)));
  t.equal(s.error, undefined, 'no error in the page');
  t.same(errors, []);
  // 'open' is said when the monitor's hello arrives; a page that trains this fast may have sent every
  // event on the open socket and closed it before then. What must not appear: a refusal, an error, a
  // lost connection.
  const states: string[] = s.statuses.map((x: { state: string }) => x.state);
  t.equal(states[0], 'connecting');
  t.ok(states.every((x) => x === 'connecting' || x === 'open' || x === 'finished'), `no refusal, error or lost connection: ${states.join(', ')}`);
  t.match(s.stats, { sent: types.length, dropped: 0, queued: 0 }, 'the page sent every event, dropped none');

  // The monitor's dashboard shows the page's run as a run of its own.
  const dashboard = await openPage(t);
  await dashboard.goto(monitor.url);
  await dashboard.waitForSelector('tr[data-key="page-run"]', { timeout: 120_000 });
  await dashboard.waitForFunction(() => document.querySelector('tr[data-key="page-run"] td:nth-child(3)')?.textContent === '3', undefined, { timeout: 120_000 });
  t.pass("the dashboard lists the page's run, at epoch 3");
});

t.test('the same page on an origin the monitor does not list is refused at the handshake', { skip }, async (t) => {
  const server = await startPageServer(SCRIPT);
  t.teardown(() => server.close());
  const monitor = await startMonitor({ publishToken: 'page-secret' });
  t.teardown(() => monitor.close());
  const page = await openPage(t);
  await page.goto(`${server.url}?monitor=${encodeURIComponent(monitor.wsUrl)}&token=page-secret`);
  await page.waitForFunction(() => window.rxtrainTest?.error !== undefined || (window.rxtrainTest?.trained && window.rxtrainTest.statuses.some((s: { state: string }) => s.state === 'closed')), undefined, { timeout: 120_000 });
  const s = await page.evaluate(() => JSON.parse(JSON.stringify(window.rxtrainTest)));
  t.equal(s.error, undefined, 'publishing never fails the training');
  t.notOk(s.statuses.some((x: { state: string }) => x.state === 'open'), 'never let in');
  t.equal(monitor.stats().published, 0, 'the monitor published nothing of it');
});
