// Curves of one metric for many series on two stacked canvases: finished series are drawn once on the
// static layer (redrawn only when the scale changes), running and selected ones on the live layer at
// every frame. Long series are reduced to a min/max pair per pixel column before drawing.

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

function niceCeil(x) {
  if (x <= 10) return 10;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function createChart(container, staticCanvas, liveCanvas) {
  const pad = { l: 52, r: 12, t: 10, b: 26 };
  let scale = null; // { x1, y0, y1, log }
  let staticDirty = true;
  let w = 0, h = 0, dpr = 1;

  const resize = () => {
    dpr = window.devicePixelRatio || 1;
    w = container.clientWidth; h = container.clientHeight;
    for (const c of [staticCanvas, liveCanvas]) { c.width = Math.max(1, w * dpr); c.height = Math.max(1, h * dpr); }
    staticDirty = true;
  };
  resize();
  new ResizeObserver(() => resize()).observe(container);

  const tx = (s) => (x) => pad.l + (x / s.x1) * (w - pad.l - pad.r);
  const ty = (s) => {
    const f = s.log ? Math.log10 : (v) => v;
    const a = f(s.y0), b = f(s.y1);
    return (y) => {
      const v = s.log ? Math.log10(Math.max(y, 1e-12)) : y;
      return pad.t + (1 - (v - a) / (b - a || 1)) * (h - pad.t - pad.b);
    };
  };

  /** Grow the scale with head-room, so that it does not change (and force a full redraw) every epoch. */
  const fit = (bounds, log) => {
    if (!bounds) return false;
    let { x1, y0, y1 } = bounds;
    if (log) { y0 = Math.max(y0, 1e-12); y1 = Math.max(y1, y0 * 1.0001); }
    const s = scale;
    const inside = s && s.log === log && x1 <= s.x1 && y0 >= s.y0 && y1 <= s.y1 && (s.x1 <= niceCeil(x1 * 1.5) ) &&
      (log ? Math.log10(s.y1 / s.y0) < 3 * Math.log10(Math.max(y1 / y0, 1.0001)) + 0.5 : (s.y1 - s.y0) < 3 * (y1 - y0 || 1));
    if (inside) return false;
    const span = y1 - y0 || Math.abs(y1) || 1;
    scale = log
      ? { x1: niceCeil(x1 + 1), y0: y0 / 1.3, y1: y1 * 1.3, log }
      : { x1: niceCeil(x1 + 1), y0: y0 >= 0 && y0 - span * 0.08 < 0 ? 0 : y0 - span * 0.08, y1: y1 + span * 0.08, log };
    return true;
  };

  const axes = (ctx, s) => {
    const X = tx(s), Y = ty(s);
    ctx.strokeStyle = '#e3e6eb'; ctx.fillStyle = '#6b7483'; ctx.lineWidth = 1; ctx.font = '11px system-ui, sans-serif';
    ctx.beginPath();
    for (let i = 0; i <= 5; i++) {
      const yv = s.log ? s.y0 * (s.y1 / s.y0) ** (i / 5) : s.y0 + ((s.y1 - s.y0) * i) / 5;
      const py = Y(yv);
      ctx.moveTo(pad.l, py); ctx.lineTo(w - pad.r, py);
      ctx.textAlign = 'right'; ctx.fillText(Number(yv.toPrecision(2)).toString(), pad.l - 4, py + 4);
    }
    for (let i = 0; i <= 5; i++) {
      const xv = (s.x1 * i) / 5, px = X(xv);
      ctx.moveTo(px, pad.t); ctx.lineTo(px, h - pad.b);
      ctx.textAlign = 'center'; ctx.fillText(String(Math.round(xv)), px, h - 8);
    }
    ctx.stroke();
    ctx.textAlign = 'left'; ctx.fillText('epoch', pad.l + 4, h - pad.b - 4);
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

  return {
    invalidate() { staticDirty = true; },
    /** Forget the scale (another metric was chosen): the next draw fits the data afresh. */
    reset() { scale = null; staticDirty = true; },
    /**
     * lines: { fixed: Line[] (finished; drawn on the static layer), live: Line[] }, bounds of all points,
     * log: boolean. A Line is { points: [x, y][], color, width, dash?, mark? }.
     */
    draw({ fixed, live, bounds, log }) {
      if (fit(bounds, log)) staticDirty = true;
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
