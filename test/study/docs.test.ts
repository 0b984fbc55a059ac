// docs/studies.md and the study examples are code a user will paste or run: run them as written.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const doc = readFileSync(join(root, 'docs', 'studies.md'), 'utf8');
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

const run = (file: string, timeout = 240_000): string =>
  execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', file], { encoding: 'utf8', timeout, cwd: root });

t.test('every ts block of docs/studies.md runs', async (t) => {
  t.ok(blocks.length >= 5, `${blocks.length} blocks`);
  // Inside the package, so that 'rxtrain' resolves to this checkout (the rxtrain-source condition).
  const dir = mkdtempSync(join(root, 'test', '.studies-docs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // A block whose first line is `// file: NAME` is a module other blocks import: written, not run.
  const outputs: string[] = [];
  blocks.forEach((code, i) => {
    const named = /^\/\/ file: (\S+)/.exec(code)?.[1];
    const file = join(dir, named ?? `block-${i}.ts`);
    writeFileSync(file, code);
    if (!named) outputs.push(run(file));
  });
  const [first, policy, timeouts, training, byHand, workers, storage, resume] = outputs;
  t.match(policy, /^INVALID_CONFIG 1 trial ran$/m, 'a metric typo ends the study at its first trial');
  t.match(policy, /no metric 'val_los', the study's 'metric' \(it has: loss, val_loss\)/);
  t.match(policy, /^\d+ completed, \d+ failed$/m, 'NaN trials do not end the study');
  t.match(timeouts, /no epoch for 100 ms/, 'the RxJS timeout pattern fails a slow trial');
  t.match(timeouts, /completed/);
  t.match(first, /^best \d/m, 'a first search');
  const best = Number(/^best ([\d.e-]+)/m.exec(first!)?.[1]);
  t.ok(best < 1, `quadratic best ${best}`);
  t.match(training, /"type":"studyCompleted","reason":"trials"/, 'a training search completes');
  t.match(training, /"type":"trialCompleted"/);
  t.match(byHand, /^0 completed 0\.250$/m, 'the enqueued trial runs first');
  t.match(workers, /^best trial \d+: val_accuracy 0\.9\d+/m, 'a search in worker threads');
  t.match(storage, /^3 trials, next is number 3$/m);
  t.match(storage, /^0 trials in memory$/m);
  t.match(resume, /^10 completed$/m);
});

t.test('examples/ask-and-tell.ts runs', async (t) => {
  const out = run(join(root, 'examples', 'ask-and-tell.ts'));
  t.match(out, /^60 trials: \d+ completed, \d+ pruned$/m);
  const best = Number(/value ([\d.]+)/.exec(out)?.[1]);
  t.ok(best < 1.5, `branin best ${best}`);
});

t.test('examples/sqlite-resume.ts survives its own kill -9', async (t) => {
  const out = run(join(root, 'examples', 'sqlite-resume.ts'), 120_000);
  t.match(out, /worker ended by SIGKILL/);
  t.match(out, /trial 7 was interrupted; its parameters are queued again/);
  t.match(out, /7 finished trials in/);
  t.match(out, /20 completed; best/);
});
