/** A child process whose stdout lines the test can wait for (the SQLite busy and heartbeat tests). */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first line (printed from now on, or already) matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Resolves once `ok()` holds, checked now and after each line it prints. */
  until(ok: () => boolean): Promise<void>;
  /** Write one line to its stdin. */
  send(line: string): void;
}

export function startChild(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import=tsx', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const checks: Array<{ ok: () => boolean; resolve: () => void }> = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
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
  return {
    child,
    lines,
    stderr,
    exited,
    waitFor: (pattern) => {
      const seen = lines.find((l) => pattern.test(l));
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    until: (ok) => (ok() ? Promise.resolve() : new Promise((resolve) => checks.push({ ok, resolve }))),
    send: (line) => void child.stdin!.write(`${line}\n`),
  };
}
