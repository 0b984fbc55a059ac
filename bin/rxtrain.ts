#!/usr/bin/env node
/**
 * The rxtrain command line.
 *
 *   rxtrain watch <url> [--metric M] [--retries 8] [--token T]   live table of a monitor's runs and trials
 *   rxtrain stop <url> <run> [--trial N] --token T           stop a run (or one trial of a study run)
 *   rxtrain pause|resume <url> [<run>] --token T             hold / release runs at their next boundary
 *   rxtrain worker --storage postgres://... --study NAME --objective ./trial.js [--concurrency n]
 *                                                           run a study's queued trials (see docs/distributed.md)
 *   rxtrain dashboard <file.db | postgres://...> [--study NAME] [--port N]
 *                                                           the dashboard of the studies in a storage, live
 *
 * `<url>` is the dashboard URL a monitor prints (`http://127.0.0.1:PORT/`) or its WebSocket URL.
 */
import { parseArgs } from 'node:util';
import { connectMonitor } from '../lib/monitor/connect-monitor.js';
import { sendCommand } from '../lib/monitor/send-command.js';
import { watchTable } from '../lib/monitor/watch-table.js';
import { workerCommand } from '../lib/distributed/worker-command.js';
import { dashboardCommand } from '../lib/monitor/dashboard-command.js';
import type { BackendName } from '../lib/backend/use-backend.js';

const usage = `usage:
  rxtrain watch <url> [--metric M] [--retries 8] [--token T]
      (--metric: the metric every row shows; default each run's objective)
  rxtrain stop <url> <run> [--trial N] [--reason TEXT] --token T
  rxtrain pause <url> [<run>] --token T
  rxtrain resume <url> [<run>] --token T
  rxtrain worker --storage postgres://... --study NAME --objective ./trial.js
                 [--export default] [--member-export member] [--concurrency 1] [--trials N] [--idle-exit SECONDS]
                 [--schema public] [--backend auto|wasm|cpu] [--seed N] [--heartbeat-ms 5000] [--stale-after-ms 30000]
                 [--trial-timeout SECONDS] [--max-consecutive-failures 10|Infinity]
  rxtrain dashboard <file.db | postgres://...> [--study NAME] [--port 0] [--host 127.0.0.1] [--token T]
                    [--schema public] [--poll-ms 250]
      (the dashboard of the studies in a SQLite file or PostgreSQL database, finished or running in
       other processes, live and read-only; --token grants reading, required with a non-loopback --host)
The token may also come from the RXTRAIN_MONITOR_TOKEN environment variable.`;

