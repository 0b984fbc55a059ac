// The trial table's filters: the filter box, what a user types, as a test on rows (words separated by
// spaces, all of which a row must pass), and the ranges at the end of this file.
//   lr<0.01  units>=64  value>0.9  epoch=10   a range on a parameter, or on the row's value or epoch
//   optimizer=adam                             a parameter equal to a text
//   state:running   state:pruned,failed        the row's state is one of these
//   anything else                              appears in the row's name, state or parameters (any case)
// A row without the parameter a range names does not pass it.

const RANGE = /^([A-Za-z_][\w.]*)(<=|>=|<|>|=)(.+)$/;

/** The filter `text` says, and what in it could not be read (shown to the user). */
export function parseFilter(text) {
  const f = { words: [], ranges: [], states: null, problems: [] };
  for (const word of String(text || '').trim().split(/\s+/).filter(Boolean)) {
    if (word.toLowerCase().startsWith('state:')) {
      const states = word.slice(6).toLowerCase().split(',').filter(Boolean);
      if (states.length === 0) f.problems.push(`${word}: which state? (state:running, state:pruned,failed)`);
      else f.states = new Set([...(f.states ?? []), ...states]);
      continue;
    }
    const m = RANGE.exec(word);
    if (m) {
      const [, name, op, raw] = m;
      const num = Number(raw);
      if (op !== '=' && !Number.isFinite(num)) { f.problems.push(`${word}: ${op} needs a number`); continue; }
      f.ranges.push({ name, op, value: Number.isFinite(num) ? num : raw });
      continue;
    }
    f.words.push(word.toLowerCase());
  }
  return f;
}

function passes(actual, op, value) {
  if (actual === undefined || actual === null) return false;
  if (op === '=') return typeof value === 'number' && typeof actual === 'number' ? actual === value : String(actual) === String(value);
  if (typeof actual !== 'number') return false;
  return op === '<' ? actual < value : op === '<=' ? actual <= value : op === '>' ? actual > value : actual >= value;
}

/**
 * Whether a row passes `filter`. `row`: { text (its name and parameters as shown), state, params,
 * value, epoch }.
 */
export function rowMatches(row, filter) {
  if (filter.states && !filter.states.has(row.state)) return false;
  for (const r of filter.ranges) {
    const actual = r.name === 'value' || r.name === 'epoch' ? row[r.name] : row.params?.[r.name];
    if (!passes(actual, r.op, r.value)) return false;
  }
  if (filter.words.length === 0) return true;
  const text = `${row.text} ${row.state}`.toLowerCase();
  return filter.words.every((w) => text.includes(w));
}

/** Whether the filter tests anything. */
export const isEmptyFilter = (f) => f.words.length === 0 && f.ranges.length === 0 && f.states === null;

// ---- ranges --------------------------------------------------------------------------------------
// Ranges on parameters (and on `value`, the row's objective), set by the min and max fields above the
// table (./range-filters.js) or by brushing an axis of the parameters view (./parallel.js): one set,
// shared, so the table keeps the trials the brushes select. A numeric range is { min, max } (either
// null: open), a choice's is { categories }. A row without the parameter does not pass its range.

/** A bound typed in a min or max field: '' is none. { value: number | null, problem: string | null }. */
export function parseBound(text) {
  const s = String(text ?? '').trim();
  if (s === '') return { value: null, problem: null };
  const v = Number(s);
  return Number.isFinite(v) ? { value: v, problem: null } : { value: null, problem: `"${s}" is not a number` };
}

/**
 * The range a parameter's min and max fields say: { range ({ min, max }, or null when both are empty
 * or one cannot be read), problems: { min?, max? } } (shown on the field).
 */
export function rangeFromFields(minText, maxText) {
  const lo = parseBound(minText), hi = parseBound(maxText);
  const problems = {};
  if (lo.problem) problems.min = `min: ${lo.problem}`;
  if (hi.problem) problems.max = `max: ${hi.problem}`;
  if (!lo.problem && !hi.problem && lo.value !== null && hi.value !== null && lo.value > hi.value) {
    problems.min = problems.max = `min ${lo.value} is above max ${hi.value}: nothing could pass`;
  }
  const bad = Object.keys(problems).length > 0;
  return { range: bad || (lo.value === null && hi.value === null) ? null : { min: lo.value, max: hi.value }, problems };
}

/** Whether a value passes a range. */
export function inRange(actual, range) {
  if (actual === undefined || actual === null) return false;
  if (range.categories) return range.categories.includes(String(actual));
  if (typeof actual !== 'number' || !Number.isFinite(actual)) return false;
  return (range.min === null || actual >= range.min) && (range.max === null || actual <= range.max);
}

/** Whether a row ({ params, value }) passes every range of `ranges` (a Map: name → range). */
export function rowInRanges(row, ranges) {
  for (const [name, range] of ranges) {
    if (!inRange(name === 'value' ? row.value : row.params?.[name], range)) return false;
  }
  return true;
}

/** A bound as the fields and the read-outs write it: 3 significant digits, readable back by Number(). */
export const fmtBound = (v) => (typeof v === 'number' ? String(Number(v.toPrecision(3))) : '');

/** A range in words: `0.001 ≤ lr ≤ 0.01`, `units ≥ 64`, `optimizer ∈ {adam, sgd}`. */
export function rangeText(name, range) {
  if (range.categories) return `${name} ∈ {${range.categories.join(', ')}}`;
  if (range.min !== null && range.max !== null) return `${fmtBound(range.min)} ≤ ${name} ≤ ${fmtBound(range.max)}`;
  return range.min !== null ? `${name} ≥ ${fmtBound(range.min)}` : `${name} ≤ ${fmtBound(range.max)}`;
}

/** The shared set of ranges: set(name, range | null), clear(), and a version that counts changes. */
export function createRanges() {
  const ranges = new Map();
  const listeners = [];
  const changed = () => { out.version++; for (const fn of listeners) fn(); };
  const out = {
    version: 0,
    map: ranges,
    get: (name) => ranges.get(name) ?? null,
    set(name, range) {
      const before = ranges.get(name);
      if (range === null) { if (!ranges.delete(name)) return; } else {
        if (before && JSON.stringify(before) === JSON.stringify(range)) return;
        ranges.set(name, range);
      }
      changed();
    },
    clear() { if (ranges.size) { ranges.clear(); changed(); } },
    onChange(fn) { listeners.push(fn); },
  };
  return out;
}
