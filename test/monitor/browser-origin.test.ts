// A web page on another origin, in real Chromium, must not read the monitor's stream: neither itself
// (its Origin is its own) nor through a sandboxed iframe (whose Origin is `null`). The monitor's own
// page still connects. Skipped where /usr/bin/chromium is missing.
import t from 'tap';
import { createServer } from 'node:http';
import { openPage, skipWithoutChromium } from './chromium.js';
import { startMonitor } from '../../lib/monitor/start-monitor.js';

// The page's own globals, inside page functions (this project compiles without the DOM types).
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A script that opens the monitor's stream and reports to `report` what came of it: the first message
 * (the leak; it then closes), or how the connection ended without one.
 */
const probe = (wsUrl: string, report: string): string => `
  const ws = new WebSocket(${JSON.stringify(wsUrl)});
  ws.onmessage = (m) => { (${report})({ messages: [String(m.data).slice(0, 300)], code: 0 }); ws.onclose = null; ws.close(); };
  ws.onclose = (e) => (${report})({ messages: [], code: e.code });
`;

t.test('a page on another port, and a sandboxed iframe in it, get nothing; the own page works', { skip: skipWithoutChromium }, async (t) => {
  const monitor = await startMonitor();
  t.teardown(() => monitor.close());
  monitor.publish('secret-run', { type: 'runStart', params: { apiKey: 'do-not-leak' } });
  monitor.publish('secret-run', { type: 'epochEnd', epoch: 0, metrics: { loss: 0.5 } });

  // The attacker's page: same machine, another port. It tries the stream itself, and from a sandboxed
  // iframe (no allow-same-origin), whose requests carry `Origin: null`.
  const frame = `<script>${probe(monitor.wsUrl, "(r) => parent.postMessage({ from: 'frame', ...r }, '*')")}</script>`;
  const page = `<!doctype html><title>attacker</title><body>
    <script>
      window.results = [];
      window.addEventListener('message', (e) => window.results.push(e.data));
      ${probe(monitor.wsUrl, "(r) => window.results.push({ from: 'page', ...r })")}
    </script>
    <iframe sandbox="allow-scripts" srcdoc="${frame.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe>`;
  const attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => attacker.close(() => resolve())));
  const attackerPort = (attacker.address() as { port: number }).port;

  const browser = await openPage(t);
  await browser.goto(`http://127.0.0.1:${attackerPort}/`);
  await browser.waitForFunction(() => window.results.length === 2, undefined, { timeout: 120_000 });
  const results = (await browser.evaluate(() => window.results)) as Array<{ from: string; messages: string[]; code: number }>;
  const byFrom = new Map(results.map((r) => [r.from, r]));
  t.same(byFrom.get('frame')?.messages, [], 'the sandboxed iframe (Origin: null) received nothing');
  t.same(byFrom.get('page')?.messages, [], 'the page on another port received nothing');
  t.equal(byFrom.get('frame')?.code, 1006, 'its handshake was refused');
  t.equal(byFrom.get('page')?.code, 1006, "and so was the page's");

  // The monitor's own page connects and shows the run.
  await browser.goto(monitor.url);
  await browser.waitForSelector('#status.open', { timeout: 120_000 });
  await browser.waitForSelector('tr[data-key="secret-run"]', { timeout: 120_000 });
  t.ok(await browser.evaluate(() => document.querySelector('tr[data-key="secret-run"]') !== null), "the monitor's own page reads the stream");
});
