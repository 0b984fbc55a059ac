// The study with the real samplers and pruners of lib/search, on cheap test functions.
import t from 'tap';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { study } from '../../lib/study/study.js';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import { choice, gridSampler, int, randomSampler, space, successiveHalvingPruner, tpeSampler, uniform } from '../../lib/search/index.js';

t.test('grid: every point once, then the study ends as exhausted', async (t) => {
  const s = study({ name: 'grid', direction: 'minimize', space: space({ k: choice(['a', 'b']), n: int(1, 3) }), sampler: gridSampler() });
  const events = await lastValueFrom(s.optimize((trial) => trial.params.n, { trials: 100 }).pipe(toArray()));
  t.match(events.at(-1), { type: 'studyCompleted', reason: 'exhausted', completed: 6 });
  t.same(new Set(s.trials().map((x) => `${x.params.k}${x.params.n}`)).size, 6);
});

t.test('random: the same seed draws the same trials, whatever the storage', async (t) => {
  const sp = space({ x: uniform(-1, 1), c: choice(['p', 'q', 'r']) });
  const draw = (storage = memoryStorage()) => {
    const s = study({ name: 'r', direction: 'minimize', storage, space: sp, sampler: randomSampler({ seed: 9 }) });
    return Array.from({ length: 10 }, () => {
      const trial = s.ask();
      s.tell(trial, 1);
      return trial.params;
    });
  };
  const sqlite = sqliteStorage(join(t.testdir({}), 'r.db'));
  t.same(draw(), draw(sqlite));
  sqlite.close();
});

t.test('tpe + ASHA on SQLite: converges, prunes, every record consistent', async (t) => {
  const storage = sqliteStorage(join(t.testdir({}), 'tpe.db'));
  const s = study({
    name: 'tpe',
    direction: 'minimize',
    storage,
    space: space({ x: uniform(-5, 5), y: uniform(-5, 5) }),
    sampler: tpeSampler({ seed: 4 }),
    pruner: successiveHalvingPruner({ minResource: 1, reductionFactor: 3 }),
  });
  await lastValueFrom(
    s.optimize(
      (trial) => {
        const f = (trial.params.x - 1) ** 2 + (trial.params.y + 2) ** 2;
        for (let step = 0; step < 9; step++) {
          trial.report(step, f + 4 / (step + 1));
          if (trial.shouldPrune()) return 'pruned';
        }
        return f;
      },
      { trials: 80 },
    ),
  );
  const trials = s.trials();
  t.equal(trials.length, 80);
  t.ok(s.best()!.value! < 0.5, `best ${s.best()!.value}`);
  const pruned = trials.filter((x) => x.state === 'pruned');
  t.ok(pruned.length > 20, `${pruned.length} pruned`);
  t.ok(pruned.every((x) => x.value === x.intermediate.at(-1)![1] && x.intermediate.length < 9), 'pruned early, with their last value');
  storage.close();
});

t.test('a typed trial fits prune(trial)', async (t) => {
  const { prune } = await import('../../operators/prune.js');
  const s = study({ name: 'typed', direction: 'maximize', metric: 'val_accuracy', space: space({ lr: uniform(0, 1) }), sampler: randomSampler({ seed: 1 }) });
  const trial = s.ask();
  const lr: number = trial.params.lr;
  t.type(prune(trial), 'function');
  t.type(lr, 'number');
});
