// The dashboard works offline (issue 17: "served from the package's own files, never a CDN"): with
// every request to an origin other than the monitor's own refused, the page loads, uPlot comes from
// the monitor (/uplot.js, /uplot.css, with the same security headers as the page's other files), the
// curves are drawn, and no content security policy is broken (uPlot styles its elements through the
// DOM, which the monitor's CSP allows, not through inline style attributes).
import t from 'tap';
import { startMonitor } from '../../lib/monitor/start-monitor.js';
import { inkedPixels, openPage, skipWithoutChromium } from './chromium.js';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

t.test('offline: the page and its chart library come from the monitor alone', { skip: skipWithoutChromium }, async (t) => {
  const monitor = await startMonitor({ token: 'offline' });
  t.teardown(() => monitor.close());
  const own = new URL(monitor.url).origin;
  const page = await openPage(t);
  const refused: string[] = [];
  const fromMonitor = new Map<string, Record<string, string>>();
  await page.context().route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === own) return route.continue();
    refused.push(url);
    return route.abort('internetdisconnected');
  });
  page.on('response', (r) => { if (r.url().startsWith(own)) fromMonitor.set(new URL(r.url()).pathname, r.headers()); });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e: any) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`)); // eslint-disable-line @typescript-eslint/no-explicit-any
  });
  await page.goto(`${monitor.url}?token=offline`);
  await page.waitForSelector('#status.open', { timeout: 120_000 });

  for (let trial = 0; trial < 3; trial++) {
    monitor.publish('offline', { type: 'trialStarted', trial, params: { lr: 0.01 * (trial + 1) }, time: 0 });
    for (let e = 1; e <= 20; e++) monitor.publish('offline', { type: 'epochEnd', trial, epoch: e, metrics: { loss: 1 / e + trial / 10 }, value: 1 / e + trial / 10 });
  }
  await page.waitForFunction((n: number) => window.__rxtrain?.stats().records >= n && window.__rxtrain.curves.points === 60 && window.__rxtrain.axes.ticks !== null, monitor.stats().published, { timeout: 120_000 });

  t.equal(await page.locator('#chart .uplot').count(), 2, 'uPlot built the chart: a layer of finished curves and one of running ones');
  const inked = await inkedPixels(page, ['curves-canvas', 'curves-live-canvas'], { colouredOnly: true });
  t.ok(inked > 1000, `the curves are drawn (${inked} pixels in colour)`);
  for (const path of ['/uplot.js', '/uplot.css']) {
    const h = fromMonitor.get(path);
    t.ok(h, `${path} came from the monitor`);
    t.match(h, { 'content-security-policy': /^default-src 'self'; /, 'x-content-type-options': 'nosniff' }, `${path}: served with the page's security headers`);
  }
  t.match(fromMonitor.get('/uplot.js'), { 'content-type': /^text\/javascript/ });
  t.match(fromMonitor.get('/uplot.css'), { 'content-type': /^text\/css/ });
  t.same(refused, [], 'the page asked for nothing beyond the monitor');
  t.same(await page.evaluate(() => window.__violations), [], 'no content security policy violation');
  t.same(consoleErrors, [], 'no errors in the console');
  t.same(pageErrors, [], 'no errors in the page');
});
