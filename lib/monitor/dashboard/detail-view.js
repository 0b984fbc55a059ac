// The detail panel of the trial table: everything the page knows of the selected run, trial or PBT
// member: its parameters in full, how it ended (value, best, error, duration), its attributes (a
// study's stored trial attributes), and every metric at every epoch. Redrawn only when it changed.

const fmtNum = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : Number(v.toPrecision(6)).toString()) : String(v));
const fmtDuration = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`);

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Key–value rows (a `dl`), skipping absent values. */
function pairs(entries) {
  const dl = el('dl', { class: 'pairs' });
  for (const [k, v] of entries) if (v !== undefined && v !== null && v !== '') dl.append(el('dt', {}, k), el('dd', {}, typeof v === 'number' ? fmtNum(v) : String(v)));
  return dl;
}

/** Every metric at every epoch: one row per epoch, one column per metric. */
function metricsTable(series) {
  const names = [...series.metrics.keys()].sort();
  const byEpoch = new Map();
  for (const name of names) for (const [epoch, v] of series.metrics.get(name)) {
    let row = byEpoch.get(epoch);
    if (!row) byEpoch.set(epoch, (row = {}));
    row[name] = v;
  }
  const table = el('table', { class: 'epochs' });
  const head = el('tr');
  head.append(el('th', {}, 'epoch'), ...names.map((n) => el('th', {}, n)));
  const thead = el('thead');
  thead.append(head);
  table.append(thead);
  const body = el('tbody');
  for (const epoch of [...byEpoch.keys()].sort((a, b) => a - b)) {
    const tr = el('tr');
    tr.append(el('td', { class: 'num' }, String(epoch)), ...names.map((n) => el('td', { class: 'num' }, byEpoch.get(epoch)[n] === undefined ? '' : fmtNum(byEpoch.get(epoch)[n]))));
    body.append(tr);
  }
  table.append(body);
  return table;
}

/**
 * @param root the panel's element
 * @param onClose called when its × is clicked
 */
export function createDetailView(root, onClose) {
  let drawnKey = null, drawnVersion = -1;
  return {
    /**
     * Show `s` (null: hide). `info`: what the table computed for it ({ name, state, objective, value,
     * best }); `version` tells when to redraw.
     */
    draw(s, info, version) {
      root.hidden = s === null;
      if (s === null) { drawnKey = null; return; }
      if (s.key === drawnKey && version === drawnVersion) return;
      drawnKey = s.key; drawnVersion = version;
      const close = el('button', { type: 'button', class: 'close', title: 'close', 'aria-label': 'close' }, '×');
      close.addEventListener('click', onClose);
      const title = el('div', { class: 'detail-title' });
      title.append(el('strong', {}, info.name), ' ', el('span', { class: `state ${info.state}` }, info.state), close);
      const parts = [title];
      const part = (heading, content) => {
        const div = el('div', { class: 'detail-part' });
        div.append(el('h3', {}, heading), content);
        parts.push(div);
      };
      part('result', pairs([
        [`${info.objective.metric} ${info.objective.direction === 'maximize' ? '↑' : '↓'}`, info.value],
        ['best', info.best],
        ['epochs', s.epoch >= 0 ? s.epoch + 1 : undefined],
        ['duration', typeof s.durationMs === 'number' ? fmtDuration(s.durationMs) : undefined],
        ['learning rate', s.lr],
        ['error', s.error],
        ['reason', s.reason],
        ['backend', s.backend],
      ]));
      const params = s.params ? Object.entries(s.params) : [];
      if (params.length) part('parameters', pairs(params));
      const attrs = s.attrs ? Object.entries(s.attrs) : [];
      if (attrs.length) part('attributes', pairs(attrs.map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v])));
      if (s.metrics.size) part('metrics per epoch', metricsTable(s));
      root.replaceChildren(...parts);
    },
  };
}
