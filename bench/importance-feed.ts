// What importanceFeed() costs the monitor's thread at the sizes a live study reaches: one computation
// over 100, 300, 1000 and 3000 completed trials of a 4-parameter, 2-objective study (each objective
// assessed: two forests), with the evaluator and trees the feed picks at that size. Run:
//   node --conditions=rxtrain-source --import=tsx bench/importance-feed.ts
import { from, lastValueFrom, toArray } from 'rxjs';
import { importanceFeed } from '../lib/monitor/importance-feed.js';
import { createRandom } from '../lib/random.js';

const random = createRandom(1);
const rnd = (): number => random.float();
const eventsOf = (n: number) => [
  { type: 'trialStarted', trial: 0, params: {}, time: 0, directions: ['minimize', 'minimize'], metrics: ['f1', 'f2'] },
  ...Array.from({ length: n }, (_, i) => {
    const params = { lr: rnd(), units: Math.floor(rnd() * 64) + 1, dropout: rnd() * 0.5, act: rnd() < 0.5 ? 'relu' : 'tanh' };
    const values = [params.lr ** 2 + 0.1 * params.dropout + rnd() * 0.01, params.units / 64 + (params.act === 'relu' ? 0.1 : 0)];
    return { type: 'trialCompleted', trial: i, value: values[0], values, params, durationMs: 1 };
  }),
];

for (const n of [100, 300, 1000, 3000]) {
  const events = eventsOf(n);
  const t0 = performance.now();
  const out = await lastValueFrom(from(events).pipe(importanceFeed({ minTrials: n }), toArray()));
  const e = out[0]!;
  console.log(`${n} trials: ${e.evaluator}, ${e.nTrees} trees, 2 objectives: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}
