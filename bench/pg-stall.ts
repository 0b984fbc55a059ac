/**
 * What one frozen PostgreSQL worker costs the others (issue 15 item 4). Three worker processes
 * (test/storage/fixtures/pg-reporter.ts) report to one study as fast as they can; worker 0 is frozen
 * with SIGSTOP for `--freeze` seconds (while its session sits idle in a transaction, if it ever does
 * within 200 looks; else mid-trial), then resumed. Prints, for the two others, the longest pause
 * between two reports while w0 was frozen, their failed trials, and the trials lost (failed and not
 * queued again).
 *
 *   node --conditions=rxtrain-source --import=tsx bench/pg-stall.ts [--freeze 20] [--lib tmp/before/lib]
 *
 * `--lib` runs another copy of the storage (e.g. the code before the fix, from git archive). Needs the
 * PostgreSQL of the tests (RXTRAIN_TEST_PG, default postgres://postgres@127.0.0.1:5432/test).
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startChild, type Child } from '../test/child-process.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const freezeS = Number(opt('freeze') ?? 20);
const lib = opt('lib');
const url = process.env.RXTRAIN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const reporter = fileURLToPath(new URL('../test/storage/fixtures/pg-reporter.ts', import.meta.url));
const schema = `rxtrain_stall_${process.pid}`;

const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
const workers = [0, 1, 2].map(() => startChild(reporter, [url, schema, '12', '60', ...(lib ? [lib] : [])]));
const [w0, ...healthy] = workers as [Child, Child, Child];
await Promise.all(workers.map((w) => w.waitFor(/^report /)));

// 'locking': idle in a transaction whose last statement locked the study row (the code before the fix).
const states = async (): Promise<string[]> =>
  (await admin.query<{ state: string; query: string }>(`SELECT state, query FROM pg_stat_activity WHERE application_name LIKE $1`, [`rxtrain %:${w0.child.pid}:%`])).rows.map((r) =>
    r.state === 'idle in transaction' && r.query.includes('UPDATE rxtrain_studies') ? 'locking' : r.state,
  );
let mid = false;
for (let i = 0; i < 200 && !mid; i++) {
  if (!(await states()).includes('locking')) continue;
  w0.child.kill('SIGSTOP');
  mid = (await states()).includes('locking');
  if (!mid) w0.child.kill('SIGCONT');
}
if (!mid) w0.child.kill('SIGSTOP');
const frozenAt = Date.now();
const waiting = async (): Promise<number> =>
  Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE NOT granted`)).rows[0]!.n);
await new Promise((r) => setTimeout(r, (freezeS * 1000) / 2));
const blocked = await waiting();
await new Promise((r) => setTimeout(r, (freezeS * 1000) / 2));
const resumedAt = Date.now();
w0.child.kill('SIGCONT');
await Promise.all(workers.map((w) => w.exited));

const times = (c: Child): number[] => c.lines.filter((l) => l.startsWith('report ')).map((l) => Number(l.split(' ')[1]));
const longest = (c: Child): number => {
  // The longest pause between two reports while w0 was frozen (from the freeze to the first report,
  // and up to the resume if the worker still had trials to run then).
  const all = times(c);
  const during = all.filter((x) => x > frozenAt && x < resumedAt);
  const after = all.find((x) => x >= resumedAt);
  const t = [frozenAt, ...during, ...(after !== undefined ? [resumedAt] : [])];
  return t.slice(1).reduce((m, x, i) => Math.max(m, x - t[i]!), 0);
};
const trials = (await admin.query<{ number: number; state: string; error: string | null; attrs: string | null }>(`SELECT number, state, error, attrs FROM "${schema}".rxtrain_trials ORDER BY number`)).rows;
const lost = trials.filter((x) => x.state === 'failed' && !(x.attrs ?? '').includes('requeuedAs'));
console.log(
  JSON.stringify(
    {
      storage: lib ?? 'this checkout',
      freezeS,
      frozenMidTransaction: mid,
      lockWaitsDuringFreeze: blocked,
      longestPauseOfHealthyMs: healthy.map(longest),
      healthyFailed: healthy.map((w) => w.lines.filter((l) => l.startsWith('failed '))),
      w0: w0.lines.filter((l) => !l.startsWith('report ')),
      lost: lost.map((x) => [x.number, x.error]),
      leftRunning: trials.filter((x) => x.state === 'running').length,
      stderr: workers.map((w) => w.stderr.join('').split('\n').filter((l) => /already executing|Error/.test(l)).slice(0, 3)),
    },
    null,
    1,
  ),
);
await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
await admin.end();
