// Parallel coordinates: one vertical axis per parameter and one for the objective, one polyline per
// trial. Numeric parameters spanning more than a factor of 20 get a log axis; others (choices) are spread
// evenly in sorted order. Lines are coloured by the objective: the better (by the run's direction),
// the darker. Returns what it drew, per trial line: { value, lightness } (for tests).

export function drawParallel(canvas, container, trials, maximize, label = 'objective') {
  const dpr = window.devicePixelRatio || 1;
  const w = container.clientWidth, h = container.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px system-ui, sans-serif';
  const rows = trials.filter((t) => t.params && Object.keys(t.params).length);
  if (!rows.length) { ctx.fillStyle = '#6b7483'; ctx.fillText('no trial parameters yet', 20, 30); return { lines: [] }; }

  const names = [...new Set(rows.flatMap((t) => Object.keys(t.params)))].sort();
  const axes = names.map((name) => {
    const vals = rows.map((t) => t.params[name]).filter((v) => v !== undefined && v !== null);
    if (vals.length && vals.every((v) => typeof v === 'number')) {
      let lo = Math.min(...vals), hi = Math.max(...vals);
      const log = lo > 0 && hi / lo > 20;
      if (lo === hi) { lo -= 0.5; hi += 0.5; }
      const f = log ? Math.log10 : (v) => v;
      return { name, pos: (v) => (typeof v === 'number' ? (f(v) - f(lo)) / (f(hi) - f(lo) || 1) : null), ticks: [lo, hi], log };
    }
    const cats = [...new Set(vals.map(String))].sort();
    return { name, pos: (v) => (v === undefined || v === null ? null : cats.length === 1 ? 0.5 : cats.indexOf(String(v)) / (cats.length - 1)), ticks: cats };
  });
  const scored = rows.filter((t) => typeof t.value === 'number');
  const vs = scored.map((t) => t.value);
  const vlo = vs.length ? Math.min(...vs) : 0, vhi = vs.length ? Math.max(...vs) : 1;
  axes.push({ name: label, pos: (v) => (typeof v === 'number' ? (v - vlo) / (vhi - vlo || 1) : null), ticks: [vlo, vhi], objective: true });

  const pad = { l: 44, r: 60, t: 36, b: 30 };
  const x = (i) => pad.l + (i * (w - pad.l - pad.r)) / Math.max(1, axes.length - 1);
  const y = (p) => pad.t + (1 - p) * (h - pad.t - pad.b);
  const quality = (v) => (typeof v !== 'number' ? null : maximize ? (v - vlo) / (vhi - vlo || 1) : (vhi - v) / (vhi - vlo || 1));

  // Worse trials first, so the best are drawn on top.
  const order = [...rows].sort((a, b) => (quality(a.value) ?? -1) - (quality(b.value) ?? -1));
  const lines = [];
  for (const t of order) {
    const q = quality(t.value);
    lines.push({ value: t.value, best: !!t.best, lightness: q === null ? null : Math.round(80 - q * 50) });
    ctx.save();
    if (t.state === 'pruned') { ctx.strokeStyle = 'rgba(217,119,6,.35)'; ctx.setLineDash([3, 3]); }
    else if (t.state === 'failed') ctx.strokeStyle = 'rgba(220,38,38,.4)';
    else if (q === null) ctx.strokeStyle = 'rgba(107,116,131,.45)';
    else ctx.strokeStyle = `hsla(220, 75%, ${Math.round(80 - q * 50)}%, ${0.25 + 0.7 * q})`;
    ctx.lineWidth = t.best ? 3 : t.selected ? 2.5 : 1;
    if (t.best) ctx.strokeStyle = '#111';
    ctx.beginPath();
    let started = false;
    axes.forEach((a, i) => {
      const p = a.pos(a.objective ? t.value : t.params[a.name]);
      if (p === null) { started = false; return; }
      if (started) ctx.lineTo(x(i), y(p)); else { ctx.moveTo(x(i), y(p)); started = true; }
    });
    ctx.stroke();
    ctx.restore();
  }

  ctx.strokeStyle = '#94a3b8'; ctx.fillStyle = '#1d2430';
  axes.forEach((a, i) => {
    const xi = x(i);
    ctx.beginPath(); ctx.moveTo(xi, y(0)); ctx.lineTo(xi, y(1)); ctx.stroke();
    ctx.textAlign = 'center';
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.fillText(a.name + (a.log ? ' (log)' : ''), xi, pad.t - 16);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#6b7483';
    if (typeof a.ticks[0] === 'number') {
      ctx.fillText(Number(a.ticks[1].toPrecision(3)).toString(), xi, y(1) - 4);
      ctx.fillText(Number(a.ticks[0].toPrecision(3)).toString(), xi, y(0) + 14);
    } else {
      a.ticks.forEach((c) => { const p = a.pos(c); ctx.textAlign = 'left'; ctx.fillText(c, xi + 4, y(p) + 4); });
    }
    ctx.fillStyle = '#1d2430';
  });
  return { lines };
}
