// The history view: a study's finished trials, objective against trial number, and the best value so
// far as a step line (the best by the run's direction), drawn by uPlot (./uplot.js). Each trial is a
// point (a points-only series); the best trial is ringed. Pointing near a trial reads it out.
import uPlot from './uplot.js';
import { AXIS } from './chart.js';
import { bestSoFar } from './trials-model.js';
import { tickLabel, ticksFor } from './ticks.js';

const LEGEND_PX = 28; // uPlot's legend line under the plot

/** onPoint(trial): the pointer is nearest this trial ({ trial, value, params }). */
export function createHistoryChart(container, onPoint) {
  let trials = [];
  let note = null; // a placeholder on an empty chart
  const size = () => ({ width: Math.max(1, container.clientWidth), height: Math.max(1, container.clientHeight - LEGEND_PX) });
  const dot = (fill, stroke, size) => ({ show: true, size, width: 1, fill, stroke });
  const u = new uPlot({
    ...size(),
    legend: { live: false },
    cursor: { drag: { x: false, y: false }, points: { size: 10, fill: 'transparent', stroke: '#dc2626', width: 2 } },
    scales: { x: { time: false } },
    axes: [
      { ...AXIS, label: 'trial', labelSize: 18, size: 26, splits: (_, __, lo, hi) => ticksFor(lo, hi, false, 8).filter(Number.isInteger), values: (_, vs) => vs.map(tickLabel) },
      { ...AXIS, label: '', labelSize: 18, size: 50, gap: 4, splits: (_, __, lo, hi) => ticksFor(lo, hi, false, 5), values: (_, vs) => vs.map(tickLabel) },
    ],
    series: [
      {},
      { label: 'objective', stroke: 'hsl(215, 30%, 30%)', width: 0, paths: () => null, points: dot('hsla(215, 60%, 55%, .8)', 'hsl(215, 30%, 30%)', 7) },
      { label: 'best so far', stroke: '#dc2626', width: 1.8, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
      { label: 'best trial', stroke: '#111', width: 0, paths: () => null, points: dot('hsl(275, 60%, 58%)', '#111', 9) },
    ],
    hooks: {
      setCursor: [(chart) => { const i = chart.cursor.idx; if (i !== null && i !== undefined && trials[i]) onPoint(trials[i]); }],
      draw: [(chart) => {
        if (!note) return;
        chart.ctx.fillStyle = '#6b7483'; chart.ctx.font = `${13 * uPlot.pxRatio}px system-ui, sans-serif`;
        chart.ctx.fillText(note, chart.bbox.left + 10 * uPlot.pxRatio, chart.bbox.top + 30 * uPlot.pxRatio);
      }],
    },
  }, [[], [], [], []], container);
  u.ctx.canvas.id = 'history-canvas';
  new ResizeObserver(() => u.setSize(size())).observe(container);

  return {
    /**
     * Draw ({ trials, objective }), or an empty chart saying `placeholder`. Returns { points, best,
     * bestLine (the best so far at each trial), yTitle }.
     */
    draw({ trials: list, objective: o }, placeholder = null) {
      note = placeholder;
      trials = [...list].sort((a, b) => a.trial - b.trial);
      const best = bestSoFar(trials, o.direction);
      const bestValue = best.length ? best[best.length - 1][1] : undefined;
      const yTitle = `${o.metric} ${o.direction === 'maximize' ? '↑' : '↓'}`;
      u.batch(() => {
        u.axes[1].label = yTitle;
        u.setData([trials.map((t) => t.trial), trials.map((t) => t.value), best.map((b) => b[1]), trials.map((t) => (t.value === bestValue ? t.value : null))]);
      });
      return { points: trials.length, best: bestValue, bestLine: best.map((b) => b[1]), yTitle };
    },
    /** Where a trial's point is, in pixels of the container (for tests and the curious), or null. */
    pixel(trial) {
      const t = trials.find((x) => x.trial === trial);
      if (!t) return null;
      const a = u.over.getBoundingClientRect(), b = container.getBoundingClientRect();
      return { px: a.left - b.left + u.valToPos(t.trial, 'x'), py: a.top - b.top + u.valToPos(t.value, 'y') };
    },
  };
}