function fail(message: string): never {
  process.stderr.write(`rxtrain: ${message}\n\n${usage}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        token: { type: 'string' },
        metric: { type: 'string' },
        retries: { type: 'string' },
        trial: { type: 'string' },
        reason: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        storage: { type: 'string' },
        study: { type: 'string' },
        objective: { type: 'string' },
        export: { type: 'string' },
        'member-export': { type: 'string' },
        concurrency: { type: 'string' },
        trials: { type: 'string' },
        'idle-exit': { type: 'string' },
        schema: { type: 'string' },
        backend: { type: 'string' },
        seed: { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        'stale-after-ms': { type: 'string' },
        'trial-timeout': { type: 'string' },
        'max-consecutive-failures': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'poll-ms': { type: 'string' },
      },
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, url, run] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (command === 'worker') return worker(values);
  const token = values.token ?? process.env.RXTRAIN_MONITOR_TOKEN;
  if (command === 'dashboard') {
    if (url === undefined) fail('dashboard: which storage? (rxtrain dashboard <file.db | postgres://...>)');
    return dashboard(url, values, token);
  }
  if (url === undefined) fail(`${command}: the monitor's URL is missing`);

  switch (command) {
    case 'watch': {
      const retries = values.retries === undefined ? 8 : Number(values.retries);
      if (!(Number.isInteger(retries) && retries >= 0)) fail(`--retries must be an integer ≥ 0 (got ${values.retries})`);
      return watch(url, values.metric, token, retries);
    }
    case 'stop': {
      if (run === undefined) fail('stop: which run? (rxtrain stop <url> <run>)');
      if (!token) fail('stop: needs the monitor token (--token or RXTRAIN_MONITOR_TOKEN)');
      const trial = values.trial === undefined ? undefined : Number(values.trial);
      if (trial !== undefined && !(Number.isInteger(trial) && trial >= 0)) fail(`--trial must be an integer ≥ 0 (got ${values.trial})`);
      // Acknowledged only when the run (and trial) exists and has not ended; a refusal rejects (exit 1).
      await sendCommand(url, { type: 'stop', run, ...(trial === undefined ? {} : { trial }), ...(values.reason ? { reason: values.reason } : {}) }, { token });
      process.stdout.write(`stop accepted for ${run}${trial === undefined ? '' : ` #${trial}`}\n`);
      return;
    }
    case 'pause':
    case 'resume':
      if (!token) fail(`${command}: needs the monitor token (--token or RXTRAIN_MONITOR_TOKEN)`);
      await sendCommand(url, run === undefined ? { type: command } : { type: command, run }, { token });
      process.stdout.write(`${command} sent${run === undefined ? ' (all runs)' : ` to ${run}`}\n`);
      return;
    default:
      fail(`unknown command '${command}'`);
  }
}

function count(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) fail(`worker: --${flag} must be a number ≥ ${min} (got ${text})`);
  return n;
}

async function worker(values: Record<string, string | boolean | undefined>): Promise<void> {
  const need = (flag: string): string => {
    const v = values[flag];
    if (typeof v !== 'string' || v === '') fail(`worker: --${flag} is required`);
    return v;
  };
  const backend = values.backend as string | undefined;
  const backendNames = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] satisfies BackendName[];
  if (backend !== undefined && !(['auto', ...backendNames] as string[]).includes(backend)) fail(`worker: --backend must be auto or one of ${backendNames.join(', ')} (got ${backend})`);
  const concurrency = count('concurrency', values.concurrency as string | undefined, 1);
  const trials = count('trials', values.trials as string | undefined, 1);
  const idle = count('idle-exit', values['idle-exit'] as string | undefined, 0);
  const seed = count('seed', values.seed as string | undefined, -Infinity);
  const heartbeatMs = count('heartbeat-ms', values['heartbeat-ms'] as string | undefined, 1);
  const staleAfterMs = count('stale-after-ms', values['stale-after-ms'] as string | undefined, 1);
  const trialTimeout = count('trial-timeout', values['trial-timeout'] as string | undefined, 0.001);
  const failures = values['max-consecutive-failures'] as string | undefined;
  const maxConsecutiveFailures = failures === 'Infinity' ? Infinity : count('max-consecutive-failures', failures, 1);
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await workerCommand(
    {
      storage: need('storage'),
      study: need('study'),
      objective: need('objective'),
      ...(typeof values.export === 'string' ? { export: values.export } : {}),
      ...(typeof values['member-export'] === 'string' ? { memberExport: values['member-export'] } : {}),
      ...(typeof values.schema === 'string' ? { schema: values.schema } : {}),
      ...(backend !== undefined ? { backend: backend as BackendName | 'auto' } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(trials !== undefined ? { trials } : {}),
      ...(idle !== undefined ? { idleExitSeconds: idle } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(heartbeatMs !== undefined ? { heartbeatMs } : {}),
      ...(staleAfterMs !== undefined ? { staleAfterMs } : {}),
      ...(trialTimeout !== undefined ? { trialTimeoutMs: Math.round(trialTimeout * 1000) } : {}),
      ...(maxConsecutiveFailures !== undefined ? { maxConsecutiveFailures } : {}),
    },
    (line) => process.stdout.write(`${line}\n`),
    stop,
  );
  // Threads and connections are closed; leave no timer keeping the process alive.
  process.exit(process.exitCode ?? 0);
}

/** Serve the dashboard of a storage's studies until Ctrl-C. */
async function dashboard(location: string, values: Record<string, string | boolean | undefined>, token: string | undefined): Promise<void> {
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) fail(`dashboard: --port must be an integer from 0 to 65535 (got ${values.port})`);
  const pollMs = values['poll-ms'] === undefined ? undefined : Number(values['poll-ms']);
  if (pollMs !== undefined && !(Number.isInteger(pollMs) && pollMs >= 1)) fail(`dashboard: --poll-ms must be an integer ≥ 1 (got ${values['poll-ms']})`);
  const d = await dashboardCommand(location, {
    port,
    ...(typeof values.study === 'string' ? { study: values.study } : {}),
    ...(typeof values.host === 'string' ? { host: values.host } : {}),
    ...(typeof values.schema === 'string' ? { schema: values.schema } : {}),
    ...(token ? { token } : {}),
    ...(pollMs !== undefined ? { pollMs } : {}),
    onError: (study, err) => process.stderr.write(`rxtrain dashboard: reading study ${JSON.stringify(study)} failed (will try again): ${(err as Error).message}\n`),
  });
  const shown = token ? `?token=${encodeURIComponent(token)}` : '';
  process.stdout.write(`dashboard: ${d.study === undefined ? d.url + shown : d.studyUrl(d.study) + (token ? `&token=${encodeURIComponent(token)}` : '')}\n`);
  process.stdout.write(d.study === undefined ? `studies: ${d.url}studies${shown}\n` : `following study ${JSON.stringify(d.study)} (read-only); Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await d.close();
  process.exit(0);
}

/**
 * A live table until Ctrl-C, or until the monitor's program ends (it says so, or the connection drops
 * after every run it showed has ended): then the last table and each run's result, exit 0. A monitor
 * that cannot be reached in `retries` attempts in a row ends it with exit 1.
 */
function watch(url: string, metric: string | undefined, token: string | undefined, retries: number): Promise<void> {
  const table = watchTable(metric);
  const tty = process.stdout.isTTY === true;
  let status = 'connecting…';
  let dirty = true;
  const draw = (): void => {
    if (!dirty) return;
    dirty = false;
    const text = `rxtrain watch ${url} — ${status}\n${table.render(process.stdout.columns ?? 160)}\n`;
    // On a terminal, redraw in place; piped, print a snapshot each time something changed.
    process.stdout.write(tty ? `\x1b[H\x1b[2J${text}` : `${text}\n`);
  };
  let done: (() => void) | undefined;
  /** The program ended: show the last table and the results, and stop. */
  const finished = (why: string): void => {
    status = `finished (${why})`;
    dirty = true;
    draw();
    process.stdout.write(`${table.results().join('\n')}\n`);
    done?.();
  };
  const sub = connectMonitor(url, {
    ...(token ? { token } : {}),
    maxRetries: retries,
    onStatus: (s) => {
      if (s.state === 'closed' && table.allEnded()) {
        // The connection dropped after every run ended: the program is done, not unreachable.
        setImmediate(() => finished(`connection closed (${s.code}) after every run ended`));
        return;
      }
      status =
        s.state === 'open' ? `live${s.control ? ' (control)' : ''}` : s.state === 'closed' ? `disconnected (${s.code}), retry ${s.attempt} of ${retries} in ${(s.retryInMs / 1000).toFixed(1)} s` : s.state === 'finished' ? 'finished' : 'connecting…';
      dirty = true;
    },
  }).subscribe({
    next: (r) => {
      table.apply(r);
      dirty = true;
    },
    error: (err: unknown) => {
      status = 'unreachable';
      dirty = true;
      draw();
      process.stderr.write(`rxtrain watch: cannot reach the monitor at ${url}: ${(err as Error).message}\n`);
      process.exitCode = 1;
      done?.();
    },
    complete: () => finished('the monitor was closed by its program'),
  });
  const timer = setInterval(draw, tty ? 250 : 2000);
  return new Promise<void>((resolve) => {
    done = (): void => {
      done = undefined;
      clearInterval(timer);
      sub.unsubscribe();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    const stop = (): void => {
      dirty = true;
      if (!tty) draw();
      done?.();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`rxtrain: ${(err as Error).message}\n`);
  process.exit(1);
});
