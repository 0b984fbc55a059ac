// docs/multi-objective.md is code a user will paste or run: run it as written.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const doc = readFileSync(join(root, 'docs', 'multi-objective.md'), 'utf8');
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

const run = (file: string): string =>
  execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', file], { encoding: 'utf8', timeout: 300_000, cwd: root });

t.test('every ts block of docs/multi-objective.md runs', async (t) => {
  t.equal(blocks.length, 3);
  const dir = mkdtempSync(join(root, 'test', '.mo-docs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const [zdt, size, constrained] = blocks.map((code, i) => {
    const file = join(dir, `block-${i}.ts`);
    writeFileSync(file, code);
    return run(file);
  });
  t.match(zdt, /^\d+ trials on the front$/m);
  const hv = Number(/^hypervolume ([\d.]+) of at most 120\.67$/m.exec(zdt!)?.[1]);
  t.ok(hv > 110 && hv <= 120.67, `ZDT1 hypervolume ${hv}`);
  t.match(zdt, /has 2 objectives, so no single best trial: use study\.paretoFront\(\)/);
  const rows = [...size!.matchAll(/^units (\d+): val_accuracy ([\d.]+), (\d+) parameters, ([\d.]+) ms per sample$/gm)];
  t.ok(rows.length >= 1, `${rows.length} trials on the size front`);
  for (const r of rows) t.equal(Number(r[3]), 64 * Number(r[1]) + Number(r[1]) + Number(r[1]) * 10 + 10, 'params is the MLP’s parameter count');
  const m = /^best feasible: ([\d.]+) at x \+ y = ([\d.]+); (\d+) infeasible trials$/m.exec(constrained!);
  t.ok(m, constrained ?? '');
  t.ok(Number(m![2]) >= 1, 'the best trial is feasible');
  t.ok(Number(m![1]) < 0.8, `near the constrained optimum 0.5: ${m![1]}`);
  t.ok(Number(m![3]) > 0, 'some trials broke the constraint');
});
