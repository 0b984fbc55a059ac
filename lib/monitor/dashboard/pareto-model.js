// A multi-objective study's completed trials in objective space, from its records: their values,
// whether they satisfy the constraints, and the non-dominated front among the feasible ones (the rule
// of lib/study/objectives.ts's paretoFrontOf, which test/monitor/pareto-model.test.ts holds it to). And
// each run's latest parameter importance (lib/monitor/importance-feed.ts).

/** Whether loss vector a dominates b: no worse in every objective and better in one. */
export function dominates(a, b) {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/**
 * The indices of the points no other point dominates, ascending. points: arrays of values, one per
 * objective; directions: 'minimize' | 'maximize' per objective. Equal points are both kept.
 */
export function nonDominated(points, directions) {
  const losses = points.map((v) => v.map((x, i) => (directions[i] === 'maximize' ? -x : x)));
  // Sorted by the first loss, a point can only be dominated by one before it (or by an equal first loss).
  const order = losses.map((_, i) => i).sort((a, b) => losses[a][0] - losses[b][0]);
  const out = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    let dominated = false;
    for (let j = 0; j < order.length && !dominated; j++) {
      const o = order[j];
      if (losses[o][0] > losses[i][0]) break;
      if (o !== i && dominates(losses[o], losses[i])) dominated = true;
    }
    if (!dominated) out.push(i);
  }
  return out.sort((a, b) => a - b);
}

function paretoOf(m, run) {
  let p = m.pareto.get(run);
  if (!p) {
    p = { run, directions: null, metrics: null, trials: new Map(), version: 0, cached: null };
    m.pareto.set(run, p);
  }
  return p;
}

/**
 * Apply one record; true when it is one only this model reads (paramImportance). Multi-objective runs
 * are those whose events carry `directions` or `values`.
 */
export function applyPareto(m, run, e) {
  if (e.type === 'paramImportance') {
    if (Array.isArray(e.objectives)) m.importance.set(run, e);
    return true;
  }
  const declared = Array.isArray(e.directions) && e.directions.length > 1;
  if (declared) {
    const p = paretoOf(m, run);
    if (!p.directions || p.directions.join() !== e.directions.join()) {
      p.directions = e.directions;
      p.version++;
    }
    if (Array.isArray(e.metrics)) p.metrics = e.metrics;
  }
  if (e.type === 'trialCompleted' && Array.isArray(e.values) && e.values.length > 1 && typeof e.trial === 'number') {
    const p = paretoOf(m, run);
    p.trials.set(e.trial, { trial: e.trial, values: e.values, feasible: e.feasible !== false, constraints: e.constraints, params: e.params });
    p.version++;
  }
  return false;
}

/**
 * The run's trials split for drawing: { directions, metrics, feasible, infeasible, front } (trial
 * records; the front is of the feasible trials in every objective, in trial order). Cached per version.
 */
export function paretoView(p) {
  if (p.cached && p.cached.version === p.version) return p.cached;
  const all = [...p.trials.values()].sort((a, b) => a.trial - b.trial);
  const n = p.directions ? p.directions.length : all[0]?.values.length ?? 2;
  const directions = p.directions ?? Array.from({ length: n }, () => 'minimize');
  const metrics = Array.from({ length: n }, (_, i) => p.metrics?.[i] ?? `objective ${i + 1}`);
  const feasible = all.filter((t) => t.feasible && t.values.length === n && t.values.every(Number.isFinite));
  const ok = new Set(feasible);
  const infeasible = all.filter((t) => !ok.has(t));
  const front = nonDominated(feasible.map((t) => t.values), directions).map((i) => feasible[i]);
  p.cached = { version: p.version, directions, metrics, feasible, infeasible, front };
  return p.cached;
}
