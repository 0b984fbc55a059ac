// The README's first example is code a user will paste: run it as written and check what it prints.
import t from 'tap';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const first = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];

t.test("the README's first example runs and reaches its accuracy", async (t) => {
  t.ok(first, 'the README has a ts example');
  // Inside the package, so that `import ... from 'rxtrain'` resolves to this checkout.
  const dir = mkdtempSync(join(root, 'test', '.readme-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'example.ts');
  writeFileSync(file, first!);
  const out = execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', file], { encoding: 'utf8', env: { ...process.env, RXTRAIN_BACKEND: 'wasm' }, timeout: 240_000 });
  const acc = Number(/test accuracy ([\d.]+)/.exec(out)?.[1]);
  t.ok(acc >= 0.95, `test accuracy ${acc}`);
  t.match(out, /^1 0\.\d+$/m, 'prints epoch (from 1) and val_accuracy per epoch');
});

t.test("the README's search example runs, resumably, in SQLite", async (t) => {
  const search = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('study('));
  t.ok(search, 'the README has a search example');
  const dir = mkdtempSync(join(root, 'test', '.readme-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'search.ts');
  writeFileSync(file, search!.replace('{ trials: 30 }', '{ trials: 6 }'));
  const out = execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', file], { encoding: 'utf8', cwd: dir, env: { ...process.env, RXTRAIN_BACKEND: 'wasm' }, timeout: 240_000 });
  t.match(out, /state: 'completed'/, 'prints the best trial');
  const value = Number(/value: ([\d.]+)/.exec(out)?.[1]);
  t.ok(value > 0.85, `best val_accuracy ${value}`);
  t.ok(existsSync(join(dir, 'digits.db')), 'the study is in digits.db');
});
