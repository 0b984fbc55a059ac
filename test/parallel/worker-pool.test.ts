import t from 'tap';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray, take, firstValueFrom, merge } from 'rxjs';
import { workerPool } from '../../lib/parallel/worker-pool.js';

const tasks = fileURLToPath(new URL('./fixtures/tasks.ts', import.meta.url));
const pool = workerPool({ size: 2, backend: 'wasm' });
t.teardown(() => pool.close());

t.test('values and streams come back; two tasks run on two threads at once', async (t) => {
  t.same(await pool.warm(), ['wasm', 'wasm'], 'both workers started on wasm');
  t.equal(await firstValueFrom(pool.run<number>({ module: tasks, export: 'square', input: 7 })), 49);
  const runs = [0.01, 0.003].map((lr) => pool.run<{ type: string; threadId: number; metrics?: { val_accuracy: number } }>({ module: tasks, input: { lr, epochs: 3 } }).pipe(toArray()));
  const [a, b] = await Promise.all(runs.map((r) => lastValueFrom(r)));
  t.match(a![0], { type: 'runStart', backend: 'wasm' });
  t.equal(a!.filter((e) => e.type === 'epochEnd').length, 3);
  t.ok(a!.at(-1)!.metrics!.val_accuracy > 0.8, `val_accuracy ${a!.at(-1)!.metrics!.val_accuracy}`);
  t.not(a![0]!.threadId, b![0]!.threadId, 'the two runs ran in different threads');
});

t.test('unsubscribing cancels the task in its worker, which then takes the next task', async (t) => {
  const got = await lastValueFrom(pool.run<{ n: number }>({ module: tasks, export: 'ticks' }).pipe(take(3), toArray()));
  t.same(got.map((e) => e.n), [0, 1, 2]);
  // Both workers are free again: two new tasks finish.
  const both = await lastValueFrom(merge(pool.run({ module: tasks, export: 'square', input: 2 }), pool.run({ module: tasks, export: 'square', input: 3 })).pipe(toArray()));
  t.same([...both].sort(), [4, 9]);
});

t.test('a task that throws fails only its own run, with its message and code', async (t) => {
  await t.rejects(firstValueFrom(pool.run({ module: tasks, export: 'boom' })), { message: 'the objective failed on purpose', code: 'TRIAL_FAILED' });
  await t.rejects(firstValueFrom(pool.run({ module: tasks, export: 'nope' })), /has no function export 'nope'/);
  t.equal(await firstValueFrom(pool.run<number>({ module: tasks, export: 'square', input: 5 })), 25);
});

t.test('a worker that dies fails its task; the pool replaces it', async (t) => {
  await t.rejects(lastValueFrom(pool.run({ module: tasks, export: 'crash' })), /worker thread exited with code 3 while running .*tasks\.ts#crash/);
  t.equal(await firstValueFrom(pool.run<number>({ module: tasks, export: 'square', input: 6 })), 36);
});

t.test('bad arguments', async (t) => {
  t.throws(() => workerPool({ size: 0 }), /workerPool\(\): option 'size' must be a positive integer/);
  t.throws(() => pool.run({ module: '' }), /option 'module' must be a non-empty string/);
  t.throws(() => pool.run({ module: tasks, exports: 'x' } as never), /'exports' is not a known option/);
});

t.test('a hung task gives its thread back: cancelled, it is terminated after cancelGraceMs and replaced', async (t) => {
  const one = workerPool({ size: 1, backend: 'cpu', cancelGraceMs: 200 });
  t.teardown(() => one.close());
  const before = await firstValueFrom(one.run<number>({ module: tasks, export: 'thread' }));
  // The task's first event arrives, then its thread spins: take(1) unsubscribes, which cancels it.
  t.same(await firstValueFrom(one.run({ module: tasks, export: 'spin' })), { n: 0 });
  // Queued behind the hung task: each runs once the pool has replaced its only worker.
  const later = await Promise.all([2, 3, 4].map((x) => firstValueFrom(one.run<number>({ module: tasks, export: 'square', input: x }))));
  t.same(later, [4, 9, 16], 'every later task completes');
  const after = await firstValueFrom(one.run<number>({ module: tasks, export: 'thread' }));
  t.not(after, before, 'on a new thread');
  t.throws(() => workerPool({ cancelGraceMs: 0 }), /workerPool\(\): option 'cancelGraceMs' must be a positive integer/);
});
