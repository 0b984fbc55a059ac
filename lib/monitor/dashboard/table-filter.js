// The trial table's filter box: what a user types, as a test on rows. Words separated by spaces, all
// of which a row must pass:
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
