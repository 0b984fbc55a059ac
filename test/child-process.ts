/** A child Node process whose stdout lines a test can wait for (storage and distributed tests). */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the `count`-th line (printed from now on, or already) matching `pattern`. */
  waitFor(pattern: RegExp, count?: number): Promise<string>;
  /** Resolves once `ok()` holds, checked now and after each line it prints. */
  until(ok: () => boolean): Promise<void>;
  /** Write one line to its stdin. */
  send(line: string): void;
}

export interface ChildOptions {
  /** Node's own arguments, before the script. Default `['--import=tsx']`. */
  readonly nodeArgs?: readonly string[];
  /** Added to the environment the child inherits. */
  readonly env?: Readonly<Record<string, string>>;
  /** Sees each stdout line as it arrives, before any wait is checked. */
  readonly onLine?: (line: string) => void;
}

/** Start `node [nodeArgs] script ...args` with piped stdio. */
export function startChild(script: string, args: readonly string[], options: ChildOptions = {}): Child {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? ['--import=tsx']), script, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const lines: string[] = [];
  const stderr: string[] = [];
  const checks: Array<{ ok: () => boolean; resolve: () => void }> = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      options.onLine?.(line);
      for (const c of [...checks]) {
        if (c.ok()) {
          checks.splice(checks.indexOf(c), 1);
          c.resolve();
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const until = (ok: () => boolean): Promise<void> => (ok() ? Promise.resolve() : new Promise((resolve) => checks.push({ ok, resolve })));
  const matching = (pattern: RegExp): string[] => lines.filter((l) => pattern.test(l));
  return {
    child,
    lines,
    stderr,
    exited,
    waitFor: async (pattern, count = 1) => {
      await until(() => matching(pattern).length >= count);
      return matching(pattern)[count - 1]!;
    },
    until,
    send: (line) => void child.stdin!.write(`${line}\n`),
  };
}
