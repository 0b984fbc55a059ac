// A PBT run's lineage, from its events (lib/pbt/types.ts): per member its hyperparameter schedule and
// how far it trained; the exploits (who copied whom, when) in arrival order; failures. Lists only
// grow, so the view can draw what is new since it last looked.

function lineageOf(m, run) {
  let l = m.lineages.get(run);
  if (!l) {
    l = { run, members: new Map(), exploits: [], failures: [], readies: 0, start: 0, maxEpoch: 0, best: null, done: false, paramNames: new Set(), version: 0, order: m.lineages.size };
    m.lineages.set(run, l);
  }
  return l;
}

function memberOf(l, member) {
  let x = l.members.get(member);
  if (!x) {
    x = { member, schedule: [], epoch: l.start, value: undefined };
    l.members.set(member, x);
  }
  return x;
}

function addParams(l, params) {
  for (const k of Object.keys(params || {})) l.paramNames.add(k);
}

/**
 * Apply one record to the run's lineage. Returns true when the event is PBT's own (handled here);
 * false for others, and for a member's `epochEnd`, which the curves use too.
 * series(member): the member's curve series; setState(series, state).
 */
export function applyLineage(m, run, e, series, setState) {
  switch (e.type) {
    case 'pbtStarted': {
      const l = lineageOf(m, run);
      l.start = e.epoch;
      l.maxEpoch = Math.max(l.maxEpoch, e.epoch);
      for (const { member, params } of e.members || []) {
        const x = memberOf(l, member);
        x.epoch = Math.max(x.epoch, e.epoch);
        if (!x.schedule.length) x.schedule.push({ epoch: e.epoch, params });
        addParams(l, params);
        series(member).params = params;
      }
      l.version++;
      return true;
    }
    case 'epochEnd': {
      const l = m.lineages.get(run);
      if (!l || typeof e.member !== 'number' || typeof e.trial === 'number') return false;
      const x = memberOf(l, e.member);
      x.epoch = Math.max(x.epoch, e.epoch);
      if (typeof e.value === 'number') x.value = e.value;
      l.maxEpoch = Math.max(l.maxEpoch, x.epoch);
      l.version++;
      return false;
    }
    case 'memberFailed': {
      const l = lineageOf(m, run);
      l.failures.push({ member: e.member, epoch: e.epoch, error: e.error });
      l.version++;
      return true;
    }
    case 'ready': {
      const l = lineageOf(m, run);
      l.readies++;
      l.lastRanking = e.ranking;
      l.version++;
      return true;
    }
    case 'exploit': {
      const l = lineageOf(m, run);
      l.exploits.push({ member: e.member, donor: e.donor, epoch: e.epoch, value: e.value, donorValue: e.donorValue });
      memberOf(l, e.donor);
      memberOf(l, e.member);
      l.version++;
      return true;
    }
    case 'explore': {
      const l = lineageOf(m, run);
      const x = memberOf(l, e.member);
      x.schedule.push({ epoch: e.epoch, params: e.newParams });
      addParams(l, e.newParams);
      series(e.member).params = e.newParams;
      l.version++;
      return true;
    }
    case 'pbtCompleted': {
      const l = lineageOf(m, run);
      l.done = true;
      l.maxEpoch = Math.max(l.maxEpoch, e.epoch);
      // A row shows its slot's own parameters over time; pbt's schedule is that of the final weights,
      // inherited through the copies (the donor's before an exploit): shown on hover.
      for (const r of e.members || []) {
        const x = memberOf(l, r.member);
        if (Array.isArray(r.schedule)) x.inherited = r.schedule;
        x.value = r.value;
        const s = series(r.member);
        s.value = r.value;
        s.params = r.params;
        setState(s, 'completed');
      }
      if (e.best) {
        l.best = e.best.member;
        m.bestByRun.set(run, `${run}@${e.best.member}`);
        m.structural++;
      }
      l.version++;
      return true;
    }
    default:
      return false;
  }
}
