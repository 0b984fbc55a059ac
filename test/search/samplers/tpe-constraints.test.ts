import t from 'tap';
import { randomSampler } from '../../../lib/search/samplers/random-sampler.js';
import { tpeSampler } from '../../../lib/search/samplers/tpe-sampler.js';
import { space, uniform } from '../../../lib/search/space.js';
import type { FrozenTrial, Sampler } from '../../../lib/search/types.js';

// Minimise x on [0, 10] subject to x ≥ 3: the constrained optimum is at 3, the unconstrained one at 0.
const s = space({ x: uniform(0, 10) });

function proposals(sampler: Sampler, constrained: boolean, n = 60): number[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const x = sampler.sample(s, trials, { direction: 'minimize', trialNumber: i }).x as number;
    trials.push({ number: i, state: 'completed', params: { x }, value: x, intermediate: [], ...(constrained ? { constraints: [3 - x] } : {}) });
  }
  return trials.slice(30).map((x) => x.params.x as number);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

t.test('TPE puts infeasible trials in the bad group: it searches near the constrained optimum', async (t) => {
  const free = proposals(tpeSampler({ seed: 2 }), false);
  const bound = proposals(tpeSampler({ seed: 2 }), true);
  t.ok(median(free) < 1.5, `unconstrained: median proposal ${median(free)} near 0`);
  t.ok(median(bound) > 2.5 && median(bound) < 4.5, `constrained: median proposal ${median(bound)} near 3`);
  const feasible = (xs: number[]) => xs.filter((x) => x >= 3).length;
  t.ok(feasible(bound) > 2 * feasible(free), `more feasible proposals: ${feasible(bound)} vs ${feasible(free)} of ${bound.length}`);
});

t.test('random sampling ignores constraints', async (t) => {
  t.same(proposals(randomSampler({ seed: 4 }), true), proposals(randomSampler({ seed: 4 }), false));
});
