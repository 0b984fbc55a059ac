// Curves of one metric for many series on two stacked canvases: finished series are drawn once on the
// static layer (redrawn only when the scale changes), running and selected ones on the live layer at
// every frame. Long series are reduced to a min/max pair per pixel column before drawing. The axes have
// round ticks (./ticks.js), a title naming what they hold, and an x range fitted to the data.
import { nearest } from './curves-model.js';
import { durationLabel, tickLabel, ticksFor, timeTicks } from './ticks.js';

const HUE_STEP = 137.508; // golden angle: neighbouring series get distant hues

export function color(index, alpha = 1) {
  return `hsla(${(215 + index * HUE_STEP) % 360}, 70%, 45%, ${alpha})`;
}

/** Points [x, y][] reduced to at most ~2 per pixel column (min and max), keeping first and last. */
export function downsample(points, xToPx, width) {
  if (points.length <= width) return points;
  const out = [];
  let col = -1, lo = null, hi = null;
  const push = () => {
    if (lo === null) return;
    if (lo[0] <= hi[0]) { out.push(lo); if (hi !== lo) out.push(hi); } else { out.push(hi); out.push(lo); }
  };
  for (const p of points) {
    const c = Math.round(xToPx(p[0]));
    if (c !== col) { push(); col = c; lo = hi = p; }
    else { if (p[1] < lo[1]) lo = p; if (p[1] > hi[1]) hi = p; }
  }
  push();
  const last = points[points.length - 1];
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/** x labels by the kind of x axis: epochs, a clock time, or a duration. */
const X_LABEL = {
  epoch: (v) => tickLabel(v),
  wall: (v) => new Date(v).toTimeString().slice(0, 8),
  relative: (v) => durationLabel(v),
};

/** onResize(): the container changed size (its canvases were cleared): the page should draw again. */
export function createChart(container, staticCanvas, liveCanvas, onResize = () => {}) {
  const pad = { l: 60, r: 12, t: 10, b: 34 };
  let scale = null; // { x0, x1, y0, y1, log }
  let staticDirty = true;
  let w = 0, h = 0, dpr = 1;
  let titles = { x: 'epoch', y: '', kind: 'epoch' };
  let drawnLines = []; // for the pointer: every line drawn, with its key

  const resize = () => {
    dpr = window.devicePixelRatio || 1;
    w = container.clientWidth; h = container.clientHeight;
    for (const c of [staticCanvas, liveCanvas]) { c.width = Math.max(1, w * dpr); c.height = Math.max(1, h * dpr); }
    staticDirty = true;
  };
  resize();
  new ResizeObserver(() => { resize(); onResize(); }).observe(container);

  const tx = (s) => (x) => pad.l + ((x - s.x0) / (s.x1 - s.x0 || 1)) * (w - pad.l - pad.r);
  const ty = (s) => {
    const f = s.log ? Math.log10 : (v) => v;
    const a = f(s.y0), b = f(s.y1);
    return (y) => {
      const v = s.log ? Math.log10(Math.max(y, 1e-12)) : y;
      return pad.t + (1 - (v - a) / (b - a || 1)) * (h - pad.t - pad.b);
    };
  };

  /**
   * Fit the scale to the data with a little head-room, kept while the data stay inside it and fill
   * most of it, so that it does not change (and force a full redraw) every epoch.
   */
  const fit = (bounds, log) => {
    if (!bounds) { const had = scale !== null; scale = null; return had; }
    let { x0, x1, y0, y1 } = bounds;
    if (log) { y0 = Math.max(y0, 1e-12); y1 = Math.max(y1, y0 * 1.0001); }
    const xspan = x1 - x0 || 1;
    // Finished data fill the width; growing data get 10% room to grow into.
    const xr = bounds.growing ? x1 + xspan * 0.1 : x1 === x0 ? x0 + 1 : x1;
    const s = scale;
    const inside = s && s.log === log && x0 === s.x0 && x1 <= s.x1 && (bounds.growing ? s.x1 - s.x0 <= xspan * 1.15 + 1 : s.x1 === xr) && y0 >= s.y0 && y1 <= s.y1 &&
      (log ? Math.log10(s.y1 / s.y0) < 3 * Math.log10(Math.max(y1 / y0, 1.0001)) + 0.5 : (s.y1 - s.y0) < 3 * (y1 - y0 || 1));
    if (inside) return false;
    const span = y1 - y0 || Math.abs(y1) || 1;
    scale = log
      ? { x0, x1: xr, y0: y0 / 1.3, y1: y1 * 1.3, log }
      : { x0, x1: xr, y0: y0 >= 0 && y0 - span * 0.08 < 0 ? 0 : y0 - span * 0.08, y1: y1 + span * 0.08, log };
    return true;
  };

  const axes = (ctx, s) => {
    const X = tx(s), Y = ty(s);
    ctx.strokeStyle = '#e3e6eb'; ctx.fillStyle = '#6b7483'; ctx.lineWidth = 1; ctx.font = '11px system-ui, sans-serif';
    ctx.beginPath();
    const yTicks = ticksFor(s.y0, s.y1, s.log, 5);
    for (const yv of yTicks) {
      const py = Y(yv);
      ctx.moveTo(pad.l, py); ctx.lineTo(w - pad.r, py);
      ctx.textAlign = 'right'; ctx.fillText(tickLabel(yv), pad.l - 4, py + 4);
    }
    const xTicks = titles.kind === 'epoch' ? ticksFor(s.x0, s.x1, false, 6).filter((v) => Number.isInteger(v)) : titles.kind === 'wall' ? timeTicks(s.x0, s.x1, 6) : timeTicks(s.x0, s.x1, 6);
    const label = X_LABEL[titles.kind] ?? X_LABEL.epoch;
    for (const xv of xTicks) {
      const px = X(xv);
      ctx.moveTo(px, pad.t); ctx.lineTo(px, h - pad.b);
      ctx.textAlign = 'center'; ctx.fillText(label(xv), px, h - pad.b + 13);
    }
    ctx.stroke();
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textAlign = 'center'; ctx.fillText(titles.x, (pad.l + w - pad.r) / 2, h - 4);
    ctx.save(); ctx.translate(12, (pad.t + h - pad.b) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(titles.y + (s.log ? ' (log)' : ''), 0, 0); ctx.restore();
    drawn.ticks = { x: xTicks.map(label), y: yTicks.map(tickLabel), xTitle: titles.x, yTitle: titles.y + (s.log ? ' (log)' : '') };
  };
  const drawSeries = (ctx, s, line) => {
    const X = tx(s), Y = ty(s);
    const pts = downsample(line.points, X, w - pad.l - pad.r);
    if (pts.length === 0) return;
    ctx.save();
    ctx.strokeStyle = line.color; ctx.lineWidth = line.width; ctx.setLineDash(line.dash || []);
    ctx.beginPath();
    pts.forEach((p, i) => (i ? ctx.lineTo(X(p[0]), Y(p[1])) : ctx.moveTo(X(p[0]), Y(p[1]))));
    if (pts.length === 1) ctx.arc(X(pts[0][0]), Y(pts[0][1]), 1.5, 0, 7);
    ctx.stroke();
    if (line.mark) {
      const p = pts[pts.length - 1], px = X(p[0]), py = Y(p[1]);
      ctx.setLineDash([]); ctx.lineWidth = 2; ctx.strokeStyle = line.markColor || line.color;
      ctx.beginPath(); ctx.moveTo(px - 4, py - 4); ctx.lineTo(px + 4, py + 4); ctx.moveTo(px + 4, py - 4); ctx.lineTo(px - 4, py + 4); ctx.stroke();
    }
    ctx.restore();
  };

  /** What the axes last showed (for tests and the curious). */
  const drawn = { ticks: null };

  return {
    drawn,
    invalidate() { staticDirty = true; },
    /** Axis titles: x (and its kind: epoch, wall, relative) and y, the metric. */
    titles(x, kind, y) {
      if (titles.x !== x || titles.kind !== kind || titles.y !== y) { titles = { x, kind, y }; staticDirty = true; }
    },
    /** Where point (x, y) is drawn, in pixels of the container, or null before the first draw. */
    toPixel(x, y) { return scale && { px: tx(scale)(x), py: ty(scale)(y) }; },
    /** The drawn point nearest pixel (mx, my) of the container, or null: { key, index, x, y, px, py }. */
    pick(mx, my) {
      if (!scale) return null;
      const X = tx(scale), Y = ty(scale);
      const p = nearest(drawnLines, X, Y, mx, my);
      return p && { ...p, px: X(p.x), py: Y(p.y) };
    },
    /** Forget the scale (another metric was chosen): the next draw fits the data afresh. */
    reset() { scale = null; staticDirty = true; },
    /**
     * lines: { fixed: Line[] (finished; drawn on the static layer), live: Line[] }, bounds of all points,
     * log: boolean. A Line is { key?, points: [x, y][], color, width, dash?, mark? }; lines with a key can
     * be pointed at (pick). bounds: { x0, x1, y0, y1, growing } (growing: some line is still running).
     */
    draw({ fixed, live, bounds, log }) {
      if (fit(bounds, log)) staticDirty = true;
      drawnLines = [...fixed, ...live].filter((l) => l.key !== undefined);
      const s = scale;
      const sc = staticCanvas.getContext('2d'), lc = liveCanvas.getContext('2d');
      if (staticDirty) {
        sc.setTransform(dpr, 0, 0, dpr, 0, 0);
        sc.clearRect(0, 0, w, h);
        if (s) { axes(sc, s); for (const line of fixed) drawSeries(sc, s, line); }
        staticDirty = false;
      }
      lc.setTransform(dpr, 0, 0, dpr, 0, 0);
      lc.clearRect(0, 0, w, h);
      if (s) for (const line of live) drawSeries(lc, s, line);
      if (!s) { lc.fillStyle = '#6b7483'; lc.font = '13px system-ui, sans-serif'; lc.fillText('waiting for the first epoch…', pad.l + 10, pad.t + 30); }
    },
  };
}
