// The lineage view of a PBT run: one row per member over the epochs, coloured by one hyperparameter
// as it changes (its schedule), and an arrow at each exploit from the donor's row to the member that
// copied it. Drawing is incremental: rows grow, new schedule steps, exploits and failures are
// appended, and everything is redrawn only when a scale changes (the epoch axis grows with head-room,
// the colour scale when a value leaves the padded range it had). Up to ARROW_BUDGET exploits, each
// arrow is an element of its own (with a tooltip; exploits on the same pixel column between the same
// two members share one, its `data-n` counting them); past it, arrows are drawn in bulk, BULK_CHUNK to
// a path (its `data-n` says how many), fainter the more there are, so a long run costs a bounded number
// of elements and stays legible as a density. A schedule step less than 3 px after the previous one
// replaces it.
import { fmtNum, fmtParams, niceCeil, setAttrs, svgEl, svgText, svgTitle, tickStep, viridis } from './svg.js';

const PAD = { l: 92, r: 24, t: 36, b: 30 };
const ARROW_BUDGET = 800;
const BULK_CHUNK = 250;
const CATEGORY_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The colour scale of one hyperparameter over every value it took in the run. */
function colourScale(l, name) {
  const values = [];
  for (const x of l.members.values()) for (const s of x.schedule) if (s.params && s.params[name] !== undefined) values.push(s.params[name]);
  if (values.length && values.every((v) => typeof v === 'number')) {
    let lo = Math.min(...values), hi = Math.max(...values);
    const log = lo > 0 && hi / lo > 20;
    if (lo === hi) { lo = lo - (Math.abs(lo) || 1) * 0.1; hi = hi + (Math.abs(hi) || 1) * 0.1; }
    const f = log ? Math.log10 : (v) => v;
    return { key: `${lo}|${hi}|${log}`, lo, hi, log, colour: (v) => (typeof v === 'number' ? viridis((f(v) - f(lo)) / (f(hi) - f(lo) || 1)) : '#bbb') };
  }
  const cats = [...new Set(values.map(String))].sort();
  return { key: cats.join('|'), cats, colour: (v) => (v === undefined ? '#bbb' : CATEGORY_COLOURS[cats.indexOf(String(v)) % CATEGORY_COLOURS.length]) };
}

/** Whether the values fit the scale drawn (numbers inside its range; no new category). */
function fitsDomain(scale, values) {
  if (scale.cats) return values.cats !== undefined && values.cats.every((c) => scale.cats.includes(c));
  return values.lo !== undefined && values.lo >= scale.lo && values.hi <= scale.hi && values.log === scale.log;
}

/** A numeric scale widened by 15 % of its span (in its own units) each way. */
function padDomain(values) {
  if (values.cats || values.lo === undefined) return values;
  const f = values.log ? Math.log10 : (v) => v;
  const inv = values.log ? (v) => 10 ** v : (v) => v;
  const a = f(values.lo), b = f(values.hi), pad = (b - a) * 0.15;
  let lo = inv(a - pad), hi = inv(b + pad);
  // A parameter whose values are all ≥ 0 keeps a floor of 0 on a linear scale.
  if (!values.log && values.lo >= 0 && lo < 0) lo = 0;
  return { ...values, key: `${lo}|${hi}|${values.log}`, lo, hi, colour: (v) => (typeof v === 'number' ? viridis((f(v) - f(lo)) / (f(hi) - f(lo) || 1)) : '#bbb') };
}

