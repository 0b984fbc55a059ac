/**
 * `rxtrain dashboard` on a large SQLite study: how long a page's client waits for the whole study
 * (1,000 trials × 100 epochs by default), what the dashboard's process holds for it, and what following
 * the file costs while nothing changes (its poll, every 250 ms) and while a writer reports.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/dashboard-storage.ts [--trials 1000] [--epochs 100]
 *
 * Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { dashboardCommand } from '../lib/monitor/dashboard-command.js';
import { sqliteStorage } from '../lib/storage/sqlite-storage.js';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '1000' }, epochs: { type: 'string', default: '100' } } });
const trials = Number(values.trials);
const epochs = Number(values.epochs);
const dir = mkdtempSync(join(tmpdir(), 'rxtrain-dashboard-bench-'));
const file = join(dir, 'big.db');

const writer = sqliteStorage(file);
writer.openStudy({ name: 'big', direction: 'minimize', metric: 'val_loss' }, 0);
let t0 = performance.now();
for (let n = 0; n < trials; n++) {
  writer.createTrial('big', { state: 'running', params: { lr: 1e-3 * (1 + (n % 7)), units: 16 + n }, now: n });
  for (let e = 0; e < epochs; e++) writer.reportIntermediate('big', n, e, 1 / (e + 1) + n / trials);
  writer.finishTrial('big', n, { state: 'completed', value: 1 / epochs + n / trials, now: n + 1 });
}
const writeMs = performance.now() - t0;

const heapBefore = process.memoryUsage().heapUsed;
const dashboard = await dashboardCommand(file);
const url = dashboard.studyUrl('big').replace(/^http/, 'ws').replace('/?', '/events?');

/** Connect a client and wait until it holds `count` trialCompleted records. */
async function client(count: number): Promise<{ ms: number; records: number; bytes: number; ws: WebSocket }> {
  const start = performance.now();
  const ws = new WebSocket(url);
  let completed = 0;
  let records = 0;
  let bytes = 0;
  await new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      bytes += data.length;
      const m = JSON.parse(data.toString()) as { type: string; records?: Array<{ event: { type: string } }> };
      for (const r of m.records ?? []) {
        records++;
        if (r.event.type === 'trialCompleted' && ++completed === count) resolve();
      }
    });
  });
  return { ms: performance.now() - start, records, bytes, ws };
}

const first = await client(trials);
const second = await client(trials);
const heapAfter = process.memoryUsage().heapUsed;

// Idle: the file does not change; the dashboard looks every 250 ms.
let cpu = process.cpuUsage();
t0 = performance.now();
await new Promise((r) => setTimeout(r, 10_000));
const idle = process.cpuUsage(cpu);
const idleMs = performance.now() - t0;

// A writer reports 20 trials × 50 epochs while the dashboard follows: how long until the client saw it all.
const live = trials + 20;
let seen = 0;
const done = new Promise<void>((resolve) => {
  first.ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as { records?: Array<{ event: { type: string } }> };
    for (const r of m.records ?? []) if (r.event.type === 'trialCompleted' && ++seen === 20) resolve();
  });
});
cpu = process.cpuUsage();
t0 = performance.now();
for (let n = trials; n < live; n++) {
  writer.createTrial('big', { state: 'running', params: { lr: 1e-3, units: n }, now: n });
  for (let e = 0; e < 50; e++) writer.reportIntermediate('big', n, e, 1 / (e + 1));
  writer.finishTrial('big', n, { state: 'completed', value: 0.02, now: n + 1 });
}
const wroteMs = performance.now() - t0;
await done;
const followedMs = performance.now() - t0;

first.ws.close();
second.ws.close();
await dashboard.close();
writer.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    bench: 'dashboard-storage',
    trials,
    epochs,
    writeMs: Math.round(writeMs),
    firstClientMs: Math.round(first.ms),
    secondClientMs: Math.round(second.ms),
    records: first.records,
    megabytesSent: +(first.bytes / 2 ** 20).toFixed(1),
    heapMegabytes: +((heapAfter - heapBefore) / 2 ** 20).toFixed(1),
    idleCpuPercent: +((100 * (idle.user + idle.system)) / 1000 / idleMs).toFixed(2),
    liveWriteMs: Math.round(wroteMs),
    liveSeenAfterMs: Math.round(followedMs),
  }),
);
