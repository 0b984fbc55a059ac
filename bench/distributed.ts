/**
 * Issue 8: a study shared by worker processes through PostgreSQL.
 *
 * 1. Throughput: trials/s with 1, 2 and 4 `rxtrain worker` processes on this machine, trials that cost
 *    nothing (bench/fixtures/instant-trial.ts: 3 reported epochs each), so that coordination is all
 *    there is. The driver keeps 2 trials per worker queued. Medians of `--rounds`.
 * 2. Database cost per trial, in one process: the storage calls a trial makes (queue, claim, 3 reports,
 *    finish, and the driver's reads) on postgres, sqlite (a file) and memory, side by side.
 * 3. The ceiling of one study: 1, 2 and 4 processes reporting epochs as fast as they can, each to its
 *    own trial of the same study (every write of a study takes its row lock), total reports/s; and the
 *    same with each process on a study of its own.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/distributed.ts --rounds 3 --trials 200
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import pg from 'pg';
import { postgresStorage } from '../lib/storage/postgres/postgres-storage.js';
import { sqliteStorage } from '../lib/storage/sqlite-storage.js';
import { memoryStorage } from '../lib/storage/memory-storage.js';
import type { Storage } from '../lib/storage/storage.js';
import { study } from '../lib/study/study.js';
import { space, uniform } from '../lib/search/space.js';
import { randomSampler } from '../lib/search/samplers/random-sampler.js';
import { remoteWorkers } from '../lib/distributed/remote-source.js';
import { arg, median } from './util.js';

const URL_ = arg('url', 'postgres://postgres@127.0.0.1:5432/test');
const rounds = Number(arg('rounds', '3'));
const trials = Number(arg('trials', '200'));
const counts = arg('workers', '1,2,4').split(',').map(Number);
const cli = fileURLToPath(new URL('../bin/rxtrain.ts', import.meta.url));
const objective = fileURLToPath(new URL('./fixtures/instant-trial.ts', import.meta.url));
const sp = space({ x: uniform(-4, 4), y: uniform(-4, 4) });
const schemas: string[] = [];

function schema(): string {
  const s = `rxtrain_bench_${process.pid}_${schemas.length}`;
  schemas.push(s);
  return s;
}

async function throughput(workers: number): Promise<number> {
  const sch = schema();
  const storage = postgresStorage(URL_, { schema: sch });
  const s = study({ name: 'bench', direction: 'minimize', metric: 'val_loss', storage, space: sp, sampler: randomSampler({ seed: 1 }) });
  // Workers first, all connected and idle, then the clock starts with the first queued trial.
  const procs = Array.from({ length: workers }, () =>
    spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', cli, 'worker', '--storage', URL_, '--schema', sch, '--study', 'bench', '--objective', objective, '--idle-exit', '8'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const exited = procs.map((p) => new Promise((r) => p.on('exit', r)));
  await new Promise((r) => setTimeout(r, 5000));
  const t0 = performance.now();
  const events = await lastValueFrom(s.optimize(remoteWorkers(), { trials, concurrency: 2 * workers }).pipe(toArray()));
  const seconds = (performance.now() - t0) / 1000;
  const end = events.at(-1) as { completed?: number };
  if (end.completed !== trials) throw new Error(`expected ${trials} completed trials, got ${JSON.stringify(end)}`);
  await Promise.all(exited);
  storage.close();
  return trials / seconds;
}

/** ms of storage calls per trial, as one worker and the driver make them (no LISTEN latency). */
function perTrial(storage: Storage, n: number): number {
  storage.openStudy({ name: 'calls', direction: 'minimize', metric: 'val_loss' }, 0);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    storage.createTrial('calls', { state: 'waiting', params: { x: i, y: -i }, now: i });
    const t = storage.claimWaitingTrial('calls', i)!;
    for (let e = 0; e < 3; e++) storage.reportIntermediate('calls', t.number, e, 10 - e, { loss: 11 - e, val_loss: 10 - e });
    storage.getTrials('calls'); // what the pruner reads
    storage.finishTrial('calls', t.number, { state: 'completed', value: 8, now: i });
    storage.getTrial('calls', t.number); // what the driver reads on notification
  }
  const ms = (performance.now() - t0) / n;
  storage.close();
  return ms;
}

/** Writer mode (part 3): report as fast as possible for `seconds`, print the count. */
if (process.argv.includes('--writer')) {
  const storage = postgresStorage(URL_, { schema: arg('schema', '') });
  const name = arg('study', 'w');
  storage.openStudy({ name, direction: 'minimize', metric: 'val_loss' }, 0);
  const trial = storage.createTrial(name, { state: 'running', now: 0 }).number;
  const until = Number(arg('until', '0'));
  while (Date.now() < until - 5000) await new Promise((r) => setTimeout(r, 10)); // start together
  let n = 0;
  while (Date.now() < until) storage.reportIntermediate(name, trial, n++, n, { loss: n, val_loss: n });
  storage.close();
  console.log(n);
  process.exit(0);
}

async function contention(writers: number, shared: boolean): Promise<number> {
  const sch = schema();
  const setup = postgresStorage(URL_, { schema: sch });
  setup.close();
  const seconds = 5;
  const until = Date.now() + 8000 + seconds * 1000;
  const counts = await Promise.all(
    Array.from({ length: writers }, (_, i) =>
      new Promise<number>((resolve, reject) => {
        const p = spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', fileURLToPath(import.meta.url), '--writer', '--schema', sch, '--study', shared ? 'shared' : `own-${i}`, '--until', String(until)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        p.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        p.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`writer exited ${code}`))));
      }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0) / seconds;
}

const result: Record<string, unknown> = { bench: 'distributed', trials, rounds };
for (const w of counts) {
  const runs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    runs.push(await throughput(w));
    console.error(`workers ${w} round ${r}: ${runs.at(-1)!.toFixed(1)} trials/s`);
  }
  result[`trialsPerSecond_${w}`] = Number(median(runs).toFixed(1));
}
const dir = mkdtempSync(join(tmpdir(), 'rxtrain-bench-'));
const calls = { postgres: [] as number[], sqlite: [] as number[], memory: [] as number[] };
for (let r = 0; r < rounds; r++) {
  calls.postgres.push(perTrial(postgresStorage(URL_, { schema: schema() }), 200));
  calls.sqlite.push(perTrial(sqliteStorage(join(dir, `calls-${r}.db`)), 200));
  calls.memory.push(perTrial(memoryStorage(), 200));
}
rmSync(dir, { recursive: true, force: true });
result.msPerTrialCalls = Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, Number(median(v).toFixed(3))]));
for (const shared of [true, false]) {
  for (const w of counts) {
    const runs: number[] = [];
    for (let r = 0; r < rounds; r++) runs.push(await contention(w, shared));
    result[`reportsPerSecond_${shared ? 'oneStudy' : 'ownStudies'}_${w}`] = Math.round(median(runs));
    console.error(`${w} writers, ${shared ? 'one study' : 'a study each'}: ${Math.round(median(runs))} reports/s`);
  }
}

const client = new pg.Client({ connectionString: URL_ });
await client.connect();
for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
await client.end();
console.log(JSON.stringify(result));
process.exit(0);