export function createLineageView(container) {
  const svg = svgEl('svg', { class: 'view-svg lineage-svg' }, container);
  const defs = svgEl('defs', {}, svg);
  const head = svgEl('marker', { id: 'lineage-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, defs);
  svgEl('path', { d: 'M0,0L10,5L0,10z', class: 'arrow-head' }, head);
  const tail = svgEl('marker', { id: 'lineage-dot', viewBox: '0 0 10 10', refX: 5, refY: 5, markerWidth: 5, markerHeight: 5, markerUnits: 'userSpaceOnUse' }, defs);
  svgEl('circle', { cx: 5, cy: 5, r: 5, class: 'arrow-tail' }, tail);
  const gradient = svgEl('linearGradient', { id: 'lineage-gradient' }, defs);
  for (let i = 0; i <= 4; i++) svgEl('stop', { offset: `${i * 25}%`, 'stop-color': viridis(i / 4) }, gradient);
  const gAxes = svgEl('g', { class: 'axes' }, svg);
  const gRows = svgEl('g', { class: 'rows' }, svg);
  const gArrows = svgEl('g', { class: 'exploits' }, svg);
  const gMarks = svgEl('g', { class: 'failures' }, svg);
  const gLabels = svgEl('g', { class: 'labels' }, svg);
  const gLegend = svgEl('g', { class: 'legend' }, svg);
  const hover = svgEl('rect', { class: 'row-hover', x: 0, y: 0, width: 0, height: 0 }, svg);
  const tip = document.createElement('div');
  tip.className = 'tooltip';
  tip.hidden = true;
  container.append(tip);

  let shown = null; // the lineage drawn
  let layout = null;
  let xMax = 0;
  let rows = new Map(); // member → { g, segs: [{ el, x0 }], sched, count }
  let labels = new Map();
  let arrows = new Map(); // `${px}|${donor}|${member}` → { el, n, title }
  let arrowsDrawn = 0, failuresDrawn = 0;
  let bulk = null; // { line, heads, n, d, h }: the chunk arrows are appended to, past the budget
  let bulkFrom = 0; // arrows from this index on are drawn in bulk
  let bulkOpacity = 0.3;
  let colourDomain = null;
  let geometry = null; // for hovering: { X, rowH, plotW, P }
  let colourName = null;

  const clear = () => {
    for (const g of [gAxes, gRows, gArrows, gMarks, gLabels, gLegend]) g.replaceChildren();
    rows = new Map(); labels = new Map(); arrows = new Map();
    arrowsDrawn = 0; failuresDrawn = 0;
    bulk = null;
    layout = null;
  };

  const legend = (w, scale, name) => {
    gLegend.replaceChildren();
    svgText(gLegend, PAD.l, 16, `colour: ${name ?? '—'}${scale.log ? ' (log)' : ''}`, { class: 'legend-text' });
    let x = PAD.l + 160;
    if (scale.cats) {
      scale.cats.slice(0, 8).forEach((c) => {
        svgEl('rect', { x, y: 8, width: 10, height: 10, fill: scale.colour(c) }, gLegend);
        svgText(gLegend, x + 14, 17, c, { class: 'legend-text' });
        x += 24 + c.length * 6.5;
      });
    } else if (scale.lo !== undefined) {
      svgText(gLegend, x, 17, fmtNum(scale.lo), { class: 'legend-text', 'text-anchor': 'end' });
      svgEl('rect', { x: x + 4, y: 8, width: 120, height: 10, fill: 'url(#lineage-gradient)' }, gLegend);
      svgText(gLegend, x + 128, 17, fmtNum(scale.hi), { class: 'legend-text' });
      x += 190;
    }
    svgEl('path', { d: `M${x},8 Q${x + 14},10 ${x + 22},18`, class: 'exploit', 'marker-end': 'url(#lineage-arrow)', 'marker-start': 'url(#lineage-dot)' }, gLegend);
    svgText(gLegend, x + 30, 17, 'exploit: donor (dot) → member (arrow)', { class: 'legend-text' });
  };

  const hide = () => { tip.hidden = true; setAttrs(hover, { width: 0 }); };
  svg.addEventListener('mouseleave', hide);
  svg.addEventListener('mousemove', (ev) => {
    if (!shown || !geometry) return hide();
    const box = svg.getBoundingClientRect();
    const px = ev.clientX - box.left, py = ev.clientY - box.top;
    const member = Math.floor((py - PAD.t) / geometry.rowH);
    const x = shown.members.get(member);
    if (!x || px < 0) return hide();
    const epoch = Math.max(0, Math.min(x.epoch, Math.round(((px - PAD.l) / geometry.plotW) * xMax)));
    setAttrs(hover, { x: 0, y: PAD.t + member * geometry.rowH, width: box.width, height: geometry.rowH });
    tip.replaceChildren();
    const line = (text, cls) => { const d = document.createElement('div'); d.textContent = text; if (cls) d.className = cls; tip.append(d); };
    const inForce = [...x.schedule].reverse().find((s) => s.epoch <= epoch) || x.schedule[0];
    line(`member ${member}${shown.best === member ? ' ★ best' : ''} · epoch ${epoch} of ${x.epoch}${x.value !== undefined ? ` · value ${fmtNum(x.value)}` : ''}`, 'tip-head');
    if (inForce) line(`in force: ${fmtParams(inForce.params)}`);
    line('its schedule:', 'tip-sub');
    for (const s of x.schedule.slice(-8)) line(`  from epoch ${s.epoch + 1}: ${fmtParams(s.params)}`);
    if (x.schedule.length > 8) line(`  (${x.schedule.length - 8} earlier steps)`);
    const copies = shown.exploits.filter((e) => e.member === member);
    if (copies.length) line(`copied: ${copies.slice(-6).map((e) => `member ${e.donor} after epoch ${e.epoch}`).join(', ')}${copies.length > 6 ? ` (+${copies.length - 6} earlier)` : ''}`);
    if (x.inherited && x.inherited.length) line(`its final weights' schedule: ${x.inherited.slice(-6).map((s) => `from ${s.epoch}: ${fmtParams(s.params)}`).join(' · ')}`);
    tip.hidden = false;
    const tx = Math.min(px + 14, box.width - tip.offsetWidth - 4);
    const ty = py + 14 + tip.offsetHeight > box.height ? py - tip.offsetHeight - 8 : py + 14;
    tip.style.left = `${Math.max(0, tx)}px`;
    tip.style.top = `${Math.max(0, ty)}px`;
  });

  return {
    /** l: the run's lineage model (or undefined); name: the hyperparameter that colours the rows. */
    draw(l, name) {
      const w = container.clientWidth, h = container.clientHeight;
      if (!l || l.members.size === 0) {
        if (shown !== null || layout === null) { clear(); svgText(gAxes, PAD.l, PAD.t + 30, 'no PBT run yet: tap a pbt() stream with monitorTap', { class: 'placeholder' }); layout = 'empty'; }
        shown = null;
        return { members: 0, arrows: 0, exploits: 0 };
      }
      if (shown !== l) { clear(); shown = l; xMax = 0; colourDomain = null; }
      if (l.maxEpoch > xMax || xMax === 0) xMax = niceCeil(Math.max(4, l.maxEpoch * 1.2));
      const P = Math.max(...l.members.keys()) + 1;
      const values = colourScale(l, name);
      // Keep the colour scale while the values stay in it (padded), so that a run that explores does
      // not redraw everything at each new extreme.
      if (!colourDomain || colourDomain.name !== name || !fitsDomain(colourDomain.scale, values)) colourDomain = { name, scale: padDomain(values) };
      const scale = colourDomain.scale;
      const key = `${w}x${h}|${xMax}|${P}|${name}|${scale.key}`;
      const plotW = w - PAD.l - PAD.r, plotH = h - PAD.t - PAD.b;
      const rowH = plotH / P;
      const X = (e) => PAD.l + (e / xMax) * plotW;
      const Y = (m) => PAD.t + (m + 0.5) * rowH;
      geometry = { rowH, plotW };
      if (key !== layout) {
        clear();
        layout = key;
        // Many exploits already: all in bulk, faint in proportion; else one element each, up to the budget.
        bulkFrom = l.exploits.length > ARROW_BUDGET ? 0 : ARROW_BUDGET;
        bulkOpacity = Math.max(0.05, Math.min(0.35, (0.5 * plotW) / Math.max(1, l.exploits.length)));
        colourName = name;
        legend(w, scale, name);
        const step = Math.max(1, tickStep(xMax / 7));
        for (let e = 0; e <= xMax; e += step) {
          const x = X(e);
          svgEl('line', { x1: x, x2: x, y1: PAD.t, y2: h - PAD.b, class: 'grid' }, gAxes);
          svgText(gAxes, x, h - PAD.b + 14, String(Math.round(e)), { class: 'tick', 'text-anchor': 'middle' });
        }
        svgText(gAxes, PAD.l, h - 4, 'epoch', { class: 'axis-title' });
      }
      const width = Math.max(2, Math.min(10, rowH * 0.45));
      for (const [member, x] of l.members) {
        let r = rows.get(member);
        if (!r) {
          r = { g: svgEl('g', { class: 'member-row', 'data-member': member }, gRows), segs: [], sched: null, count: 0 };
          rows.set(member, r);
          // Thin rows: a label every few members (the tooltip names any row).
          const every = Math.ceil(11 / rowH);
          const label = svgText(gLabels, PAD.l - 8, Y(member) + 4, `member ${member}`, { class: 'row-label', 'text-anchor': 'end' });
          if (member % every !== 0) label.setAttribute('visibility', 'hidden');
          labels.set(member, label);
        }
        if (r.sched !== x.schedule) { r.g.replaceChildren(); r.segs = []; r.count = 0; r.sched = x.schedule; }
        for (; r.count < x.schedule.length; r.count++) {
          const s = x.schedule[r.count];
          const x0 = X(s.epoch);
          const colour = scale.colour(s.params ? s.params[colourName] : undefined);
          const last = r.segs[r.segs.length - 1];
          if (last && x0 - last.x0 < 3) {
            setAttrs(last.el, { stroke: colour });
            continue;
          }
          if (last) setAttrs(last.el, { x2: x0.toFixed(1) });
          const el = svgEl('line', { x1: x0.toFixed(1), x2: x0.toFixed(1), y1: Y(member).toFixed(1), y2: Y(member).toFixed(1), stroke: colour, 'stroke-width': width.toFixed(1), class: 'segment', 'data-epoch': s.epoch }, r.g);
          r.segs.push({ el, x0 });
        }
        const last = r.segs[r.segs.length - 1];
        if (last) setAttrs(last.el, { x2: Math.max(last.x0, X(x.epoch)).toFixed(1) });
        const label = labels.get(member);
        const best = l.best === member;
        setAttrs(label, { class: best ? 'row-label best' : 'row-label' });
        const text = best ? `★ member ${member}` : `member ${member}`;
        if (best) label.removeAttribute('visibility');
        if (label.textContent !== text) label.textContent = text;
      }
      // Bulk paths are written once per drawing, not once per arrow (the browser parses `d` anew each time).
      const dirty = new Set();
      for (; arrowsDrawn < l.exploits.length; arrowsDrawn++) {
        const e = l.exploits[arrowsDrawn];
        const px = Math.round(X(e.epoch));
        const y0 = Y(e.donor), y1 = Y(e.member);
        const bend = Math.min(40, 6 + Math.abs(y1 - y0) * 0.25);
        const tip = y1 + (y1 > y0 ? -width / 2 : width / 2);
        const d = `M${px},${y0.toFixed(1)}Q${(px + bend).toFixed(1)},${((y0 + y1) / 2).toFixed(1)} ${px},${tip.toFixed(1)}`;
        if (arrowsDrawn >= bulkFrom) {
          // Past the budget: in bulk, the curve into one path, its head (a small triangle) into another.
          if (!bulk || bulk.n >= BULK_CHUNK) {
            bulk = { line: svgEl('path', { class: 'exploit bulk', d: '' }, gArrows), heads: svgEl('path', { class: 'arrow-head bulk', d: '' }, gArrows), n: 0, d: '', h: '' };
            // Through the CSSOM: the page's CSP refuses inline style attributes, and CSS beats SVG attributes.
            bulk.line.style.strokeOpacity = String(bulkOpacity);
            bulk.heads.style.fillOpacity = String(bulkOpacity);
          }
          const dir = y1 > y0 ? -1 : 1;
          bulk.d += d;
          bulk.h += `M${px},${tip.toFixed(1)}l-3.5,${(7 * dir).toFixed(1)}h7z`;
          bulk.n++;
          dirty.add(bulk);
          continue;
        }
        const k = `${px}|${e.donor}|${e.member}`;
        const about = `after epoch ${e.epoch}: member ${e.member} (${fmtNum(e.value)}) copied member ${e.donor} (${fmtNum(e.donorValue)})`;
        const a = arrows.get(k);
        if (a) {
          a.n++;
          a.el.setAttribute('data-n', String(a.n));
          a.title.textContent = `${about} · ×${a.n}`;
          continue;
        }
        const el = svgEl('path', { d, class: 'exploit', 'marker-end': 'url(#lineage-arrow)', 'marker-start': 'url(#lineage-dot)', 'data-n': 1, 'data-epoch': e.epoch, 'data-donor': e.donor, 'data-member': e.member }, gArrows);
        arrows.set(k, { el, n: 1, title: svgTitle(el, about) });
      }
      for (const b of dirty) {
        b.line.setAttribute('d', b.d);
        b.heads.setAttribute('d', b.h);
        b.line.setAttribute('data-n', String(b.n));
      }
      for (; failuresDrawn < l.failures.length; failuresDrawn++) {
        const f = l.failures[failuresDrawn];
        const x = X(f.epoch), y = Y(f.member);
        const el = svgEl('path', { d: `M${x - 4},${y - 4}l8,8m0,-8l-8,8`, class: 'failure' }, gMarks);
        svgTitle(el, `member ${f.member} failed after epoch ${f.epoch}: ${f.error}`);
      }
      return { members: l.members.size, arrows: arrows.size + (bulk ? gArrows.querySelectorAll('path.exploit.bulk').length : 0), exploits: l.exploits.length };
    },
  };
}
