// Round tick values for an axis: 1, 2 or 5 × 10^k steps on a linear axis, powers of ten on a log axis
// (with 2 and 5 between them when the axis spans few decades), and labels short enough for a margin.

/** A step of 1, 2 or 5 × 10^k giving the number of intervals over [lo, hi] nearest `count` (as d3's ticks). */
function linearStep(lo, hi, count) {
  const raw = (hi - lo) / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const r = raw / p;
  return p * (r >= Math.sqrt(50) ? 10 : r >= Math.sqrt(10) ? 5 : r >= Math.sqrt(2) ? 2 : 1);
}

/** Tick values inside [lo, hi], round numbers, about `count` intervals (linear axis). */
export function linearTicks(lo, hi, count = 5) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const step = linearStep(lo, hi, count);
  const out = [];
  // Rounded to the step's own digits, so that 0.1 + 0.2 is written 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(digits)) || 0);
  return out;
}

/**
 * Tick values inside [lo, hi] (both > 0) for a log axis: the powers of ten, with 2 and 5 × 10^k added
 * when there are fewer than 3 of them, and thinned to every n-th power when there are many.
 */
export function logTicks(lo, hi, count = 6) {
  if (!(lo > 0) || !(hi > 0)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  const a = Math.ceil(Math.log10(lo) - 1e-9), b = Math.floor(Math.log10(hi) + 1e-9);
  const powers = [];
  for (let k = a; k <= b; k++) powers.push(k);
  if (powers.length >= 3) {
    const every = Math.ceil(powers.length / count);
    return powers.filter((k) => (k - a) % every === 0).map((k) => Number((10 ** k).toPrecision(1)));
  }
  const out = [];
  for (let k = a - 1; k <= b + 1; k++) for (const m of [1, 2, 5]) {
    const v = Number((m * 10 ** k).toPrecision(1));
    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
  }
  return out.length >= 2 ? out : linearTicks(lo, hi, 3);
}

/** Ticks for an axis: log or linear. */
export function ticksFor(lo, hi, log, count) {
  return log ? logTicks(lo, hi, count) : linearTicks(lo, hi, count);
}

/** A tick label: at most 3 significant digits, thousands as k and millions as M, tiny ones as 1e-5. */
export function tickLabel(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (a !== 0 && a < 1e-3) {
    const [m, e] = v.toExponential(1).split('e');
    return `${Number(m)}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(3)));
}

const SECOND = 1000, MINUTE = 60 * SECOND, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const TIME_STEPS = [1, 2, 5, 10, 15, 30].map((s) => s * SECOND).concat([1, 2, 5, 10, 15, 30].map((s) => s * MINUTE), [1, 2, 3, 6, 12].map((s) => s * HOUR), [1, 2, 7].map((s) => s * DAY));

/** Ticks for a time axis in ms: whole seconds, minutes, hours or days (1, 2, 5, 10, 15, 30 of each). */
export function timeTicks(lo, hi, count = 5) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= lo) return Number.isFinite(lo) ? [lo] : [];
  const step = TIME_STEPS.find((s) => (hi - lo) / s <= count) ?? linearStep(lo / DAY, hi / DAY, count) * DAY;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(v);
  return out;
}

/** A duration in ms as 45s, 2m30s, 1h05m, 2d3h. */
export function durationLabel(ms) {
  const s = Math.round(Math.abs(ms) / 1000), sign = ms < 0 ? '-' : '';
  if (s < 60) return `${sign}${s}s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m${s % 60 ? `${String(s % 60).padStart(2, '0')}s` : ''}`;
  if (s < 86400) return `${sign}${Math.floor(s / 3600)}h${Math.floor(s / 60) % 60 ? String(Math.floor(s / 60) % 60).padStart(2, '0') : ''}`;
  return `${sign}${Math.floor(s / 86400)}d${Math.floor(s / 3600) % 24 ? `${Math.floor(s / 3600) % 24}h` : ''}`;
}
