// The dashboard's Pareto front (a plain file: the page has no build step) must be the study's: the
// same trials as lib/study/objectives.ts's paretoFrontOf for any directions, ties and constraints, and
// built from the records a multi-objective study sends.
import t from 'tap';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRandom } from '../../lib/random.js';
import { paretoFrontOf } from '../../lib/study/objectives.js';
import type { Direction, FrozenTrial } from '../../lib/search/types.js';

const dir = join(fileURLToPath(new URL('../../', import.meta.url)), 'lib', 'monitor', 'dashboard');
type Trial = { trial: number; values: number[]; feasible: boolean; params: Record<string, unknown> };
type View = { directions: Direction[]; metrics: string[]; feasible: Trial[]; infeasible: Trial[]; front: Trial[] };
type Model = { apply(r: { seq: number; run: string; event: Record<string, unknown> }): void; pareto: Map<string, unknown>; importance: Map<string, { trials: number }>; series: Map<string, { state: string; value: number }> };
const load = async () => ({
  pm: (await import(pathToFileURL(join(dir, 'pareto-model.js')).href)) as { nonDominated(p: number[][], d: Direction[]): number[]; paretoView(p: unknown): View },
  model: (await import(pathToFileURL(join(dir, 'model.js')).href)) as { createModel(h: { onMetrics(): void }): Model },
});

t.test("nonDominated is paretoFrontOf's rule: any directions, ties, 2 to 4 objectives", async (t) => {
  const { pm } = await load();
  const random = createRandom(7);
  for (let round = 0; round < 60; round++) {
    const k = 2 + (round % 3);
    const directions = Array.from({ length: k }, () => (random.float() < 0.5 ? 'minimize' : 'maximize') as Direction);
    const n = 1 + random.int(40);
    // Few distinct values, so that ties and equal points happen.
    const points = Array.from({ length: n }, () => Array.from({ length: k }, () => random.int(round % 2 ? 5 : 1000)));
    const trials: FrozenTrial[] = points.map((values, number) => ({ number, state: 'completed', params: {}, values, intermediate: [] }));
    const expected = paretoFrontOf(trials, directions).map((x) => x.number);
    t.same(pm.nonDominated(points, directions), expected, `round ${round}: ${n} points, ${directions.join('/')}`);
  }
});

t.test('a study\'s records make its objective space: front of the feasible trials, infeasible apart, importance kept', async (t) => {
  const { pm, model } = await load();
  const m = model.createModel({ onMetrics: () => {} });
  let seq = 0;
  const send = (event: Record<string, unknown>) => m.apply({ seq: ++seq, run: 'mo', event });
  const directions = ['maximize', 'minimize'];
  const metrics = ['val_accuracy', 'params'];
  const points: [number, number, boolean][] = [[0.8, 100, true], [0.9, 300, true], [0.85, 400, true], [0.95, 50, false], [0.7, 90, true], [0.9, 300, true]];
  points.forEach(([acc, size, feasible], trial) => {
    send({ type: 'trialStarted', trial, params: { units: size }, time: 0, direction: 'maximize', metric: 'val_accuracy', directions, metrics });
    send({ type: 'trialCompleted', trial, value: acc, values: [acc, size], constraints: [feasible ? -1 : 1], feasible, params: { units: size }, durationMs: 1 });
  });
  const v = pm.paretoView(m.pareto.get('mo'));
  t.same(v.directions, directions);
  t.same(v.metrics, metrics);
  // 0.95/50 dominates everything but is infeasible; 0.85/400 is dominated by 0.9/300; the two equal 0.9/300 both stay.
  t.same(v.front.map((x) => x.trial), [0, 1, 4, 5]);
  t.same(v.infeasible.map((x) => x.trial), [3]);
  const trials: FrozenTrial[] = points.map(([a, s, f], number) => ({ number, state: 'completed', params: {}, values: [a, s], constraints: [f ? -1 : 1], intermediate: [] }));
  t.same(v.front.map((x) => x.trial), paretoFrontOf(trials, directions as Direction[]).map((x) => x.number), "the study's own front");
  t.equal(m.series.get('mo#1')?.state, 'completed', 'the trials are still rows of the table');
  send({ type: 'paramImportance', trials: 6, evaluator: 'fanova', nTrees: 64, objectives: [{ metric: 'val_accuracy', direction: 'maximize', importance: [['units', 1]] }] });
  t.equal(m.importance.get('mo')?.trials, 6);
  t.notOk(m.series.has('mo'), 'importance is no series of its own');
});

t.test('a single-objective study has no objective space', async (t) => {
  const { model } = await load();
  const m = model.createModel({ onMetrics: () => {} });
  m.apply({ seq: 1, run: 's', event: { type: 'trialStarted', trial: 0, params: {}, time: 0, direction: 'minimize' } });
  m.apply({ seq: 2, run: 's', event: { type: 'trialCompleted', trial: 0, value: 1, params: {}, durationMs: 1 } });
  t.equal(m.pareto.size, 0);
});
