/** An `rxtrain worker` process for the distributed tests: its output lines, and waits on them. */
import { fileURLToPath } from 'node:url';
import { startChild, type Child } from '../child-process.js';

const cli = fileURLToPath(new URL('../../bin/rxtrain.ts', import.meta.url));

export interface WorkerProcess extends Child {
  /** When (Date.now()) the line `started <trial> ...` was read. */
  startedAt(trial: number): number;
}

/** Start `rxtrain worker` with `args` (after `worker`). */
export function startWorker(args: readonly string[], env?: Readonly<Record<string, string>>): WorkerProcess {
  const started = new Map<number, number>();
  const onLine = (line: string): void => {
    const m = /^started (\d+) /.exec(line);
    if (m) started.set(Number(m[1]), Date.now());
  };
  const child = startChild(cli, ['worker', ...args], { nodeArgs: ['--conditions=rxtrain-source', '--import=tsx'], onLine, ...(env ? { env } : {}) });
  const startedAt = (trial: number): number => {
    const at = started.get(trial);
    if (at === undefined) throw new Error(`trial ${trial} was not started by this worker`);
    return at;
  };
  return { ...child, startedAt };
}
