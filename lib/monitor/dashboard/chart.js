// Curves of one metric for many series, drawn by uPlot (./uplot.js, the package's own file: no CDN).
// uPlot is made for live data: the chart is built once (again only when the y axis turns log or linear)
// and every update hands it the new arrays (setData); series come and go with addSeries/delSeries, and
// their colour, width and dash are read at each draw. Each series has its own x values (uPlot's mode 2),
// so that curves against wall time need no shared x column. uPlot's linear paths reduce long series to
// a min/max pair per pixel column. Two uPlot layers share the scales, one over the other: finished
// curves below, with the axes (redrawn only when the scale or the set of curves changes), running and
// selected ones above, at every update: with 1,000 finished trials, an update redraws the few that run.
// The axes keep this dashboard's round ticks (./ticks.js), titles naming what they hold, and an x range
// fitted to the data.
import uPlot from './uplot.js';
import { nearest } from './curves-model.js';
import { durationLabel, tickLabel, ticksFor, timeTicks } from './ticks.js';

const HUE_STEP = 137.508; // golden angle: neighbouring series get distant hues

export function color(index, alpha = 1) {
  return `hsla(${(215 + index * HUE_STEP) % 360}, 70%, 45%, ${alpha})`;
}

/** x labels by the kind of x axis: epochs, a clock time, or a duration. */
const X_LABEL = {
  epoch: (v) => tickLabel(v),
  wall: (v) => new Date(v).toTimeString().slice(0, 8),
  relative: (v) => durationLabel(v),
};

/** The axes' look (grey, no tick marks), shared with ./history.js. */
export const AXIS = { stroke: '#6b7483', font: '11px system-ui, sans-serif', labelFont: '600 11px system-ui, sans-serif', grid: { stroke: '#e3e6eb', width: 1 }, ticks: { show: false } };

/**
 * Fit a scale to the data with a little head-room, kept (returned as `s`) while the data stay inside it
 * and fill most of it, so that the axes do not change every epoch.
 */
function fitScale(s, bounds, log) {
  let { x0, x1, y0, y1 } = bounds;
  if (log) { y0 = Math.max(y0, 1e-12); y1 = Math.max(y1, y0 * 1.0001); }
  const xspan = x1 - x0 || 1;
  // Finished data fill the width; growing data get 10% room to grow into.
  const xr = bounds.growing ? x1 + xspan * 0.1 : x1 === x0 ? x0 + 1 : x1;
  const inside = s && s.log === log && x0 === s.x0 && x1 <= s.x1 && (bounds.growing ? s.x1 - s.x0 <= xspan * 1.15 + 1 : s.x1 === xr) && y0 >= s.y0 && y1 <= s.y1 &&
    (log ? Math.log10(s.y1 / s.y0) < 3 * Math.log10(Math.max(y1 / y0, 1.0001)) + 0.5 : (s.y1 - s.y0) < 3 * (y1 - y0 || 1));
  if (inside) return s;
  const span = y1 - y0 || Math.abs(y1) || 1;
  return log
    ? { x0, x1: xr, y0: y0 / 1.3, y1: y1 * 1.3, log }
    : { x0, x1: xr, y0: y0 >= 0 && y0 - span * 0.08 < 0 ? 0 : y0 - span * 0.08, y1: y1 + span * 0.08, log };
}

