// The study list page of a storage dashboard (`rxtrain dashboard` on a storage with several studies):
// each study with its trials by state and its best, refreshed every 2 s; a study's name opens its page.
import { studyRows } from './studies-model.js';

const page = new URL(location.href);
const token = page.searchParams.get('token');
const $ = (id) => document.getElementById(id);

const wanted = page.searchParams.get('study');
if (wanted !== null) {
  $('notice').hidden = false;
  $('notice').textContent = `no study named ${JSON.stringify(wanted)} in this storage: choose one below`;
}

function link(name) {
  const u = new URL('/', location.href);
  u.searchParams.set('study', name);
  if (token) u.searchParams.set('token', token);
  return u.pathname + u.search;
}

function cell(tr, text, cls, title) {
  const td = document.createElement('td');
  if (cls) td.className = cls;
  if (title) td.title = title;
  td.textContent = text;
  tr.append(td);
  return td;
}

function render(data) {
  const rows = studyRows(data.studies, Date.now());
  const body = $('studies').tBodies[0];
  body.replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.study = r.name;
    const a = document.createElement('a');
    a.href = link(r.name);
    a.textContent = r.name;
    cell(tr, '').append(a);
    cell(tr, r.objective, 'metric');
    for (const k of ['trials', 'running', 'completed', 'pruned', 'failed']) cell(tr, String(r[k]), 'num');
    cell(tr, r.best, 'num');
    cell(tr, r.params, 'params clip', r.params);
    cell(tr, r.activity, '', r.activityTitle);
    return tr;
  }));
  $('summary').textContent = `${rows.length} ${rows.length === 1 ? 'study' : 'studies'} in ${data.storage} storage`;
  if (rows.length === 0) { $('notice').hidden = false; $('notice').textContent = 'this storage holds no study yet: this page updates when one appears'; }
  else if (wanted === null) $('notice').hidden = true;
}

async function refresh() {
  try {
    const res = await fetch(`/studies.json${token ? `?token=${encodeURIComponent(token)}` : ''}`, { cache: 'no-store' });
    const data = await res.json();
    if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
    render(data);
    $('status').textContent = 'live · read-only';
    $('status').className = 'status open';
  } catch (err) {
    $('status').textContent = `cannot read the studies: ${err.message}`;
    $('status').className = 'status unreachable';
  }
  setTimeout(refresh, 2000);
}

refresh();
