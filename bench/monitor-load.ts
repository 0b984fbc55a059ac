/**
 * The monitor under load: does watching slow training down, and does memory stay bounded?
 *
 * The same MLP trained on the digits, rounds interleaved (bare, monitored, bare, monitored, ...) so that
 * load on this shared machine hits both alike. In a monitored round, the training stream goes through
 * `monitorTap`, and a synthetic producer adds 1,000 events/s (as other trials of a study would), to
 * 20 WebSocket clients in a separate process; one of them stops reading (it is dropped as a slow
 * consumer, reconnects, stops reading again, ...). Reports samples/s (median of each), the median
 * per-round slow-down, the time spent inside `publish` per event, the events/s delivered to the
 * clients, slow-client drops, and the peak queued bytes and heap. Besides wall-clock samples/s (which
 * other processes on a shared machine disturb a lot), samples per CPU-second of this process: the
 * monitor's cost in the training process, without the clients' (they run elsewhere); samples per
 * CPU-second of the main thread alone (where training and the monitor's JavaScript run, without V8's
 * helper threads, whose time the process figure includes; Linux only); and the cores
 * the clients' process kept busy in monitored rounds: on a 2-vCPU machine they compete with training
 * (`--clients 2` shows the monitor with most of the clients' load removed).
 *
 * `--baseline <dir>` adds an arm: the monitor of an earlier copy of the sources (`<dir>/lib/monitor/`
 * and `<dir>/operators/monitor-tap.ts`, with its own 20 clients), measured in the same rounds, so a
 * change is compared with what it replaces under the same load. Each round runs bare, then the
 * monitored arms in an order that rotates from round to round.
 *
 * `--flush-ms 50,100` measures this checkout's monitor once per `flushMs` given, as separate arms.
 *
 * Then the monitor's cost alone, without training: 1-second windows in which the process publishes
 * 2 × rate events/s to one arm's monitor (half `step`-like, half `epochEnd`-like), or nothing (idle),
 * in turns; reported as CPU ms per second and µs per event above idle (`--cost-windows`, default 8).
 *
 *   node --conditions=rxtrain-source --import=tsx bench/monitor-load.ts [--rounds 4] [--epochs 40] [--rate 1000] [--clients 20] [--baseline dir] [--flush-ms 50,100] [--cost-windows 8]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lastValueFrom } from 'rxjs';
import { WebSocket } from 'ws';
import { digits, mlp, train, useBackend } from 'rxtrain';
import { startMonitor, type Monitor } from '../lib/monitor/start-monitor.js';
import { monitorTap } from '../operators/monitor-tap.js';
import { arg, median } from './util.js';

if (process.argv[2] === '--client-process') {
  await runClients(process.argv[3]!, Number(process.argv[4]));
} else {
  await main();
}

/** A monitor implementation to measure: this checkout's, or an earlier copy given with `--baseline`. */
interface Impl {
  readonly name: string;
  readonly startMonitor: typeof startMonitor;
  readonly monitorTap: typeof monitorTap;
  /** The monitor's `flushMs` (default: the monitor's default). */
  readonly flushMs?: number;
}

