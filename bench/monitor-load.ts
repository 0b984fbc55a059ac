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
 * monitor's cost in the training process, without the clients' (they run elsewhere).
 *
 *   node --conditions=rxtrain-source --import=tsx bench/monitor-load.ts [--rounds 4] [--epochs 40] [--rate 1000] [--clients 20]
 */
import { fork } from 'node:child_process';
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

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '4'));
  const epochs = Number(arg('epochs', '40'));
  const rate = Number(arg('rate', '1000'));
  const nClients = Number(arg('clients', '20'));
  const backend = await useBackend((process.env.RXTRAIN_BACKEND as 'wasm' | undefined) ?? 'wasm');
  const data = digits();

  // A small client queue (default 4 MiB) so that the slow client is dropped within a round.
  const monitor = await startMonitor({ maxClientQueue: 256 * 1024 });
  // Time spent inside publish, measured by wrapping it.
  let publishNs = 0;
  let published = 0;
  const timed: Monitor = Object.create(monitor) as Monitor;
  (timed as { publish: Monitor['publish'] }).publish = (run, event) => {
    const t0 = process.hrtime.bigint();
    monitor.publish(run, event);
    publishNs += Number(process.hrtime.bigint() - t0);
    published++;
  };

  const clients = fork(new URL(import.meta.url).pathname, ['--client-process', monitor.wsUrl, String(nClients)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => clients.once('message', () => resolve()));
  process.stderr.write(`backend ${backend.name}; ${nClients} clients connected (1 slow); ${rounds} rounds × ${epochs} epochs\n`);

  const round = async (monitored: boolean): Promise<{ samplesPerSec: number; samplesPerCpuSec: number; events: number }> => {
    const model = mlp({ inputShape: [64], units: [64], classes: 10, seed: 1 });
    let synthetic: ReturnType<typeof setInterval> | undefined;
    const before = published;
    if (monitored) {
      // 1,000 events/s on the wall clock, caught up on each tick (training holds the loop up to ~20 ms).
      const start = performance.now();
      let sent = 0;
      synthetic = setInterval(() => {
        const due = Math.floor(((performance.now() - start) * rate) / 1000);
        for (; sent < due; sent++) timed.publish('load', { type: 'epochEnd', trial: sent % 50, epoch: sent, metrics: { loss: 1 / (1 + sent), val_loss: 1.1 / (1 + sent), val_accuracy: 0.9 } });
      }, 5);
    }
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const events = train(model, data, { epochs, batchSize: 32, optimizer: { name: 'adam', lr: 0.002 }, seed: 1 });
    await lastValueFrom(monitored ? events.pipe(monitorTap(timed, { run: 'train' })) : events);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (synthetic) clearInterval(synthetic);
    model.dispose();
    const samples = epochs * data.length;
    return { samplesPerSec: samples / (ms / 1000), samplesPerCpuSec: samples / ((cpu.user + cpu.system) / 1e6), events: published - before };
  };

  await round(false); // warm-up
  const bare: number[] = [];
  const watched: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const bareCpu: number[] = [];
  const watchedCpu: number[] = [];
  let maxQueued = 0;
  let maxHeap = 0;
  const sampler = setInterval(() => {
    maxQueued = Math.max(maxQueued, monitor.stats().queued);
    maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
  }, 50);
  let eventsPerSec = 0;
  for (let r = 0; r < rounds; r++) {
    const a = await round(false);
    const t0 = performance.now();
    const b = await round(true);
    eventsPerSec = b.events / ((performance.now() - t0) / 1000);
    bare.push(a.samplesPerSec);
    watched.push(b.samplesPerSec);
    ratios.push(b.samplesPerSec / a.samplesPerSec);
    bareCpu.push(a.samplesPerCpuSec);
    watchedCpu.push(b.samplesPerCpuSec);
    cpuRatios.push(b.samplesPerCpuSec / a.samplesPerCpuSec);
    process.stderr.write(
      `round ${r + 1}: bare ${a.samplesPerSec.toFixed(0)} samples/s (${a.samplesPerCpuSec.toFixed(0)}/cpu-s), monitored ${b.samplesPerSec.toFixed(0)} samples/s (${b.samplesPerCpuSec.toFixed(0)}/cpu-s; ${b.events} events, ${eventsPerSec.toFixed(0)} events/s)\n`,
    );
  }
  clearInterval(sampler);
  clients.send('report');
  const received = await new Promise<{ perClient: number[]; slowDrops: number }>((resolve) => clients.once('message', (m) => resolve(m as { perClient: number[]; slowDrops: number })));
  clients.kill();
  const stats = monitor.stats();
  await monitor.close();
  const result = {
    bench: 'monitor-load',
    backend: backend.name,
    rounds,
    epochs,
    syntheticRate: rate,
    clients: nClients,
    bareSamplesPerSec: Math.round(median(bare)),
    monitoredSamplesPerSec: Math.round(median(watched)),
    medianSlowdownPct: Number(((1 - median(ratios)) * 100).toFixed(2)),
    bareSamplesPerCpuSec: Math.round(median(bareCpu)),
    monitoredSamplesPerCpuSec: Math.round(median(watchedCpu)),
    medianCpuSlowdownPct: Number(((1 - median(cpuRatios)) * 100).toFixed(2)),
    eventsPerSecMonitored: Math.round(eventsPerSec),
    publishMicrosPerEvent: Number((publishNs / published / 1000).toFixed(2)),
    published: stats.published,
    recordsPerHealthyClient: median(received.perClient),
    slowClientDrops: stats.dropped,
    maxQueuedChars: maxQueued,
    maxHeapMB: Number((maxHeap / 2 ** 20).toFixed(1)),
  };
  console.log(JSON.stringify(result));
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
