/** An `rxtrain worker` process for the distributed tests: its output lines, and waits on them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/rxtrain.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `count` lines matched `pattern`. */
  waitFor(pattern: RegExp, count?: number): Promise<void>;
  /** When (Date.now()) the line `started <trial> ...` was read. */
  startedAt(trial: number): number;
}

/** Start `rxtrain worker` with `args` (after `worker`). */
export function startWorker(args: readonly string[]): WorkerProcess {
  const child = spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', cli, 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  const started = new Map<number, number>();
  const waiters: Array<() => void> = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      lines.push(line);
      const m = /^started (\d+) /.exec(line);
      if (m) started.set(Number(m[1]), Date.now());
      buffer = buffer.slice(i + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => stderr.push(c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const waitFor = async (pattern: RegExp, count = 1): Promise<void> => {
    while (lines.filter((l) => pattern.test(l)).length < count) await new Promise<void>((r) => waiters.push(r));
  };
  const startedAt = (trial: number): number => {
    const at = started.get(trial);
    if (at === undefined) throw new Error(`trial ${trial} was not started by this worker`);
    return at;
  };
  return { child, lines, stderr, exited, waitFor, startedAt };
}
