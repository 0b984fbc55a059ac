/**
 * The monitor under abuse while training runs (issue 15 items 9 and 10): what a client that floods
 * without reading, and clients that hold requests half-open, cost the training process.
 *
 * This process trains the digits MLP (64 hidden units, batch 32, adam) epoch after epoch, tapped into
 * a monitor; an attacker process (a fork of this file) then, in turn:
 *
 * 1. **quiet**: nothing; 5 GETs of the dashboard, one at a time, each on a new connection.
 * 2. **flood**: one WebSocket client reads its `hello`, stops reading, and sends `--frames` 1-byte
 *    text frames (not JSON: each is refused), as fast as its socket takes them, until all are sent or
 *    the server cuts it off.
 * 3. **half-open**: `--half-open` connections, opened one after the other (each once the previous one
 *    has connected), each send the start of a request (`GET / HTTP/1.1`, the Host header and half a
 *    header line) and then nothing; with them held, 5 GETs as in 1.
 * 4. **half-open-burst**: the same, but all connections opened at once, the GETs 50 ms later.
 *
 * Reported per phase: epochs/s of the training here (over the phase, at least `--window-s`), the
 * growth of this process's RSS and of its heap + buffers after a full GC (flood), the peak RSS, and
 * what the attacker saw: frames sent and how its connection ended, GET latencies (median and max),
 * how many of the held connections the server closed.
 *
 * `--monitor <dir>` measures the monitor of another copy of the sources (`<dir>/lib/monitor/` and
 * `<dir>/operators/monitor-tap.ts`, e.g. `git archive <commit> lib operators | tar -x -C tmp/before`),
 * so that the figures before and after a change come from the same program.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/monitor-abuse.ts [--monitor dir] [--frames 1000000] [--half-open 300] [--window-s 20]
 */
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { lastValueFrom, tap } from 'rxjs';
import { WebSocket } from 'ws';
import { digits, mlp, train, useBackend } from 'rxtrain';
import type { startMonitor as StartMonitor } from '../lib/monitor/start-monitor.js';
import type { monitorTap as MonitorTap } from '../operators/monitor-tap.js';
import { arg, median } from './util.js';

type Phase = 'quiet' | 'flood' | 'half-open' | 'half-open-burst';
type Command = { phase: Phase | 'exit'; port: number };
interface Report {
  readonly sent?: number;
  readonly ended?: string;
  readonly getMs?: readonly number[];
  readonly heldClosed?: number;
}

if (process.argv[2] === '--attacker') attacker();
else await main();

