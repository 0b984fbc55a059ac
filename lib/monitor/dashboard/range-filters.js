// The trial table's range filters: a `ranges` button in the table's bar opens (and closes; Escape too)
// min and max fields over the top of the table, one pair per numeric parameter and one for the
// objective (`value`). They show and edit the
// shared ranges (./table-filter.js createRanges), which brushing the parameters view sets too. A field
// that cannot be read, or a min above its max, is marked on the field (red, with the reason as its
// title and under the fields) and that parameter's range is dropped until it is fixed. A choice's range
// (from a brush on its axis) shows as a chip, dropped by its ×.
import { fmtBound, parseBound, rangeFromFields, rangeText } from './table-filter.js';

/** bar: the table's bar (the button goes there); the panel goes right after it. */
export function createRangeFilters(bar, ranges) {
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.id = 'ranges-toggle';
  toggle.title = 'keep the rows whose parameters lie in ranges (brushing the parameters view sets them too)';
  const panel = document.createElement('div');
  panel.id = 'range-panel';
  panel.className = 'range-panel';
  panel.hidden = true;
  const fields = document.createElement('span');
  fields.className = 'range-fields';
  const problem = document.createElement('span');
  problem.id = 'range-problem';
  problem.className = 'range-problem';
  const clearAll = document.createElement('button');
  clearAll.type = 'button';
  clearAll.id = 'ranges-clear';
  clearAll.textContent = 'clear ranges';
  panel.append(fields, clearAll, problem);
  bar.append(toggle);
  bar.after(panel);
  toggle.addEventListener('click', () => { panel.hidden = !panel.hidden; toggle.setAttribute('aria-expanded', String(!panel.hidden)); sync(); });
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { panel.hidden = true; toggle.setAttribute('aria-expanded', 'false'); toggle.focus(); } });
  clearAll.addEventListener('click', () => {
    for (const [name, f] of fieldsByName) { f.min.value = f.max.value = ''; mark(name, {}); }
    ranges.clear();
  });

  const fieldsByName = new Map(); // name → { min, max }
  const problems = new Map(); // name → what is wrong with its fields
  let namesKey = null;

  function read(name) {
    const f = fieldsByName.get(name);
    const { range, problems: p } = rangeFromFields(f.min.value, f.max.value);
    mark(name, p);
    // A range it cannot read filters nothing (as the filter box does), rather than the last one read.
    ranges.set(name, range);
  }
  function mark(name, p) {
    const f = fieldsByName.get(name);
    for (const side of ['min', 'max']) {
      f[side].classList.toggle('bad', !!p[side]);
      f[side].setAttribute('aria-invalid', p[side] ? 'true' : 'false');
      f[side].title = p[side] ?? `${side} of ${name}`;
    }
    const what = p.min ?? p.max;
    if (what) problems.set(name, `${name}: ${what}`); else problems.delete(name);
    showProblems();
  }
  const showProblems = () => {
    problem.textContent = [...problems.values()].join('; ');
    clearAll.hidden = ranges.map.size === 0 && problems.size === 0;
  };

  function field(name, side) {
    const input = document.createElement('input');
    input.type = 'text';
    input.inputMode = 'decimal';
    input.className = `range-${side}`;
    input.dataset.param = name;
    input.placeholder = side;
    input.setAttribute('aria-label', `${side} of ${name}`);
    input.title = `${side} of ${name}`;
    input.addEventListener('input', () => read(name));
    return input;
  }

  /** Bring the fields in line with the ranges (a brush set one), leaving alone a field being typed in. */
  function sync() {
    // Right under the bar (which wraps onto more lines in a narrow window).
    if (!panel.hidden) panel.style.top = `${bar.offsetTop + bar.offsetHeight}px`;
    let active = 0;
    for (const [name, f] of fieldsByName) {
      const r = ranges.get(name);
      // A field being typed in, or one marked wrong while no range is set, keeps its text.
      if (f.min === document.activeElement || f.max === document.activeElement || (problems.has(name) && !r)) continue;
      for (const side of ['min', 'max']) {
        const want = r && !r.categories ? r[side] : null;
        if (parseBound(f[side].value).value !== want || parseBound(f[side].value).problem) f[side].value = fmtBound(want);
      }
      if (problems.has(name)) mark(name, {});
    }
    for (const chip of fields.querySelectorAll('.range-chip')) chip.remove();
    for (const [name, r] of ranges.map) {
      active++;
      if (!r.categories) continue;
      const chip = document.createElement('span');
      chip.className = 'range-chip';
      chip.dataset.param = name;
      const x = document.createElement('button');
      x.type = 'button';
      x.textContent = '×';
      x.title = `drop the range on ${name}`;
      x.addEventListener('click', () => ranges.set(name, null));
      chip.append(rangeText(name, r), ' ', x);
      fields.append(chip);
    }
    toggle.textContent = active ? `ranges (${active})` : 'ranges';
    toggle.classList.toggle('active', active > 0);
    showProblems();
  }
  ranges.onChange(sync);

  return {
    /** numeric: the names of the numeric parameters (and `value`) the rows have; redrawn when they change. */
    setParams(numeric, objectiveTitle) {
      const names = [...numeric, ...[...ranges.map.keys()].filter((n) => !numeric.includes(n) && !ranges.get(n).categories)];
      const key = `${names.join('\n')}|${objectiveTitle}`;
      if (key === namesKey) return;
      namesKey = key;
      for (const name of [...fieldsByName.keys()]) if (!names.includes(name)) fieldsByName.delete(name);
      fields.replaceChildren();
      for (const name of names) {
        const f = fieldsByName.get(name) ?? { min: field(name, 'min'), max: field(name, 'max') };
        fieldsByName.set(name, f);
        const label = document.createElement('label');
        label.className = 'range-field';
        label.dataset.param = name;
        label.append(name === 'value' ? objectiveTitle : name, ' ', f.min, '–', f.max);
        fields.append(label);
      }
      sync();
    },
  };
}
