// A multi-objective study run by remote workers (runWorker) on a shared storage: the worker opens the
// study with its directions and metrics, and the driver follows trials that end with several values.
import t from 'tap';
import { lastValueFrom, of, toArray } from 'rxjs';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import { study } from '../../lib/study/study.js';
import { space, uniform } from '../../lib/search/space.js';
import { nsga2Sampler } from '../../lib/search/samplers/nsga2-sampler.js';
import { remoteWorkers } from '../../lib/distributed/remote-source.js';
import { runWorker } from '../../lib/distributed/run-worker.js';
import type { Trial } from '../../lib/study/trial.js';

const objective = (trial: Trial<{ x: number }>) =>
  of({ type: 'epochEnd', epoch: 0, metrics: { loss: 1, acc: trial.params.x, size: trial.params.x ** 2 } });

t.test('a driver and a worker share a multi-objective study', async (t) => {
  const storage = memoryStorage();
  const s = study({
    name: 'remote-mo',
    directions: ['maximize', 'minimize'],
    metrics: ['acc', 'size'],
    storage,
    space: space({ x: uniform(0, 1) }),
    sampler: nsga2Sampler({ seed: 1, populationSize: 4 }),
  });
  const worker = lastValueFrom(runWorker({ storage, study: 'remote-mo', objective, idleMs: 50 }).pipe(toArray()));
  const events = await lastValueFrom(s.optimize(remoteWorkers(), { trials: 8, concurrency: 2 }).pipe(toArray()));
  await worker;
  t.equal(s.trials(['completed']).length, 8);
  t.ok(s.trials().every((x) => x.values?.[0] === x.params.x && x.values?.[1] === (x.params.x as number) ** 2), 'values read from each epoch');
  t.ok(events.some((e) => e.type === 'paretoFrontChanged'), 'the driver reports the front');
  t.same(s.paretoFront().length, 8, 'every trial trades acc against size: all on the front');
});