async function main(): Promise<void> {
  const dir = resolve(arg('monitor', '.'));
  const frames = Number(arg('frames', '1000000'));
  const halfOpen = Number(arg('half-open', '300'));
  const windowMs = Number(arg('window-s', '20')) * 1000;
  const { startMonitor } = (await import(pathToFileURL(join(dir, 'lib/monitor/start-monitor.ts')).href)) as { startMonitor: typeof StartMonitor };
  const { monitorTap } = (await import(pathToFileURL(join(dir, 'operators/monitor-tap.ts')).href)) as { monitorTap: typeof MonitorTap };
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  /** Time spent in forced GCs: taken out of the throughput windows (training stops meanwhile). */
  let gcMs = 0;
  const heap = (): number => {
    const t0 = performance.now();
    gc();
    gc();
    gcMs += performance.now() - t0;
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };

  const backend = await useBackend('wasm');
  const monitor = await startMonitor();
  const data = digits();
  const model = mlp({ inputShape: [64], units: [64], classes: 10, seed: 1 });
  // Epochs counted in steps (batches), so that a short window under load still measures something.
  const stepsPerEpoch = Math.ceil(data.length / 32);
  let steps = 0;
  let training = true;
  const loop = (async () => {
    for (let seed = 0; training; seed++) {
      await lastValueFrom(
        train(model, data, { epochs: 1, batchSize: 32, optimizer: { name: 'adam', lr: 0.002 }, seed }).pipe(
          monitorTap(monitor, { run: 'train' }),
          tap((e) => {
            if (e.type === 'step') steps++;
          }),
        ),
      );
    }
  })();

  const child = fork(new URL(import.meta.url).pathname, ['--attacker'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  /** Run a phase; `atPeak` is called when the flooding client has sent all it could, still not reading. */
  const ask = (phase: Command['phase'], atPeak: () => Promise<void> = async () => {}): Promise<Report> =>
    new Promise((resolve) => {
      const onMessage = (r: Report | 'sent'): void => {
        if (r === 'sent') {
          void atPeak().then(() => child.send('go on'));
          return;
        }
        child.off('message', onMessage);
        resolve(r);
      };
      child.on('message', onMessage);
      child.send({ phase, port: monitor.port } satisfies Command);
    });

  // Warm up: a few epochs before measuring.
  while (steps < 5 * stepsPerEpoch) await new Promise((r) => setTimeout(r, 50));
  process.stderr.write(`backend ${backend.name}; monitor from ${dir}; ${frames} frames; ${halfOpen} half-open\n`);

  const results: Record<string, unknown> = { monitor: dir, frames, halfOpen };
  for (const phase of ['quiet', 'flood', 'half-open', 'half-open-burst'] as const) {
    const heap0 = heap();
    const rss0 = process.memoryUsage().rss;
    let peakRss = rss0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const s0 = steps;
    const t0 = performance.now();
    const gc0 = gcMs;
    // The heap (after a full GC) when the flooding client has sent everything and is still connected,
    // not reading: what the server keeps for it.
    let heldMB: number | undefined;
    const report = await ask(phase, async () => {
      // Until the server has read what was in flight (its count of refusals stops moving).
      let last = -1;
      while (monitor.stats().refused !== last) {
        last = monitor.stats().refused;
        await new Promise((r) => setTimeout(r, 1000));
      }
      heldMB = (heap() - heap0) / 1e6;
    });
    while (performance.now() - t0 < windowMs) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - t0) / 1000;
    const epochsPerSec = (steps - s0) / stepsPerEpoch / (seconds - (gcMs - gc0) / 1000);
    clearInterval(sampler);
    const rss1 = process.memoryUsage().rss;
    const grown = heap() - heap0;
    const stats = monitor.stats();
    const line = {
      epochsPerSec: Number(epochsPerSec.toFixed(2)),
      seconds: Number(seconds.toFixed(1)),
      rssGrowthMB: Number(((rss1 - rss0) / 1e6).toFixed(1)),
      peakRssGrowthMB: Number(((peakRss - rss0) / 1e6).toFixed(1)),
      heapGrowthMB: Number((grown / 1e6).toFixed(1)),
      ...(heldMB === undefined ? {} : { heapGrowthWhileHeldMB: Number(heldMB.toFixed(1)) }),
      ...(report.sent === undefined ? {} : { framesSent: report.sent, ended: report.ended }),
      ...(report.getMs ? { getMedianMs: Number(median(report.getMs).toFixed(1)), getMs: report.getMs.map((x) => Math.round(x)) } : {}),
      ...(report.heldClosed === undefined ? {} : { heldClosedByServer: report.heldClosed }),
      refused: (stats as { refused?: number }).refused,
      dropped: stats.dropped,
    };
    results[phase] = line;
    process.stderr.write(`${phase}: ${JSON.stringify(line)}\n`);
  }
  await ask('exit');
  training = false;
  await loop;
  model.dispose();
  await monitor.close();
  console.log(JSON.stringify(results));
}

function attacker(): void {
  process.on('message', (m: Command | 'go on') => {
    if (m === 'go on') return;
    const done = (r: Report): void => void process.send!(r);
    if (m.phase === 'exit') {
      done({});
      process.exit(0);
    }
    if (m.phase === 'quiet') void gets(m.port).then((getMs) => done({ getMs }));
    if (m.phase === 'flood') void flood(m.port, Number(arg('frames', '1000000'))).then(done);
    if (m.phase === 'half-open' || m.phase === 'half-open-burst') void holdHalfOpen(m.port, Number(arg('half-open', '300')), m.phase === 'half-open-burst').then(done);
  });
}

/** Milliseconds of 5 GETs of the dashboard, one after the other, each on its own connection. */
async function gets(port: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      request(`http://127.0.0.1:${port}/`, { agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    out.push(performance.now() - t0);
  }
  return out;
}

async function flood(port: number, frames: number): Promise<Report> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/events`);
  await new Promise<void>((resolve) => ws.once('message', () => resolve()));
  ws.pause();
  let ended = 'not closed';
  const closed = new Promise<void>((resolve) => ws.once('close', (code) => ((ended = `closed ${code}`), resolve())));
  let sent = 0;
  while (sent < frames && ws.readyState === WebSocket.OPEN) {
    const batch = Math.min(10_000, frames - sent);
    const written = new Promise<void>((resolve) => {
      for (let i = 0; i < batch; i++) ws.send('x', i === batch - 1 ? () => resolve() : undefined);
    });
    sent += batch;
    await Promise.race([written, closed]);
  }
  // Everything is written (or the server stopped reading us): the main process weighs what it keeps
  // for us before we read.
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send!('sent');
  });
  // The server may still be reading; wait for it to answer the last frame (or for the connection to
  // end), reading from here on.
  ws.resume();
  if (ws.readyState !== WebSocket.OPEN) await closed;
  else {
    await Promise.race([closed, new Promise<void>((resolve) => {
      let answers = 0;
      ws.on('message', (data) => {
        if (String(data).startsWith('{"type":"error"') && ++answers >= frames) resolve();
      });
    })]);
  }
  ws.terminate();
  return { sent, ended };
}

async function holdHalfOpen(port: number, n: number, burst: boolean): Promise<Report> {
  const held: Array<{ socket: Socket; closed: boolean }> = [];
  for (let i = 0; i < n; i++) {
    const socket = connect(port, '127.0.0.1');
    const h = { socket, closed: false };
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.on('close', () => (h.closed = true));
    const connected = new Promise<void>((resolve) =>
      socket
        .once('connect', () => {
          socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
          resolve();
        })
        .once('close', resolve),
    );
    if (!burst) await connected;
    held.push(h);
  }
  if (burst) await new Promise((r) => setTimeout(r, 50));
  const getMs = await gets(port);
  const heldClosed = held.filter((h) => h.closed).length;
  for (const h of held) h.socket.destroy();
  return { getMs, heldClosed };
}
