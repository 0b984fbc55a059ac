// The importance view: a study's latest paramImportance record (lib/monitor/importance-feed.ts) as one
// bar chart per objective, a bar per parameter, longest first. Plain HTML: bars are element widths.

const arrow = (d) => (d === 'maximize' ? '↑' : d === 'minimize' ? '↓' : '');

export function createImportanceView(container) {
  const bar = document.createElement('div');
  bar.className = 'view-bar';
  const label = document.createElement('label');
  const runSel = document.createElement('select');
  label.append('run ', runSel);
  const about = document.createElement('span');
  about.className = 'readout';
  // Pointing at a bar reads out its parameter, its share and of what.
  const readout = document.createElement('span');
  readout.id = 'importance-readout';
  readout.className = 'readout';
  bar.append(label, about, readout);
  const body = document.createElement('div');
  body.className = 'importance-body';
  container.append(bar, body);
  let chosenRun = null;
  let onChange = () => {};
  let drawnKey = null;
  runSel.addEventListener('change', () => { chosenRun = runSel.value; onChange(); });
  body.addEventListener('mouseover', (e) => {
    const row = e.target.closest?.('.importance-row');
    if (row) readout.textContent = row.dataset.readout;
  });

  return {
    onChange(fn) { onChange = fn; },
    /** m: the page's model. Returns what is drawn: { run, trials, bars }. */
    draw(m) {
      const runs = [...m.importance.keys()];
      const run = runs.includes(chosenRun) ? chosenRun : runs[runs.length - 1] ?? null;
      label.hidden = runs.length < 2;
      if ([...runSel.options].map((o) => o.value).join('\n') !== runs.join('\n')) runSel.replaceChildren(...runs.map((r) => new Option(r, r)));
      if (run !== null && runSel.value !== run) runSel.value = run;
      const e = run === null ? null : m.importance.get(run);
      const key = e ? `${run}|${e.trials}|${e.objectives.length}` : null;
      const bars = e ? e.objectives.reduce((a, o) => a + o.importance.length, 0) : 0;
      if (key === drawnKey) return { run, trials: e?.trials ?? 0, bars };
      drawnKey = key;
      body.replaceChildren();
      readout.textContent = '';
      if (!e) {
        about.textContent = '';
        const p = document.createElement('p');
        p.className = 'placeholder';
        p.textContent = 'no parameter importance yet: it is computed once a study has completed a few trials';
        body.append(p);
        return { run: null, trials: 0, bars: 0 };
      }
      about.textContent = `${e.evaluator === 'fanova' ? 'fANOVA' : 'mean decrease in impurity'} over ${e.trials} completed trials (${e.nTrees} trees)`;
      for (const o of e.objectives) {
        const section = document.createElement('section');
        section.className = 'importance-objective';
        const h = document.createElement('h3');
        h.textContent = `${o.metric ?? 'objective'} ${arrow(o.direction)}`;
        section.append(h);
        for (const [name, share] of o.importance) {
          const row = document.createElement('div');
          row.className = 'importance-row';
          row.dataset.param = name;
          row.dataset.readout = `${name}: ${(share * 100).toFixed(1)}% of the importance for ${o.metric ?? 'objective'} ${arrow(o.direction)} (rank ${o.importance.findIndex(([n]) => n === name) + 1} of ${o.importance.length})`;
          row.title = row.dataset.readout;
          const n = document.createElement('span');
          n.className = 'importance-name';
          n.textContent = name;
          const track = document.createElement('span');
          track.className = 'importance-track';
          const fill = document.createElement('span');
          fill.className = 'importance-bar';
          fill.style.width = `${(share * 100).toFixed(1)}%`;
          track.append(fill);
          const v = document.createElement('span');
          v.className = 'importance-value';
          v.textContent = `${(share * 100).toFixed(1)}%`;
          row.append(n, track, v);
          section.append(row);
        }
        body.append(section);
      }
      return { run, trials: e.trials, bars };
    },
  };
}
