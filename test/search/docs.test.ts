// docs/samplers.md, docs/pruners.md and docs/importance.md are code a user will paste: run every ts block as
// written and check what it prints.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** Run each ts block of a docs page (inside the package, so that 'rxtrain' is this checkout); their outputs. */
function runBlocks(t: Test, page: string): string[] {
  const doc = readFileSync(join(root, 'docs', page), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const dir = mkdtempSync(join(root, 'test', '.search-docs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return blocks.map((code, i) => {
    const file = join(dir, `block-${i}.ts`);
    writeFileSync(file, code);
    return execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', file], { encoding: 'utf8', timeout: 240_000, cwd: root });
  });
}

t.test('docs/pruners.md: every block runs and prunes as it says', async (t) => {
  const [threshold, patient, wilcoxon] = runBlocks(t, 'pruners.md');
  const [, completed, pruned] = /^(\d+) completed, (\d+) pruned$/m.exec(threshold!) ?? [];
  t.ok(Number(pruned) > 0 && Number(completed) > 0, `threshold: ${completed} completed, ${pruned} pruned`);
  t.match(threshold, /^pruned learning rates all above 2: true$/m);
  const [, alone, withPatience] = /^median pruned (\d+), patient\(median\) pruned (\d+)$/m.exec(patient!) ?? [];
  t.ok(Number(withPatience) < Number(alone), `patience prunes fewer noisy trials: ${withPatience} < ${alone}`);
  const [, prunedW, evaluations] = /^(\d+) of 30 trials pruned; (\d+) of 3000 instance evaluations$/m.exec(wilcoxon!) ?? [];
  t.ok(Number(prunedW) >= 20, `wilcoxon pruned ${prunedW} of 30`);
  t.ok(Number(evaluations) < 1000, `${evaluations} of 3000 evaluations`);
  const x = Number(/^best x ([\d.-]+)$/m.exec(wilcoxon!)?.[1]);
  t.ok(Math.abs(x - 0.3) < 0.2, `best x ${x} near the instances' mean target 0.3`);
});

t.test('docs/samplers.md: every block runs', async (t) => {
  const [, gp, qmc, fixed, warm] = runBlocks(t, 'samplers.md');
  t.ok(Number(gp) < 0.5, `the GP loop's best value ${gp!.trim()}`);
  const [, sobol, halton, random] = /^sobol (\d+) of 64 cells, halton (\d+), random (\d+)$/m.exec(qmc!) ?? [];
  t.equal(Number(sobol), 64, 'Sobol: one trial in each cell');
  t.ok(Number(halton) > Number(random), `halton ${halton} > random ${random}`);
  t.match(fixed, /^every trial used adam: true$/m);
  t.match(fixed, /optimizer: 'adam'/);
  const cold = Number(/^cold: best of the 10 new trials ([\d.]+)$/m.exec(warm!)?.[1]);
  const warmed = Number(/^warm: best of the 10 new trials ([\d.]+)$/m.exec(warm!)?.[1]);
  t.ok(warmed < cold, `a warm start helps: ${warmed} < ${cold}`);
});

t.test('docs/importance.md: the example ranks the parameters as its comment says', async (t) => {
  const [out] = runBlocks(t, 'importance.md');
  t.match(out, /^fanova activation 0\.\d\d, units 0\.\d\d, /m);
  t.match(out, /^meanDecreaseImpurity activation 0\.\d\d, units 0\.\d\d, /m);
});

