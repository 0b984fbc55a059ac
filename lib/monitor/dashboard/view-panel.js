// A view of its own on the chart panel: its tab (hidden until it has something to show) and its panel,
// and the bar above a plot: selectors and a read-out of what the pointer is on.

/** Add tab `tab-<name>` (text) to the chart bar's tabs and panel #<name>; returns the panel. */
export function addViewPanel($, name, text) {
  const tab = document.createElement('button');
  tab.type = 'button';
  tab.id = `tab-${name}`;
  tab.className = 'tab';
  tab.textContent = text;
  tab.hidden = true;
  document.querySelector('.chart-bar .tabs').append(tab);
  const div = document.createElement('div');
  div.id = name;
  div.className = 'chart study-view';
  div.hidden = true;
  $('chart').parentElement.append(div);
  return div;
}

/**
 * A bar at the top of `container`: pick(label, id) adds a selector ({ label, sel, set(items, value) },
 * items being { value, text }), and `readout` (id `<readoutId>`) says what the pointer is on.
 */
export function createViewBar(container, readoutId) {
  const bar = document.createElement('div');
  bar.className = 'view-bar';
  const readout = document.createElement('span');
  readout.id = readoutId;
  readout.className = 'readout';
  bar.append(readout);
  container.append(bar);
  const pick = (label, id, onChange) => {
    const l = document.createElement('label');
    const sel = document.createElement('select');
    if (id) sel.id = id;
    l.append(`${label} `, sel);
    bar.insertBefore(l, readout);
    sel.addEventListener('change', () => onChange(sel.value));
    const set = (items, value) => {
      const text = items.map((o) => `${o.value}:${o.text}`).join('\n');
      if (sel.dataset.items !== text) { sel.replaceChildren(...items.map((o) => new Option(o.text, o.value))); sel.dataset.items = text; }
      if (sel.value !== String(value)) sel.value = String(value);
    };
    return { label: l, sel, set };
  };
  return { bar, readout, pick };
}
