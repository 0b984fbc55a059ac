// An evolve run's generations, from its `generationStarted` records (lib/monitor/protocol.ts): per
// generation its members (trial, origin, parents, parameters). A member's fitness and state are its
// trial's, read from the trial's series when drawing, so they stay current as its events arrive.

function populationOf(m, run) {
  let p = m.populations.get(run);
  if (!p) {
    p = { run, generations: [], best: [], direction: null, version: 0, order: m.lineages.size + m.populations.size };
    m.populations.set(run, p);
  }
  return p;
}

/** Apply one record; true when it was a population's own (the members' trial events are not). */
export function applyPopulation(m, run, e, series) {
  if (e.type !== 'generationStarted') return false;
  const p = populationOf(m, run);
  const members = Array.isArray(e.members) ? e.members : [];
  p.generations[e.generation] = { generation: e.generation, members };
  if (e.best && typeof e.best.value === 'number') p.best[e.generation] = e.best;
  // Which way is better travels with every generation (evolve's direction).
  if (e.direction === 'minimize' || e.direction === 'maximize') p.direction = e.direction;
  for (const x of members) {
    const s = series(x.trial);
    if (!s.params) s.params = x.params;
    if (s.generation === undefined) s.generation = e.generation;
  }
  p.version++;
  return true;
}
