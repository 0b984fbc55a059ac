/**
 * Does watching a PostgreSQL study slow its workers down? (issue 17, "Scale and speed")
 *
 * Three `rxtrain worker` processes run a study's trials (a digits MLP 64-256-128-10, 20 epochs
 * each: bench/fixtures/digits-trial.ts) queued by a driver in this process. In a `watched`
 * round an `rxtrain dashboard postgres://…` process follows the same study with one WebSocket client
 * reading every record; in a `bare` round nothing watches. Rounds are interleaved (bare, watched,
 * watched, bare, ...) so that load from other work on a shared machine falls on both alike. Reported
 * per arm: the median trial duration (the storage's finishedAt − startedAt), the median round time, the
 * workers' CPU seconds per trial (from /proc, children of this process), and in watched rounds the
 * dashboard process's CPU seconds per trial and the records its client received.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/dashboard-pg-overhead.ts [--rounds 4] [--trials 9] [--url postgres://postgres@127.0.0.1:5432/test]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import pg from 'pg';
import { WebSocket } from 'ws';
import { postgresStorage } from '../lib/storage/postgres/postgres-storage.js';
import { study } from '../lib/study/study.js';
import { space, logUniform } from '../lib/search/space.js';
import { randomSampler } from '../lib/search/samplers/random-sampler.js';
import { remoteWorkers } from '../lib/distributed/remote-source.js';
import { arg, median } from './util.js';

const URL_ = arg('url', 'postgres://postgres@127.0.0.1:5432/test');
const rounds = Number(arg('rounds', '4'));
const trials = Number(arg('trials', '9'));
const WORKERS = 3;
const cli = fileURLToPath(new URL('../bin/rxtrain.ts', import.meta.url));
const objective = fileURLToPath(new URL('./fixtures/digits-trial.ts', import.meta.url));
const node = (args: string[]): ChildProcess => spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });

/** CPU seconds (user + system) a live process has used, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

/** The first stdout line of `p` matching `re`. */
function lineOf(p: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    p.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const line = buffered.split('\n').find((l) => re.test(l));
      if (line) resolve(line);
    });
    p.on('exit', (code) => reject(new Error(`process exited (${code}) before printing ${re}`)));
  });
}

interface Round {
  readonly arm: 'bare' | 'watched';
  readonly trialMs: number;
  readonly roundS: number;
  readonly workerCpuPerTrial: number;
  readonly dashboardCpuPerTrial: number;
  readonly records: number;
}

async function round(arm: Round['arm'], index: number): Promise<Round> {
  const schema = `rxtrain_bench_dash_${process.pid}_${index}`;
  const storage = postgresStorage(URL_, { schema });
  const s = study({ name: 'watched', direction: 'minimize', metric: 'val_loss', storage, space: space({ lr: logUniform(1e-3, 1e-2) }), sampler: randomSampler({ seed: index }) });
  const workers = Array.from({ length: WORKERS }, () => node([cli, 'worker', '--storage', URL_, '--schema', schema, '--study', 'watched', '--objective', objective, '--idle-exit', '10']));
  let dashboard: ChildProcess | undefined;
  let ws: WebSocket | undefined;
  let records = 0;
  try {
    if (arm === 'watched') {
      dashboard = node([cli, 'dashboard', URL_, '--schema', schema, '--study', 'watched']);
      const url = (await lineOf(dashboard, /^dashboard: /)).slice('dashboard: '.length);
      ws = new WebSocket(url.replace(/^http/, 'ws').replace(/\/(\?|$)/, '/events$1'));
      ws.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString()) as { type: string; records?: unknown[] };
        if (m.type === 'events') records += m.records?.length ?? 0;
      });
      await new Promise((r, j) => ws!.once('open', r).once('error', j));
    }
    // Let every worker start its tfjs before the clock starts.
    await new Promise((r) => setTimeout(r, 8000));
    const cpu0 = workers.reduce((a, w) => a + cpuSeconds(w.pid), 0);
    const dash0 = cpuSeconds(dashboard?.pid);
    const t0 = performance.now();
    const events = await lastValueFrom(s.optimize(remoteWorkers(), { trials, concurrency: WORKERS }).pipe(toArray()));
    const roundS = (performance.now() - t0) / 1000;
    const workerCpu = workers.reduce((a, w) => a + cpuSeconds(w.pid), 0) - cpu0;
    const dashCpu = cpuSeconds(dashboard?.pid) - dash0;
    const end = events.at(-1) as { completed?: number };
    if (end.completed !== trials) throw new Error(`expected ${trials} completed trials, got ${JSON.stringify(end)}`);
    const durations = s.trials().map((t) => (t.finishedAt ?? NaN) - (t.startedAt ?? NaN));
    return { arm, trialMs: median(durations), roundS, workerCpuPerTrial: workerCpu / trials, dashboardCpuPerTrial: arm === 'watched' ? dashCpu / trials : 0, records };
  } finally {
    ws?.close();
    dashboard?.kill('SIGINT');
    for (const w of workers) w.kill('SIGKILL');
    storage.close();
    const client = new pg.Client({ connectionString: URL_ });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

const results: Round[] = [];
for (let r = 0; r < rounds; r++) {
  const order: Round['arm'][] = r % 2 === 0 ? ['bare', 'watched'] : ['watched', 'bare'];
  for (const arm of order) {
    const x = await round(arm, results.length);
    results.push(x);
    console.error(`round ${r + 1} ${arm}: median trial ${x.trialMs.toFixed(0)} ms, round ${x.roundS.toFixed(1)} s, workers ${x.workerCpuPerTrial.toFixed(2)} CPU s/trial${arm === 'watched' ? `, dashboard ${x.dashboardCpuPerTrial.toFixed(3)} CPU s/trial, ${x.records} records to its client` : ''}`);
  }
}
const of = (arm: Round['arm'], f: keyof Omit<Round, 'arm'>): number => median(results.filter((x) => x.arm === arm).map((x) => x[f]));
const summary = Object.fromEntries((['bare', 'watched'] as const).map((arm) => [arm, { trialMs: of(arm, 'trialMs'), roundS: of(arm, 'roundS'), workerCpuPerTrial: of(arm, 'workerCpuPerTrial'), dashboardCpuPerTrial: of(arm, 'dashboardCpuPerTrial'), records: of(arm, 'records') }]));
console.log(JSON.stringify({ bench: 'dashboard-pg-overhead', rounds, trials, workers: WORKERS, summary, watchedOverBare: { trialMs: summary.watched!.trialMs / summary.bare!.trialMs, roundS: summary.watched!.roundS / summary.bare!.roundS } }));
