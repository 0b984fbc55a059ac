import t from 'tap';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, lastValueFrom, tap, timeout, toArray, type Observable } from 'rxjs';
import { workerPool } from '../../lib/parallel/worker-pool.js';
import { workerObjective } from '../../lib/distributed/worker-objective.js';
import { study } from '../../lib/study/study.js';
import { space, logUniform } from '../../lib/search/space.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { successiveHalvingPruner } from '../../lib/search/pruners/successive-halving-pruner.js';
import type { StudyEvent } from '../../lib/study/study-events.js';

const module = fileURLToPath(new URL('./fixtures/trial.ts', import.meta.url));

t.test('a study runs its trials in two worker threads, with pruning decided in the study', async (t) => {
  const pool = workerPool({ size: 2, backend: 'wasm' });
  t.teardown(() => pool.close());
  await pool.warm();
  const s = study({
    name: 'workers', direction: 'maximize', metric: 'val_accuracy',
    space: space({ lr: logUniform(1e-4, 3e-2) }), sampler: randomSampler({ seed: 3 }),
    pruner: successiveHalvingPruner({ minResource: 1, reductionFactor: 2 }),
  });
  const events = await lastValueFrom(s.optimize(workerObjective(pool, { module }), { trials: 6, concurrency: 2 }).pipe(toArray()));
  const ends = events.filter((e: StudyEvent) => e.type === 'trialCompleted' || e.type === 'trialPruned' || e.type === 'trialFailed');
  t.equal(ends.length, 6, 'every trial ended once');
  t.equal(events.filter((e) => e.type === 'trialFailed').length, 0, 'none failed');
  t.ok(events.some((e) => e.type === 'epochEnd'), 'epochs come back from the workers');
  const best = s.best();
  t.ok(best && best.value! > 0.8, `best val_accuracy ${best?.value}`);
  // Two trials overlapped in time: the second started before the first ended.
  const firstEnd = events.findIndex((e) => e.type === 'trialCompleted' || e.type === 'trialPruned');
  t.ok(events.slice(0, firstEnd).filter((e) => e.type === 'trialStarted').length >= 2, 'two trials ran at once');
});

t.test('bad arguments', async (t) => {
  t.throws(() => workerObjective({} as never, { module }), /workerObjective\(\): option 'pool' must be a workerPool\(\)/);
  const pool = workerPool({ size: 1 });
  t.throws(() => workerObjective(pool, { module: '' }), /'module' must be a non-empty string/);
  t.throws(() => workerObjective(pool, { module, prune: 'yes' } as never), /'prune' must be true or false/);
  await pool.close();
});

/** The events up to the error, and the error. */
function outcome(obs: Observable<StudyEvent>): Promise<{ events: StudyEvent[]; error?: Error & { code?: string } }> {
  const events: StudyEvent[] = [];
  return new Promise((resolve) => obs.subscribe({ next: (e) => events.push(e), error: (error: Error) => resolve({ events, error }), complete: () => resolve({ events }) }));
}

