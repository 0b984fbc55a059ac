// A multi-objective study's events (directions, values, paretoFrontChanged, a studyCompleted without
// best) through what shows study events: `rxtrain watch`'s table and the dashboard's model. They show
// such a study by its first objective, and take the new event in their stride.
import t from 'tap';
import { lastValueFrom, of, toArray } from 'rxjs';
import { watchTable } from '../../lib/monitor/watch-table.js';
// @ts-expect-error the dashboard is plain browser JavaScript, without types
import { createModel } from '../../lib/monitor/dashboard/model.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { space, uniform } from '../../lib/search/space.js';
import { study } from '../../lib/study/study.js';
import type { StudyEvent } from '../../lib/study/study-events.js';

const epochEnd = (epoch: number, metrics: Record<string, number>) => ({ type: 'epochEnd', epoch, metrics: { loss: 0, ...metrics }, samples: 1, steps: 1, durationMs: 0 }) as const;

async function events(): Promise<StudyEvent[]> {
  const s = study({
    name: 'mo',
    directions: ['maximize', 'minimize'],
    metrics: ['val_accuracy', 'params'],
    space: space({ x: uniform(0, 1) }),
    sampler: randomSampler({ seed: 1 }),
  });
  return lastValueFrom(
    s.optimize((trial) => of(epochEnd(0, { val_accuracy: trial.params.x / 2, params: 10 }), epochEnd(1, { val_accuracy: trial.params.x, params: 100 * trial.params.x })), { trials: 4 }).pipe(toArray()),
  );
}

t.test('the watch table and the dashboard model take a multi-objective study', async (t) => {
  const evs = await events();
  t.ok(evs.some((e) => e.type === 'paretoFrontChanged'), 'the study emitted paretoFrontChanged');
  const records = evs.map((event, i) => ({ seq: i + 1, run: 'mo', time: 0, event }));

  const table = watchTable();
  for (const r of records) table.apply(r as never);
  const rows = table.rows();
  t.equal(rows.length, 4);
  t.ok(rows.every((r) => r.state === 'completed'), 'every trial shown completed');
  t.ok(rows.every((r) => r.metricName === 'val_accuracy' && r.direction === 'maximize'), 'shown by the first objective');
  t.match(table.render(200), /4 runs\/trials \(4 completed\)/);

  let metricNames = 0;
  const model = createModel({ onMetrics: () => metricNames++ });
  for (const r of records) model.apply(r);
  const series = [...model.series.values()].filter((s: { trial?: number }) => s.trial !== undefined);
  t.equal(series.length, 4);
  t.ok(series.every((s: { state: string }) => s.state === 'completed'));
  t.same(model.objectives.get('mo'), { metric: 'val_accuracy', direction: 'maximize' });
  t.ok(metricNames > 0);
});
