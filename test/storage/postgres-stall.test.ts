/**
 * One stalled PostgreSQL worker must not stop the others (issue 15 item 4). Three worker processes
 * report to one study as fast as they can; one is frozen (SIGSTOP, as a paused VM or a network
 * partition would) while its session sits in a transaction if it ever does. The other two must keep
 * reporting, none of their trials may fail, and the frozen worker's trial is re-queued, not lost.
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { filter, firstValueFrom, lastValueFrom, tap, toArray } from 'rxjs';
import { postgresStorage } from '../../lib/storage/postgres/postgres-storage.js';
import { study } from '../../lib/study/study.js';
import { PG_URL, pgSkip, freshSchema, dropSchemas } from './postgres-helpers.js';
import { startChild, type Child } from '../child-process.js';

const reporter = fileURLToPath(new URL('./fixtures/pg-reporter.ts', import.meta.url));
t.teardown(() => (pgSkip ? undefined : dropSchemas()));

/** The states of `pid`'s rxtrain sessions (its storage names them `rxtrain <host>:<pid>:...`). */
async function sessions(client: pg.Client, pid: number): Promise<string[]> {
  const { rows } = await client.query<{ state: string; query: string }>(`SELECT state, query FROM pg_stat_activity WHERE application_name LIKE $1`, [`rxtrain %:${pid}:%`]);
  // 'locking': idle in a transaction whose last statement locked the study row (the code before the fix).
  return rows.map((r) => (r.state === 'idle in transaction' && r.query.includes('UPDATE rxtrain_studies') ? 'locking' : r.state));
}

/** The trial `pid` runs now, if any. */
async function runningTrial(client: pg.Client, schema: string, pid: number): Promise<number | undefined> {
  const { rows } = await client.query<{ number: number }>(`SELECT number FROM "${schema}".rxtrain_trials WHERE state = 'running' AND owner LIKE $1`, [`%:${pid}:%`]);
  return rows[0]?.number;
}

const reports = (c: Child): number => c.lines.filter((l) => l.startsWith('report ')).length;

/** Resolves once each child printed `count` more reports than it had; rejects after `ms` without. */
async function moreReports(children: readonly Child[], count: number, ms: number): Promise<void> {
  const from = children.map(reports);
  let deadline: NodeJS.Timeout | undefined;
  const stopped = new Promise<never>((_, reject) => {
    deadline = setTimeout(() => {
      const got = children.map((c, i) => reports(c) - from[i]!);
      reject(new Error(`the healthy workers stopped: ${JSON.stringify(got)} reports in ${ms} ms while one worker was frozen`));
    }, ms);
  });
  try {
    await Promise.race([Promise.all(children.map((c, i) => c.until(() => reports(c) >= from[i]! + count))), stopped]);
  } finally {
    clearTimeout(deadline);
  }
}

/** The longest pause between two reports of `c` after `since` (ms since the epoch, from its lines). */
function longestGap(c: Child, since: number): number {
  const times = c.lines.filter((l) => l.startsWith('report ')).map((l) => Number(l.split(' ')[1])).filter((x) => x >= since);
  return times.slice(1).reduce((gap, x, i) => Math.max(gap, x - times[i]!), 0);
}

