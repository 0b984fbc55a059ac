import t from 'tap';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, map, mergeMap, from, toArray } from 'rxjs';
import { evolve } from '../../lib/evolve/evolve.js';
import { workerPool } from '../../lib/parallel/worker-pool.js';
import { workerObjective } from '../../lib/distributed/worker-objective.js';
import { space, logUniform, int } from '../../lib/search/space.js';
import type { MemberEvent } from '../../lib/evolve/types.js';

const module = fileURLToPath(new URL('./fixtures/member.ts', import.meta.url));

t.test('members train in two worker threads; fitness is their val_accuracy', async (t) => {
  const pool = workerPool({ size: 2, backend: 'wasm' });
  t.teardown(() => pool.close());
  await pool.warm();
  const s = space({ lr: logUniform(1e-3, 3e-2), units: int(8, 32) });
  const ends: MemberEvent[][] = await lastValueFrom(
    evolve(s, workerObjective<{ lr: number; units: number }>(pool, { module }), { populationSize: 4, generations: 2, concurrency: 2, seed: 3, metric: 'val_accuracy', direction: 'maximize' }).pipe(
      mergeMap((p) => from(Promise.all(p.members.map((m) => lastValueFrom(m.events.pipe(toArray()))))), 1),
      toArray(),
      map((gens) => gens.flat()),
    ),
  );
  t.equal(ends.length, 8, 'two generations of four');
  const trials = ends.filter((es) => es[0]?.type === 'trialStarted');
  t.equal(trials.length, 7, 'seven trials ran (the elite was carried over)');
  t.ok(trials.every((es) => es.filter((e) => e.type === 'epochEnd').length === 2 && es.at(-1)!.type === 'trialCompleted'), 'each streamed its 2 epochs from its worker and completed');
  const best = Math.max(...ends.map((es) => { const e = es.at(-1)!; return e.type === 'trialCompleted' ? e.value : 0; }));
  t.ok(best > 0.7, `best val_accuracy ${best}`);
});