/** One monitored arm: its monitor, its timed publish, and its clients' process. */
interface Arm {
  readonly impl: Impl;
  readonly monitor: Monitor;
  readonly timed: Monitor;
  readonly clients: ChildProcess;
  publishNs: number;
  published: number;
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '4'));
  const epochs = Number(arg('epochs', '40'));
  const rate = Number(arg('rate', '1000'));
  const nClients = Number(arg('clients', '20'));
  const baselineDir = arg('baseline', '');
  const flushList = arg('flush-ms', '').split(',').filter(Boolean).map(Number);
  const costWindows = Number(arg('cost-windows', '8'));
  const backend = await useBackend((process.env.RXTRAIN_BACKEND as 'wasm' | undefined) ?? 'wasm');
  const data = digits();

  const impls: Impl[] = flushList.length ? flushList.map((flushMs) => ({ name: `monitored-flush${flushMs}`, startMonitor, monitorTap, flushMs })) : [{ name: 'monitored', startMonitor, monitorTap }];
  if (baselineDir) {
    const dir = resolve(baselineDir);
    const old = (await import(pathToFileURL(join(dir, 'lib/monitor/start-monitor.ts')).href)) as { startMonitor: typeof startMonitor };
    const oldTap = (await import(pathToFileURL(join(dir, 'operators/monitor-tap.ts')).href)) as { monitorTap: typeof monitorTap };
    impls.unshift({ name: 'baseline', startMonitor: old.startMonitor, monitorTap: oldTap.monitorTap });
  }
  const arms: Arm[] = [];
  for (const impl of impls) {
    // A small client queue (default 4 MiB) so that the slow client is dropped within a round.
    const monitor = await impl.startMonitor({ maxClientQueue: 256 * 1024, ...(impl.flushMs === undefined ? {} : { flushMs: impl.flushMs }) });
    const clients = fork(new URL(import.meta.url).pathname, ['--client-process', monitor.wsUrl, String(nClients)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => clients.once('message', () => resolve()));
    const arm: Arm = { impl, monitor, timed: Object.create(monitor) as Monitor, clients, publishNs: 0, published: 0 };
    // Time spent inside publish, measured by wrapping it.
    (arm.timed as { publish: Monitor['publish'] }).publish = (run, event) => {
      const t0 = process.hrtime.bigint();
      monitor.publish(run, event);
      arm.publishNs += Number(process.hrtime.bigint() - t0);
      arm.published++;
    };
    arms.push(arm);
  }
  process.stderr.write(`backend ${backend.name}; ${nClients} clients per monitor (1 slow); arms: bare, ${impls.map((i) => i.name).join(', ')}; ${rounds} rounds × ${epochs} epochs\n`);

  const round = async (arm: Arm | undefined): Promise<{ samplesPerSec: number; samplesPerCpuSec: number; samplesPerThreadSec: number; events: number; ms: number; clientCores: number }> => {
    const model = mlp({ inputShape: [64], units: [64], classes: 10, seed: 1 });
    let synthetic: ReturnType<typeof setInterval> | undefined;
    const before = arm?.published ?? 0;
    if (arm) {
      // 1,000 events/s on the wall clock, caught up on each tick (training holds the loop up to ~20 ms).
      const start = performance.now();
      let sent = 0;
      synthetic = setInterval(() => {
        const due = Math.floor(((performance.now() - start) * rate) / 1000);
        for (; sent < due; sent++) arm.timed.publish('load', { type: 'epochEnd', trial: sent % 50, epoch: sent, metrics: { loss: 1 / (1 + sent), val_loss: 1.1 / (1 + sent), val_accuracy: 0.9 } });
      }, 5);
    }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const thread0 = mainThreadCpuSeconds();
    const clientCpu0 = arm ? processCpuSeconds(arm.clients.pid) : 0;
    const events = train(model, data, { epochs, batchSize: 32, optimizer: { name: 'adam', lr: 0.002 }, seed: 1 });
    await lastValueFrom(arm ? events.pipe(arm.impl.monitorTap(arm.timed, { run: 'train' })) : events);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const thread = mainThreadCpuSeconds() - thread0;
    if (synthetic) clearInterval(synthetic);
    model.dispose();
    const samples = epochs * data.length;
    const clientCores = arm ? (processCpuSeconds(arm.clients.pid) - clientCpu0) / (ms / 1000) : 0;
    return { samplesPerSec: samples / (ms / 1000), samplesPerCpuSec: samples / ((cpu.user + cpu.system) / 1e6), samplesPerThreadSec: samples / thread, events: (arm?.published ?? 0) - before, ms, clientCores };
  };

  await round(undefined); // warm-up
  for (const arm of arms) await round(arm);
  const names = ['bare', ...arms.map((a) => a.impl.name)];
  const wall = new Map<string, number[]>(names.map((n) => [n, []]));
  const cpu = new Map<string, number[]>(names.map((n) => [n, []]));
  const wallRatio = new Map<string, number[]>(names.map((n) => [n, []]));
  const cpuRatio = new Map<string, number[]>(names.map((n) => [n, []]));
  const thread = new Map<string, number[]>(names.map((n) => [n, []]));
  const threadRatio = new Map<string, number[]>(names.map((n) => [n, []]));
  const eventsPerSec = new Map<string, number>();
  const clientCores = new Map<string, number[]>(names.map((n) => [n, []]));
  let maxQueued = 0;
  let maxHeap = 0;
  const sampler = setInterval(() => {
    maxQueued = Math.max(maxQueued, ...arms.map((a) => a.monitor.stats().queued));
    maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
  }, 50);
  for (let r = 0; r < rounds; r++) {
    // Each round runs every arm once, the monitored ones in an order that rotates with the round.
    const order = arms.map((_, i) => arms[(i + r) % arms.length]!);
    const bare = await round(undefined);
    const line = [`bare ${bare.samplesPerSec.toFixed(0)}/s (${bare.samplesPerCpuSec.toFixed(0)}/cpu-s, ${bare.samplesPerThreadSec.toFixed(0)}/main-thread-s)`];
    wall.get('bare')!.push(bare.samplesPerSec);
    cpu.get('bare')!.push(bare.samplesPerCpuSec);
    thread.get('bare')!.push(bare.samplesPerThreadSec);
    for (const arm of order) {
      const m = await round(arm);
      const n = arm.impl.name;
      eventsPerSec.set(n, m.events / (m.ms / 1000));
      wall.get(n)!.push(m.samplesPerSec);
      cpu.get(n)!.push(m.samplesPerCpuSec);
      wallRatio.get(n)!.push(m.samplesPerSec / bare.samplesPerSec);
      cpuRatio.get(n)!.push(m.samplesPerCpuSec / bare.samplesPerCpuSec);
      thread.get(n)!.push(m.samplesPerThreadSec);
      threadRatio.get(n)!.push(m.samplesPerThreadSec / bare.samplesPerThreadSec);
      clientCores.get(n)!.push(m.clientCores);
      line.push(`${n} ${m.samplesPerSec.toFixed(0)}/s (${m.samplesPerCpuSec.toFixed(0)}/cpu-s, ${m.samplesPerThreadSec.toFixed(0)}/main-thread-s; ${m.events} events; clients' process ${m.clientCores.toFixed(2)} cores)`);
    }
    process.stderr.write(`round ${r + 1}: ${line.join(', ')}\n`);
  }
  clearInterval(sampler);

  // The monitor's cost alone: 1-second windows without training, in which this process publishes
  // `2 × rate` events/s (half like a training stream's `step`s, half `epochEnd`s) to one arm, or
  // nothing (idle); arms and idle take turns, and the CPU time of each window is read. An arm's cost
  // is its median window minus the median idle window, per event published.
  const cpuWindow = async (arm: Arm | undefined): Promise<number> => {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < 1000) {
      await new Promise((r) => setTimeout(r, 5));
      const due = Math.floor(((performance.now() - start) * 2 * rate) / 1000);
      if (arm) for (; sent < due; sent++) arm.monitor.publish('cost', sent % 2 ? { type: 'step', epoch: 3, index: sent % 57, step: sent, size: 32 } : { type: 'epochEnd', trial: sent % 50, epoch: sent, metrics: { loss: 1 / (1 + sent), val_loss: 1.1 / (1 + sent), val_accuracy: 0.9 } });
    }
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / 1000;
  };
  const windows = new Map<string, number[]>([['idle', []], ...arms.map((a) => [a.impl.name, []] as [string, number[]])]);
  for (let k = 0; k < costWindows; k++) {
    const order = [undefined, ...arms].map((_, i, all) => all[(i + k) % all.length]);
    for (const arm of order) windows.get(arm?.impl.name ?? 'idle')!.push(await cpuWindow(arm));
  }
  // Per round, each arm's window minus that round's idle window (paired, so that slow drifts of the
  // machine's load cancel), and its ratio to the first arm's (the baseline, when there is one).
  const idle = windows.get('idle')!;
  const cost = (n: string): number[] => windows.get(n)!.map((v, k) => v - idle[k]!);
  const first = arms[0]!.impl.name;
  process.stderr.write(`cost windows (CPU ms per 1 s window at ${2 * rate} events/s, median): ${[...windows].map(([n, v]) => `${n} ${median(v).toFixed(1)}`).join(', ')}\n`);

  const result: Record<string, unknown> = { bench: 'monitor-load', backend: backend.name, rounds, epochs, syntheticRate: rate, clients: nClients, bareSamplesPerSec: Math.round(median(wall.get('bare')!)), bareSamplesPerCpuSec: Math.round(median(cpu.get('bare')!)), bareSamplesPerMainThreadSec: Math.round(median(thread.get('bare')!)) };
  for (const arm of arms) {
    const n = arm.impl.name;
    arm.clients.send('report');
    const received = await new Promise<{ perClient: number[]; slowDrops: number }>((resolve) => arm.clients.once('message', (m) => resolve(m as { perClient: number[]; slowDrops: number })));
    arm.clients.kill();
    const stats = arm.monitor.stats();
    await arm.monitor.close();
    result[n] = {
      samplesPerSec: Math.round(median(wall.get(n)!)),
      medianSlowdownPct: Number(((1 - median(wallRatio.get(n)!)) * 100).toFixed(2)),
      samplesPerCpuSec: Math.round(median(cpu.get(n)!)),
      medianCpuSlowdownPct: Number(((1 - median(cpuRatio.get(n)!)) * 100).toFixed(2)),
      samplesPerMainThreadSec: Math.round(median(thread.get(n)!)),
      medianMainThreadSlowdownPct: Number(((1 - median(threadRatio.get(n)!)) * 100).toFixed(2)),
      eventsPerSec: Math.round(eventsPerSec.get(n) ?? 0),
      clientProcessCores: Number(median(clientCores.get(n)!).toFixed(2)),
      publishMicrosPerEvent: Number((arm.publishNs / arm.published / 1000).toFixed(2)),
      published: stats.published,
      recordsPerHealthyClient: median(received.perClient),
      slowClientDrops: stats.dropped,
      costCpuMsPerSecond: Number(median(cost(n)).toFixed(1)),
      costMicrosPerEvent: Number(((median(cost(n)) * 1000) / (2 * rate)).toFixed(2)),
      ...(n === first ? {} : { costRatioToFirst: Number(median(cost(n).map((v, k) => v / cost(first)[k]!)).toFixed(3)) }),
    };
  }
  result.maxQueuedChars = maxQueued;
  result.maxHeapMB = Number((maxHeap / 2 ** 20).toFixed(1));
  console.log(JSON.stringify(result));
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (clock ticks of Linux's USER_HZ,
 * 100 on every mainstream kernel); 0 where there is no /proc.
 */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14 and 15 of the line)
  } catch {
    return 0;
  }
}

/**
 * CPU seconds this process's main thread has used so far, from its scheduler statistics (ns); NaN
 * where there is no /proc.
 */
function mainThreadCpuSeconds(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return NaN;
  }
}

/** The client process: n−1 clients that read everything, one that stops reading after its hello. */
async function runClients(url: string, n: number): Promise<void> {
  const counts = new Array<number>(n - 1).fill(0);
  let slowDrops = 0;
  const open = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { type: string; records?: unknown[] };
        if (m.type === 'events') counts[i] = (counts[i] ?? 0) + (m.records?.length ?? 0);
      });
      ws.once('open', () => resolve());
    });
  const openSlow = (): Promise<void> =>
    new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.once('message', () => ws.pause()); // reads the hello, then nothing
      ws.once('open', () => resolve());
      ws.once('close', () => {
        slowDrops++;
        setTimeout(() => void openSlow(), 500);
      });
    });
  await Promise.all([...counts.keys()].map(open));
  await openSlow();
  process.send?.('ready');
  process.on('message', () => process.send?.({ perClient: counts, slowDrops }));
}
