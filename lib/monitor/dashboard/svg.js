// Small helpers shared by the SVG views.

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** A new SVG element with attributes, appended to `parent` when given. */
export function svgEl(tag, attrs, parent) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (parent) parent.append(e);
  return e;
}

/** Set attributes, touching only those that changed. */
export function setAttrs(e, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    const s = String(v);
    if (e.getAttribute(k) !== s) e.setAttribute(k, s);
  }
}

export function svgText(parent, x, y, text, attrs) {
  const t = svgEl('text', { x, y, ...(attrs || {}) }, parent);
  t.textContent = text;
  return t;
}

/** A `<title>` child: the browser's own tooltip. */
export function svgTitle(parent, text) {
  const t = document.createElementNS(SVG_NS, 'title');
  t.textContent = text;
  parent.append(t);
  return t;
}

/** The smallest "nice" number ≥ x (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k). */
export function niceCeil(x) {
  if (x <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/** A tick step of 1, 2 or 5 × 10^k, at least x. */
export function tickStep(x) {
  const p = 10 ** Math.floor(Math.log10(Math.max(x, 1e-12)));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export const fmtNum = (v) => (typeof v !== 'number' ? '' : Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : Number(v.toPrecision(4)).toString());
export const fmtParams = (p) => (p ? Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join(' ') : '');

// Viridis, sampled: dark (low) to yellow (high).
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

/** Colour for t in [0, 1]. */
export function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return `rgb(${Math.round(a[0] + (b[0] - a[0]) * f)},${Math.round(a[1] + (b[1] - a[1]) * f)},${Math.round(a[2] + (b[2] - a[2]) * f)})`;
}