t.test('a worker frozen mid-transaction does not stop the others, and its trial is re-queued', { skip: pgSkip }, async (t) => {
  const schema = freshSchema();
  // Create the schema and the study first, so the workers race for trials, not for the migration.
  const setup = postgresStorage(PG_URL, { schema });
  setup.openStudy({ name: 'stall', direction: 'minimize' }, 0);
  setup.close();
  const workers = [0, 1, 2].map(() => startChild(reporter, [PG_URL, schema, '4', '60']));
  t.teardown(() => workers.forEach((w) => w.child.kill('SIGKILL')));
  const [w0, ...healthy] = workers as [Child, Child, Child];
  await Promise.all(workers.map((w) => w.waitFor(/^report /)));

  // Freeze w0, if we can, while its session is idle inside a transaction (holding whatever it locked).
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  t.teardown(() => client.end());
  let midTransaction = false;
  let trialOfW0: number | undefined;
  for (let i = 0; i < 200 && !midTransaction; i++) {
    if (!(await sessions(client, w0.child.pid!)).includes('locking')) continue;
    w0.child.kill('SIGSTOP');
    midTransaction = (await sessions(client, w0.child.pid!)).includes('locking');
    trialOfW0 = await runningTrial(client, schema, w0.child.pid!);
    if (!midTransaction || trialOfW0 === undefined) w0.child.kill('SIGCONT');
  }
  // (It never does once no transaction spans two calls: freeze it anyway, in the middle of a trial.)
  while (!midTransaction) {
    w0.child.kill('SIGSTOP');
    if ((trialOfW0 = await runningTrial(client, schema, w0.child.pid!)) !== undefined) break;
    w0.child.kill('SIGCONT');
    await w0.waitFor(/^started /);
  }
  t.comment(midTransaction ? `w0 frozen idle in a transaction holding the study row, in trial ${trialOfW0}` : `w0 never sat idle in a transaction in 200 looks: frozen anyway, in trial ${trialOfW0}`);
  const frozenAt = Date.now();

  // The others go on reporting, and one of them takes w0's trial again once its heartbeat is stale.
  const kept = await moreReports(healthy, 20, 20_000).then(
    () => true,
    (err: Error) => t.fail(err.message),
  );
  t.ok(kept, 'the healthy workers kept reporting while w0 was frozen');
  if (!kept) w0.child.kill('SIGCONT');
  // w0's trial is failed as stale and queued again (a follower's storage fails stale trials of the
  // studies it watches, every heartbeat).
  const follower = postgresStorage(PG_URL, { schema, heartbeatMs: 250, staleAfterMs: 2000 });
  t.teardown(() => follower.close());
  follower.openStudy({ name: 'stall', direction: 'minimize' }, 0);
  const stale = firstValueFrom(follower.watch('stall').pipe(filter((n) => n === trialOfW0 && follower.getTrial('stall', n)?.state === 'failed')));
  if (follower.getTrial('stall', trialOfW0!)?.state !== 'failed') await stale;
  t.pass(`w0's trial ${trialOfW0} was failed as stale while w0 was frozen`);
  const gaps = healthy.map((w) => longestGap(w, frozenAt));
  t.comment(`longest pause of a healthy worker while w0 was frozen: ${Math.max(...gaps)} ms`);
  w0.child.kill('SIGCONT');

  const exits = await Promise.all(workers.map((w) => w.exited));
  t.comment(workers.map((w, i) => `w${i}: ${w.lines.filter((l) => !l.startsWith('report ')).join(', ')}`).join('\n'));
  workers.forEach((w, i) => t.same(exits[i], { code: 0, signal: null }, w.stderr.join('')));
  for (const w of healthy) t.same(w.lines.filter((l) => l.startsWith('failed ')), [], 'no trial of a healthy worker failed');
  t.notMatch(workers.map((w) => w.stderr.join('')).join(''), /already executing a query/, 'no overlapping queries on one connection');

  const check = follower;
  const trials = check.getTrials('stall');
  const lost = trials.filter((x) => x.state === 'failed' && x.attrs?.requeuedAs === undefined);
  t.same(lost.map((x) => [x.number, x.error]), [], 'every failed trial was re-queued');
  t.match(check.getTrial('stall', trialOfW0!), { state: 'failed', error: /^interrupted/ }, "w0's frozen trial was failed as interrupted");
  t.equal(trials.filter((x) => x.state === 'running').length, 0, 'nothing left running');
  const retry = check.getTrial('stall', check.getTrial('stall', trialOfW0!)!.attrs!.requeuedAs as number);
  t.match(retry, { state: /waiting|completed/, attrs: { retryOf: trialOfW0 } }, "w0's trial was queued again (and run, if a worker had a trial left to run)");
});

t.test('a call that gets no answer fails its trial, and the trial is queued again, not lost', { skip: pgSkip }, async (t) => {
  const schema = freshSchema();
  const storage = postgresStorage(PG_URL, { schema, heartbeatMs: 200, staleAfterMs: 10_000, timeoutMs: 4000 });
  t.teardown(() => storage.close());
  const s = study({ name: 'cut', direction: 'minimize', storage, space: { params: [{ name: 'x', distribution: { kind: 'float', low: 0, high: 1, log: false } }], isActive: () => true }, sampler: { name: 'half', sample: () => ({ x: 0.5 }) } });
  const admin = new pg.Client({ connectionString: PG_URL });
  admin.on('error', () => {});
  await admin.connect();
  t.teardown(() => admin.end());
  let released: Promise<unknown> | undefined;
  const events = await lastValueFrom(
    s
      .optimize(
        async (trial) => {
          trial.report(0, 1);
          // Someone else holds the trial's row (a user's open transaction, a stuck tool) past the timeout.
          await admin.query('BEGIN');
          await admin.query(`SELECT 1 FROM "${schema}".rxtrain_trials WHERE number = 0 FOR UPDATE`);
          trial.report(1, 0.5); // no answer within 4000 ms: this trial fails
          return 0.5;
        },
        { trials: 1 },
      )
      .pipe(
        tap((e) => {
          if (e.type === 'trialFailed') released = admin.query('ROLLBACK');
        }),
        toArray(),
      ),
  );
  t.match(events.find((e) => e.type === 'trialFailed'), { trial: 0, error: /4000 ms|lock timeout/ }, 'the trial failed, and the study did not');
  await released;
  // The failure and the retry are written once the row is free (the storage's thread keeps them till then).
  const requeued = (): boolean => storage.getTrial('cut', 0)?.attrs?.requeuedAs !== undefined;
  if (!requeued()) await firstValueFrom(storage.watch('cut').pipe(filter(requeued)));
  const [old, retry] = storage.getTrials('cut');
  t.match(old, { state: 'failed', error: /4000 ms|lock timeout/, attrs: { requeuedAs: 1 } }, 'failed, and queued again');
  t.match(retry, { number: 1, state: 'waiting', params: { x: 0.5 }, attrs: { retryOf: 0 } });
});