/** onResize(): the container changed size: the page should draw again. */
export function createChart(container, onResize = () => {}) {
  let scale = null; // { x0, x1, y0, y1, log }
  let titles = { x: 'epoch', y: '', kind: 'epoch' };
  let keyed = []; // for the pointer: the lines with a key
  let dirty = true; // the layer of finished curves must be drawn again
  /** What the axes last showed, and how often each layer was drawn (for tests and the curious). */
  const drawn = { ticks: null, fixedDraws: 0, liveDraws: 0 };
  let shownTicks = { x: [], y: [] };

  const size = () => ({ width: Math.max(1, container.clientWidth), height: Math.max(1, container.clientHeight) });
  const yTitle = () => titles.y + (scale?.log ? ' (log)' : '');
  const xTicks = (lo, hi) => (titles.kind === 'epoch' ? ticksFor(lo, hi, false, 6).filter((v) => Number.isInteger(v)) : timeTicks(lo, hi, 6));
  const yOf = (v) => (scale?.log ? Math.max(v, 1e-12) : v);

  /**
   * A layer: a uPlot chart over the whole container drawing `layer.lines`. Both layers lay out the same
   * axes (so their plot areas match); the lower one draws them, the upper one's are transparent.
   */
  function layer(log, below, id) {
    const l = { lines: [], u: null };
    const seriesOpts = () => ({
      paths: uPlot.paths.linear(),
      stroke: (_, i) => l.lines[i - 1]?.color ?? 'transparent',
      // A single point has no line: a dot shows it.
      points: { show: (_, i) => l.lines[i - 1]?.points.length === 1, size: 4, fill: (_, i) => l.lines[i - 1]?.color ?? 'transparent' },
    });
    const look = below ? AXIS : { ...AXIS, stroke: 'transparent', grid: { show: false } };
    l.u = new uPlot({
      mode: 2,
      ...size(),
      pxAlign: 0,
      legend: { show: false },
      cursor: { show: false, drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: () => (scale ? [scale.x0, scale.x1] : [0, 1]) },
        y: { distr: log ? 3 : 1, log: 10, range: () => (scale ? [scale.y0, scale.y1] : log ? [1, 10] : [0, 1]) },
      },
      axes: [
        { ...look, label: titles.x, labelSize: 18, size: 26, splits: (_, __, lo, hi) => (scale ? xTicks(lo, hi) : []), values: (_, vs) => { const v = vs.map(X_LABEL[titles.kind] ?? X_LABEL.epoch); if (below) shownTicks.x = v; return v; } },
        { ...look, label: yTitle(), labelSize: 18, size: 46, gap: 4, splits: (_, __, lo, hi) => (scale ? ticksFor(lo, hi, log, 5) : []), values: (_, vs) => { const v = vs.map(tickLabel); if (below) shownTicks.y = v; return v; } },
      ],
      // uPlot's mode 2 wants a series from the start: an empty one until there are lines.
      series: [{}, seriesOpts()],
      hooks: { draw: [(chart) => drawMarks(chart, l.lines, below)] },
    }, [null, [[], []]], container);
    l.u.ctx.canvas.id = id;
    /** Hand uPlot the lines, in one batch: it draws at once (not in a later microtask), so the page's timings include it. */
    l.set = (lines) => {
      l.lines = lines;
      const u = l.u;
      u.batch(() => {
        while (u.series.length - 1 < lines.length) u.addSeries(seriesOpts());
        while (u.series.length - 1 > Math.max(1, lines.length)) u.delSeries(u.series.length - 1);
        const data = [null];
        if (!lines.length) data.push([[], []]);
        lines.forEach((line, i) => {
          const s = u.series[i + 1];
          s.width = line.width;
          s.dash = line.dash ?? undefined;
          data.push([line.points.map((p) => p[0]), line.points.map((p) => (Number.isFinite(p[1]) ? yOf(p[1]) : null))]);
        });
        u.axes[0].label = titles.x;
        u.axes[1].label = yTitle();
        u.setData(data);
      });
    };
    return l;
  }

  /** The ✕ at the end of a pruned, failed or stopped run's line; below, the axes' state for tests. */
  function drawMarks(chart, lines, below) {
    const ctx = chart.ctx, r = 4 * uPlot.pxRatio;
    ctx.save();
    ctx.beginPath();
    ctx.rect(chart.bbox.left - r * 2, chart.bbox.top - r * 2, chart.bbox.width + r * 4, chart.bbox.height + r * 4);
    ctx.clip();
    for (const line of lines) {
      if (!line.mark || !line.points.length) continue;
      const p = line.points[line.points.length - 1];
      const px = chart.valToPos(p[0], 'x', true), py = chart.valToPos(yOf(p[1]), 'y', true);
      ctx.lineWidth = 2 * uPlot.pxRatio; ctx.strokeStyle = line.markColor || line.color; ctx.setLineDash([]);
      ctx.beginPath(); ctx.moveTo(px - r, py - r); ctx.lineTo(px + r, py + r); ctx.moveTo(px + r, py - r); ctx.lineTo(px - r, py + r); ctx.stroke();
    }
    ctx.restore();
    if (!below) return;
    if (!scale) {
      ctx.fillStyle = '#6b7483'; ctx.font = `${13 * uPlot.pxRatio}px system-ui, sans-serif`;
      ctx.fillText('waiting for the first epoch…', chart.bbox.left + 10 * uPlot.pxRatio, chart.bbox.top + 30 * uPlot.pxRatio);
    }
    drawn.ticks = scale ? { x: shownTicks.x, y: shownTicks.y, xTitle: titles.x, yTitle: yTitle() } : null;
  }

  let fixed = null, live = null;
  const build = (log) => {
    fixed?.u.destroy(); live?.u.destroy();
    fixed = layer(log, true, 'curves-canvas');
    live = layer(log, false, 'curves-live-canvas');
    dirty = true;
  };
  build(false);
  new ResizeObserver(() => { fixed.u.setSize(size()); live.u.setSize(size()); dirty = true; onResize(); }).observe(container);

  /** The plot area's offset inside the container, in CSS pixels. */
  const offset = () => {
    const a = live.u.over.getBoundingClientRect(), b = container.getBoundingClientRect();
    return { x: a.left - b.left, y: a.top - b.top };
  };
  const X = (o) => (x) => o.x + live.u.valToPos(x, 'x'), Y = (o) => (y) => o.y + live.u.valToPos(yOf(y), 'y');

  return {
    drawn,
    /** The set of finished curves changed: the lower layer is drawn again at the next draw. */
    invalidate() { dirty = true; },
    /** Axis titles: x (and its kind: epoch, wall, relative) and y, the metric. */
    titles(x, kind, y) {
      if (titles.x !== x || titles.kind !== kind || titles.y !== y) { titles = { x, kind, y }; dirty = true; }
    },
    /** Where point (x, y) is drawn, in pixels of the container, or null before the first draw. */
    toPixel(x, y) {
      if (!scale) return null;
      const o = offset();
      return { px: X(o)(x), py: Y(o)(y) };
    },
    /** The drawn point nearest pixel (mx, my) of the container, or null: { key, index, x, y, px, py }. */
    pick(mx, my) {
      if (!scale) return null;
      const o = offset();
      const p = nearest(keyed, X(o), Y(o), mx, my);
      return p && { ...p, px: X(o)(p.x), py: Y(o)(p.y) };
    },
    /** Forget the scale (another metric was chosen): the next draw fits the data afresh. */
    reset() { scale = null; dirty = true; },
    /**
     * lines: { fixed: Line[] (finished; drawn on the lower layer), live: Line[] }, bounds of all points,
     * log: boolean. A Line is { key?, points: [x, y][], color, width, dash?, mark? }; lines with a key
     * can be pointed at (pick). bounds: { x0, x1, y0, y1, growing } (growing: some line is still running).
     */
    draw({ fixed: done, live: running, bounds, log }) {
      if ((fixed.u.scales.y.distr === 3) !== log) build(log);
      const fitted = bounds ? fitScale(scale, bounds, log) : null;
      if (fitted !== scale) { scale = fitted; dirty = true; }
      keyed = [...done, ...running].filter((l) => l.key !== undefined);
      if (dirty) { fixed.set(done); dirty = false; drawn.fixedDraws++; }
      live.set(running);
      drawn.liveDraws++;
    },
  };
}
