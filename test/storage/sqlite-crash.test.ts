/**
 * Real processes against one SQLite file: a study killed with SIGKILL mid-trial and resumed, and
 * several processes writing to one study at once.
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import { study } from '../../lib/study/study.js';
import type { SearchSpaceLike } from '../../lib/search/types.js';
import { startChild, type Child } from '../child-process.js';

const worker = fileURLToPath(new URL('./fixtures/sqlite-study-worker.ts', import.meta.url));
const space: SearchSpaceLike = { params: [{ name: 'x', distribution: { kind: 'float', low: 0, high: 100, log: false } }], isActive: () => true };

function startWorker(db: string, total: number, concurrency: number, sleepMs: number, steps: number, goFile?: string): Child {
  return startChild(worker, [db, String(total), String(concurrency), String(sleepMs), String(steps), ...(goFile ? [goFile] : [])]);
}

t.test('kill -9 mid-study, then resume', async (t) => {
  const db = join(t.testdir({}), 'crash.db');
  const total = 8;
  const first = startWorker(db, total, 1, 100, 3);
  t.teardown(() => first.child.kill('SIGKILL'));
  await first.waitFor(/^done 2$/);
  await first.waitFor(/^started 3$/);
  first.child.kill('SIGKILL'); // mid-trial 3 (unless this process was very slow: then a later one)
  t.same(await first.exited, { code: null, signal: 'SIGKILL' });

  // What the file holds after the crash: trials 0..k-1 finished, trial k still marked running.
  const peek = sqliteStorage(db);
  const before = peek.getTrials('crash');
  const k = before.length - 1;
  t.ok(k >= 3, `killed during trial ${k}`);
  t.same(before.map((x) => x.state), [...Array(k).fill('completed'), 'running']);
  t.same(before[0]?.intermediate, [[0, 0], [1, 1], [2, 2]]);
  peek.close();

  // Reopening marks the dead process's trial failed and carries on to the requested count.
  const second = startWorker(db, total, 1, 1, 3);
  t.teardown(() => second.child.kill('SIGKILL'));
  const { code } = await second.exited;
  t.equal(code, 0, second.stderr.join(''));
  t.equal(second.lines[0], `interrupted ${k}`);
  t.equal(second.lines.at(-1), 'exit');

  const storage = sqliteStorage(db);
  const s = study({ name: 'crash', direction: 'minimize', storage, space, sampler: { name: 'n', sample: () => ({ x: 0 }) } });
  const trials = s.trials();
  t.same(s.interrupted, [], 'nothing left to interrupt');
  t.same(trials.map((x) => x.number), [...Array(total + 1).keys()], 'numbers unique and consecutive');
  t.same(trials[k] && [trials[k].state, trials[k].error], ['failed', 'interrupted']);
  t.equal(trials.filter((x) => x.state === 'completed').length, total);
  t.same(trials.slice(0, k), before.slice(0, k), 'finished trials are there once, unchanged');
  t.ok(trials.filter((x) => x.state === 'completed').every((x) => x.intermediate.length === 3 && x.value === x.params.x));
  storage.close();
});

t.test('three processes write to one study at once', async (t) => {
  const dir = t.testdir({});
  const db = join(dir, 'shared.db');
  const go = join(dir, 'go');
  // Each aims for 30 finished trials in the shared study, two at a time, 5 reports each. They race to
  // create the schema and open the study, then wait for the go file to start their trials together.
  const runs = [0, 1, 2].map(() => startWorker(db, 30, 2, 1, 5, go));
  t.teardown(() => runs.forEach((r) => r.child.kill('SIGKILL')));
  await Promise.all(runs.map((r) => r.waitFor(/^ready$/)));
  writeFileSync(go, '');
  const exits = await Promise.all(runs.map((r) => r.exited));
  for (const [i, r] of runs.entries()) {
    t.same(exits[i], { code: 0, signal: null }, r.stderr.join(''));
    t.notMatch(r.stderr.join(''), /locked|busy/i, 'no lock errors');
  }
  const storage = sqliteStorage(db);
  const trials = storage.getTrials('crash');
  t.same(trials.map((x) => x.number), [...Array(trials.length).keys()], 'no duplicate or missing number');
  t.ok(trials.length >= 30, `${trials.length} trials`);
  t.ok(trials.every((x) => x.state === 'completed' && x.intermediate.length === 5), 'every trial finished with all its reports');
  const started = runs.flatMap((r) => r.lines.filter((l) => l.startsWith('started ')));
  t.equal(new Set(started).size, started.length, 'no trial number handed to two processes');
  t.equal(started.length, trials.length);
  // Trials were handed out in turns: the ranges of numbers the processes got overlap.
  const ranges = runs.map((r) => {
    const mine = r.lines.filter((l) => l.startsWith('started ')).map((l) => Number(l.slice(8)));
    return [Math.min(...mine), Math.max(...mine)] as const;
  });
  const overlaps = ranges.filter((a, i) => ranges.some((b, j) => i !== j && a[0] < b[1] && b[0] < a[1])).length;
  t.ok(overlaps >= 2, `the processes really wrote at the same time: ${JSON.stringify(ranges)}`);
  storage.close();
});

t.test('kill -9 at random moments of a write-heavy study never corrupts it', async (t) => {
  const db = join(t.testdir({}), 'stress.db');
  const total = 400;
  let interrupted = 0;
  for (let round = 0; round < 3; round++) {
    // No sleep between reports: the process spends its time inside write transactions.
    const w = startWorker(db, total, 2, 0, 20);
    t.teardown(() => w.child.kill('SIGKILL'));
    await w.waitFor(/^started/);
    await new Promise((r) => setTimeout(r, 100 + 150 * round));
    w.child.kill('SIGKILL');
    await w.exited;
    interrupted += w.lines.filter((l) => l.startsWith('interrupted')).length;
    const check = sqliteStorage(db);
    const trials = check.getTrials('crash');
    t.same(trials.map((x) => x.number), [...Array(trials.length).keys()], `round ${round}: ${trials.length} trials, numbers consecutive`);
    t.ok(trials.filter((x) => x.state === 'running').length <= 2, 'at most the two trials that were running');
    t.ok(
      trials.filter((x) => x.state === 'completed').every((x) => x.intermediate.length === 20 && x.value === x.params.x),
      'every completed trial whole',
    );
    t.ok(trials.every((x) => x.intermediate.every(([s, v], i) => s === i && v === (x.params.x as number) + s)), 'no torn report');
    check.close();
  }
  const db2 = new (await import('better-sqlite3')).default(db);
  t.equal(db2.pragma('integrity_check', { simple: true }), 'ok');
  db2.close();
  const last = startWorker(db, 60, 2, 0, 20);
  const { code } = await last.exited;
  t.equal(code, 0, last.stderr.join(''));
  interrupted += last.lines.filter((l) => l.startsWith('interrupted')).length;
  const final = sqliteStorage(db);
  const trials = final.getTrials('crash');
  t.equal(trials.filter((x) => x.state === 'running').length, 0, 'nothing left running');
  t.equal(trials.filter((x) => x.state === 'failed').length, interrupted, 'each interrupted trial failed once');
  t.ok(trials.filter((x) => x.state === 'completed').length >= 60);
  final.close();
});
