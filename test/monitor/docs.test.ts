// docs/monitor.md's first example is code a user will paste: run it (with fewer epochs) and check that
// a client sees its events. The barrels must export the monitor (lib/index.ts, operators/index.ts).
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lib from '../../lib/index.js';
import * as ops from '../../operators/index.js';
import { connectMonitor } from '../../lib/monitor/connect-monitor.js';

const root = new URL('../../', import.meta.url).pathname;
const exported = 'startMonitor' in lib && 'monitorTap' in ops;

t.ok(exported, 'startMonitor and monitorTap are exported from rxtrain and rxtrain/operators');
t.test("docs/monitor.md's three-line example runs and is watched", async (t) => {
  const doc = readFileSync(join(root, 'docs', 'monitor.md'), 'utf8');
  const first = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  t.ok(first?.includes('startMonitor()'), 'the first example starts a monitor');
  const dir = mkdtempSync(join(root, 'test', '.monitor-doc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'example.ts');
  writeFileSync(file, first!);
  const child = spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', file], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RXTRAIN_BACKEND: 'cpu' } });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing a URL: ${out}`)));
  });
  const types = new Set<string>();
  await new Promise<void>((resolve) => {
    const sub = connectMonitor(url, { maxRetries: 0 }).subscribe({
      next: ({ run, event }) => {
        t.equal(run, 'baseline');
        types.add(event.type);
        if (event.type === 'epochEnd') {
          sub.unsubscribe();
          resolve();
        }
      },
      error: () => resolve(),
    });
  });
  t.ok(types.has('runStart') && types.has('epochEnd'), `saw ${[...types].join(', ')}`);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(code, 0, 'the example ends by itself (monitor.close() on complete)');
});

t.test("docs/monitor.md's rxtrain dashboard example: the study it writes is served from its file", async (t) => {
  const doc = readFileSync(join(root, 'docs', 'monitor.md'), 'utf8');
  const example = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.startsWith('// quadratic.ts'));
  t.ok(example, 'the section has its example');
  const dir = mkdtempSync(join(root, 'test', '.monitor-doc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'quadratic.ts'), example!);
  const run = spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', 'quadratic.ts'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  t.equal(await new Promise<number | null>((resolve) => run.once('exit', resolve)), 0, 'the example runs');
  const bin = join(root, 'bin', 'rxtrain.ts');
  const cli = spawn(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', bin, 'dashboard', 'studies.db'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void cli.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    cli.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^dashboard: (http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    cli.once('exit', (code) => reject(new Error(`exited (${code}) before printing a URL: ${out}`)));
  });
  t.match(url, /\?study=quadratic$/);
  let completed = 0;
  await new Promise<void>((resolve, reject) => {
    const sub = connectMonitor(url, { maxRetries: 0 }).subscribe({
      next: ({ run, event }) => {
        if (run === 'quadratic' && event.type === 'trialCompleted' && ++completed === 20) {
          sub.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
  });
  t.equal(completed, 20, "the study's 20 trials");
});