t.test('in threads too, a study that cannot succeed stops (issue 14 item 3)', async (t) => {
  const pool = workerPool({ size: 1, backend: 'cpu' });
  t.teardown(() => pool.close());
  const make = (name: string, metric = 'val_accuracy') =>
    study({ name, direction: 'maximize', metric, space: space({ lr: logUniform(1e-4, 3e-2) }), sampler: randomSampler({ seed: 3 }) });

  const typo = make('typo', 'val_acc');
  const a = await outcome(typo.optimize(workerObjective(pool, { module }), { trials: 6 }));
  t.match(a.error, { code: 'INVALID_CONFIG', message: /trial 0 failed with a configuration error.*prune\(\): epoch 1 has no metric 'val_acc', the study's 'metric' \(it has: loss, accuracy, val_loss, val_accuracy, lr\)/ });
  t.equal(typo.trials().length, 1, 'a metric typo stops the study at its first trial');

  const zero = make('zero');
  const b = await outcome(zero.optimize(workerObjective(pool, { module, export: 'zeroUnits' }), { trials: 6 }));
  t.match(b.error, { code: 'INVALID_CONFIG', message: /trial 0 failed with a configuration error.*units/ }, 'the code crosses the thread boundary');
  t.equal(zero.trials().length, 1);

  const bug = make('bug');
  const c = await outcome(bug.optimize(workerObjective(pool, { module, export: 'buggy' }), { trials: 20, maxConsecutiveFailures: 3 }));
  t.match(c.error, { code: 'TRIAL_FAILED', message: /its last 3 trials failed \(maxConsecutiveFailures: 3.*\): "Cannot read properties of undefined \(reading 'units'\)" \(trials 0, 1, 2\)$/ });
  t.equal(bug.trials().length, 3);
});

t.test('a thread that dies fails its trial with WORKER_FAILED, a failure of the trial, not of the configuration (issue 16 item 2)', async (t) => {
  const pool = workerPool({ size: 1, backend: 'cpu' });
  t.teardown(() => pool.close());
  await t.rejects(firstValueFrom(pool.run({ module, export: 'crash' })), { name: 'RxtrainError', code: 'WORKER_FAILED', message: /^worker thread exited with code 3 while running .*trial\.ts#crash$/ });
  const make = (name: string) => study({ name, direction: 'maximize', metric: 'val_accuracy', space: space({ lr: logUniform(1e-4, 3e-2) }), sampler: randomSampler({ seed: 3 }) });

  const dies = make('dies');
  const a = await outcome(dies.optimize(workerObjective(pool, { module, export: 'crash' }), { trials: 6, maxConsecutiveFailures: 2 }));
  t.match(a.error, { code: 'TRIAL_FAILED', message: /its last 2 trials failed \(maxConsecutiveFailures: 2.*\): "worker thread exited with code 3 while running .*trial\.ts#crash" \(trials 0, 1\)$/ });
  t.equal(dies.trials().length, 2, 'the first dead thread did not end the study');

  // A module without the export: a configuration error, which ends the study at its first trial.
  const typo = make('typo');
  const b = await outcome(typo.optimize(workerObjective(pool, { module, export: 'trian' }), { trials: 6 }));
  t.match(b.error, { code: 'INVALID_CONFIG', message: /trial 0 failed with a configuration error.*worker: module '.*trial\.ts' has no function export 'trian' \(exports: buggy, crash, default, zeroUnits\)/ });
  t.equal(typo.trials().length, 1);
});

const hang = fileURLToPath(new URL('./fixtures/hang.ts', import.meta.url));
const hangStudy = () => study({ name: 'hang', direction: 'maximize', metric: 'val_accuracy', space: space({ lr: logUniform(1e-4, 3e-2) }), sampler: randomSampler({ seed: 3 }) });

t.test('RxJS timeout on a thread trial: the hung trial fails, its only thread is replaced, later trials complete (issue 15 items 2, 3)', async (t) => {
  const pool = workerPool({ size: 1, backend: 'cpu', cancelGraceMs: 300 });
  t.teardown(() => pool.close());
  await pool.warm();
  const s = hangStudy();
  const inThreads = workerObjective(pool, { module: hang });
  // The documented pattern: at most 1 s between two events of a trial, however long the first takes
  // (trial 1 waits for the replaced thread to start).
  const objective = (trial: Parameters<typeof inThreads>[0]) => (inThreads(trial) as Observable<{ type: string }>).pipe(timeout({ first: 120_000, each: 1000 }));
  const at = new Map<string, number>();
  const { events, error } = await outcome(s.optimize(objective, { trials: 4 }).pipe(tap((e) => at.set(`${e.type} ${'trial' in e ? e.trial : ''}`, Date.now()))));
  t.equal(error, undefined);
  t.same(s.trials().map((x) => [x.state, x.error]), [['failed', 'Timeout has occurred'], ['completed', undefined], ['completed', undefined], ['completed', undefined]]);
  t.match(events.at(-1), { type: 'studyCompleted', reason: 'trials', completed: 3, failed: 1 });
  t.comment(`cancelGraceMs 300: the next trial completed ${at.get('trialCompleted 1')! - at.get('trialFailed 0')!} ms after the hung one timed out (the grace, then a new worker thread's start)`);
});

t.test('trialTimeout on thread trials: the hung trial fails with the reason, the study goes on (issue 15 item 3)', async (t) => {
  const pool = workerPool({ size: 2, backend: 'cpu', cancelGraceMs: 300 });
  t.teardown(() => pool.close());
  await pool.warm();
  const s = hangStudy();
  const { events, error } = await outcome(s.optimize(workerObjective(pool, { module: hang }), { trials: 4, trialTimeout: 3000 }));
  t.equal(error, undefined);
  t.same(s.trials().map((x) => x.state), ['failed', 'completed', 'completed', 'completed']);
  t.equal(s.trials()[0]?.error, 'trial 0 timed out: it ran longer than trialTimeout (3000 ms) and was stopped');
  t.match(events.at(-1), { type: 'studyCompleted', reason: 'trials', completed: 3, failed: 1 });
});
