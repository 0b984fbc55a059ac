// An evolve run's generations, from its `generationStarted` records (lib/monitor/protocol.ts): per
// generation its members (trial, origin, parents, parameters). A member's fitness and state are its
// trial's, read from the trial's series when drawing, so they stay current as its events arrive.

function populationOf(m, run) {
  let p = m.populations.get(run);
  if (!p) {
    p = { run, generations: [], best: [], version: 0, order: m.lineages.size + m.populations.size };
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
  // The best of the earlier generations, as evolve reports it: it tells which way is better.
  if (e.best && typeof e.best.value === 'number') p.best[e.generation] = e.best;
  for (const x of members) {
    const s = series(x.trial);
    if (!s.params) s.params = x.params;
    if (s.generation === undefined) s.generation = e.generation;
  }
  p.version++;
  return true;
}

/**
 * Whether higher fitness is better in this run, or null if it cannot tell yet: the best evolve
 * reports (of the earlier generations) is their highest value or their lowest.
 */
export function populationDirection(p, valueOf) {
  for (let g = p.generations.length - 1; g > 0; g--) {
    const best = p.best[g];
    if (!best) continue;
    let lo = Infinity, hi = -Infinity;
    for (let k = 0; k < g; k++) {
      for (const x of p.generations[k]?.members || []) {
        const v = valueOf(x.trial);
        if (v && v.state === 'completed' && typeof v.value === 'number') { lo = Math.min(lo, v.value); hi = Math.max(hi, v.value); }
      }
    }
    if (lo === hi) continue;
    if (best.value >= hi) return true;
    if (best.value <= lo) return false;
  }
  return null;
}
