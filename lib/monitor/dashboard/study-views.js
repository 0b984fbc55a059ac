// The views of a study's results: its Pareto front (./pareto.js, multi-objective studies) and the
// importance of its parameters (./importance.js). Each adds its tab and its panel to the page, and
// shows its tab once it has something to show.
import { createImportanceView } from './importance.js';
import { createParetoView } from './pareto.js';
import { addViewPanel } from './view-panel.js';

export function createStudyViews(m, $) {
  const add = (name, text) => addViewPanel($, name, text);
  const pareto = createParetoView(add('pareto', 'Pareto front'));
  const importance = createImportanceView(add('importance', 'importance'));
  const redraw = () => m.version++;
  pareto.onChange(redraw);
  importance.onChange(redraw);
  /** What each view drew last (for tests and the curious). */
  const drawn = { pareto: { run: null, points: 0, front: 0, infeasible: 0 }, importance: { run: null, trials: 0, bars: 0 } };

  return {
    drawn,
    /** Tab → id of its panel, for the page's tab switching. */
    views: { pareto: 'pareto', importance: 'importance' },
    owns: (view) => view === 'pareto' || view === 'importance',
    /** Show the tabs that have something to show; draw `view` if it is one of these (true then). */
    draw(view) {
      $('tab-pareto').hidden = m.pareto.size === 0 && view !== 'pareto';
      $('tab-importance').hidden = m.importance.size === 0 && view !== 'importance';
      if (view === 'pareto') drawn.pareto = pareto.draw(m);
      else if (view === 'importance') drawn.importance = importance.draw(m);
      else return false;
      return true;
    },
  };
}
