// The served dashboard: one WebSocket to the monitor (reconnecting, resuming after the last record
// seen), feeding the views of ./dashboard-view.js (the same views `mountDashboard()` draws in a page).
import { createDashboardView } from './dashboard-view.js';

const page = new URL(location.href);
const token = page.searchParams.get('token');
// A storage dashboard (`rxtrain dashboard`) serves several studies: the page's ?study= picks one.
const study = page.searchParams.get('study');
const $ = (id) => document.getElementById(id);

// ---- connection ----------------------------------------------------------------------------------
// A monitor closed by its program says `finished` first: the page then shows the end and each run's
// result instead of retrying. A connection lost after every run ended is the same end. Otherwise it
// retries MAX_RETRIES times in a row (?retries=N, default 8: about 40 s), then says the monitor cannot
// be reached.
const MAX_RETRIES = Math.max(0, Number(page.searchParams.get('retries') ?? 8)) || 0;
let ws = null, instance = null, lastSeq = 0, failures = 0, control = false, finished = false;
/** Where the events come from: a storage (hello.source) or, absent, the program that started the monitor. */
let source = null;

function setStatus(text, cls) { const el = $('status'); el.textContent = text; el.className = `status ${cls}`; }

function connect() {
  const u = new URL('/events', location.href);
  u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) u.searchParams.set('token', token);
  if (study) u.searchParams.set('study', study);
  if (instance) { u.searchParams.set('instance', instance); u.searchParams.set('since', String(lastSeq)); }
  setStatus('connecting…', 'connecting');
  const sock = new WebSocket(u);
  ws = sock;
  sock.onmessage = (message) => {
    const msg = JSON.parse(message.data);
    if (msg.type === 'hello') {
      failures = 0;
      if (msg.instance !== instance) { lastSeq = 0; }
      instance = msg.instance;
      control = msg.control;
      source = msg.source ?? null;
      $('controls').hidden = !control;
      if (source) showSource(source);
      setStatus(source ? `live · following ${source.storage} storage · read-only` : control ? 'live · control' : 'live · read-only', 'open');
      m.version++;
    } else if (msg.type === 'events') {
      for (const r of msg.records) { if (r.seq > lastSeq) { lastSeq = r.seq; m.apply(r); } }
    } else if (msg.type === 'finished') {
      finished = true;
    } else if (msg.type === 'error') {
      console.warn('monitor refused a message:', msg.code, msg.message);
    }
  };
  sock.onclose = (ev) => {
    if (ws !== sock) return;
    ws = null;
    $('controls').hidden = true;
    m.version++;
    const runs = new Set([...m.series.values()].map((s) => s.run));
    if (finished && source) {
      // The study goes on in its storage; only this dashboard ended.
      setStatus(`the dashboard was stopped (rxtrain dashboard ended): ${results()}`, 'finished');
      return;
    }
    if (finished || (runs.size > 0 && [...runs].every((r) => m.ended.has(r)))) {
      setStatus(`finished${finished ? '' : ` (connection closed, ${ev.code})`}: ${results()}`, 'finished');
      return;
    }
    if (failures >= MAX_RETRIES) {
      setStatus(`cannot reach the monitor: gave up after ${failures} attempts (last close code ${ev.code}); reload the page to try again`, 'unreachable');
      return;
    }
    const delay = Math.min(10000, 250 * 2 ** failures++);
    setStatus(`disconnected (${ev.code}); retry ${failures} of ${MAX_RETRIES} in ${(delay / 1000).toFixed(1)} s`, 'closed');
    setTimeout(connect, delay);
  };
}

/** A storage dashboard: the study's name in the title, and a way to the study list. */
function showSource(src) {
  document.title = `${src.study} · rxtrain dashboard`;
  $('title').textContent = `rxtrain · ${src.study}`;
  const a = $('studies-link');
  a.hidden = false;
  a.href = token ? `/studies?token=${encodeURIComponent(token)}` : '/studies';
}

function send(cmd) { if (ws && ws.readyState === WebSocket.OPEN && control) ws.send(JSON.stringify(cmd)); }

const view = createDashboardView({ send, canCommand: () => control && ws !== null, stats: () => ({ lastSeq }) });
const m = view.model;
const results = () => view.results(source);

connect();
view.start();
