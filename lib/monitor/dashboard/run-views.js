// The views of one run at a time: the population of an evolve run, the lineage of a PBT run. Which run
// (the latest of its kind, unless one is chosen in the bar) and which hyperparameter colours the lineage.
import { createLineageView } from './lineage.js';
import { createPopulationView } from './population.js';
import { fmtParams } from './svg.js';

export function createRunViews(m, $) {
  const populationView = createPopulationView($('population'));
  const lineageView = createLineageView($('lineage'));
  /** What each view drew last (for tests and the curious). */
  const drawn = { population: { generations: 0, dots: 0 }, lineage: { members: 0, arrows: 0, exploits: 0 } };
  const chosenRun = { population: null, lineage: null, parallel: null };
  let viewRun = null; // the run the current view shows
  let colourParam = null;

  /** The runs a view can show (population: evolve runs; lineage: PBT runs; parameters: runs with parameters), oldest first. */
  const viewRuns = (view) => {
    if (view === 'parallel') return [...new Set([...m.series.values()].filter((s) => s.params && Object.keys(s.params).length).map((s) => s.run))];
    const runs = view === 'population' ? m.populations : view === 'lineage' ? m.lineages : null;
    return runs ? [...runs.values()].sort((a, b) => a.order - b.order).map((r) => r.run) : [];
  };
  const sameOptions = (sel, values) => [...sel.options].map((o) => o.value).join('\n') === values.join('\n');
  const trialValue = (run) => (trial) => {
    const s = m.series.get(`${run}#${trial}`);
    return s ? { value: s.value, state: s.stopRequested && s.state === 'completed' ? 'stopped' : s.state } : undefined;
  };

  return {
    drawn,
    chooseRun(view, run) { chosenRun[view] = run; },
    /** The run the current view shows (null: none). */
    shownRun: () => viewRun,
    chooseColour(name) { colourParam = name; },
    /** Show the tabs that have something to show, and the bar's selectors for this view. */
    sync(view) {
      $('tab-population').hidden = m.populations.size === 0 && view !== 'population';
      $('tab-lineage').hidden = m.lineages.size === 0 && view !== 'lineage';
      const runs = viewRuns(view);
      $('run-label').hidden = runs.length < 2;
      const sel = $('view-run');
      if (!sameOptions(sel, runs)) sel.replaceChildren(...runs.map((r) => new Option(r, r)));
      viewRun = runs.includes(chosenRun[view]) ? chosenRun[view] : runs[runs.length - 1] ?? null;
      if (viewRun !== null && sel.value !== viewRun) sel.value = viewRun;
      const names = view === 'lineage' && viewRun !== null ? [...(m.lineages.get(viewRun)?.paramNames ?? [])].sort() : [];
      $('colour-label').hidden = names.length === 0;
      const csel = $('colour-param');
      if (!sameOptions(csel, names)) csel.replaceChildren(...names.map((n) => new Option(n, n)));
      if (!names.includes(colourParam)) colourParam = names[0] ?? null;
      if (colourParam !== null && csel.value !== colourParam) csel.value = colourParam;
    },
    draw(view) {
      if (view === 'population') {
        const p = viewRun === null ? undefined : m.populations.get(viewRun);
        const valueOf = p ? trialValue(p.run) : () => undefined;
        const max = (p?.direction ?? m.objectives.get(p?.run)?.direction) === 'maximize';
        drawn.population = populationView.draw(p, valueOf, max);
      } else {
        drawn.lineage = lineageView.draw(viewRun === null ? undefined : m.lineages.get(viewRun), colourParam);
      }
    },
    /** A PBT member's hyperparameter schedule, for the table: its parameters at the start, then each change. */
    scheduleText(s) {
      const x = m.lineages.get(s.run)?.members.get(s.member);
      if (!x || x.schedule.length === 0) return fmtParams(s.params);
      // The lineage keeps where each setting starts (epochs done); the table says from which epoch.
      const steps = x.schedule.map((e) => `${e.epoch + 1}: ${fmtParams(e.params)}`);
      return steps.length > 4 ? `${steps[0]} … ${steps.slice(-3).join(' → ')} (${steps.length} steps)` : steps.join(' → ');
    },
  };
}
