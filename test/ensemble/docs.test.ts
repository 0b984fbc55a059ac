/**
 * The complete programs in docs/ensembles.md and docs/fine-tuning.md (```ts blocks that import and call
 * `useBackend`; the others are fragments) run, so the docs cannot rot. They import from `rxtrain`, whose
 * index must export the ensemble and fine-tuning API (a missing export fails here, not skips).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const api = (await import('rxtrain')) as Record<string, unknown>;
const wired = ['bagging', 'stacking', 'boosting', 'loadEnsemble', 'pretrained', 'pretrainedInfo', 'pretrainedNames'].every((n) => typeof api[n] === 'function');
const dir = join(repo, 'tmp', `docs-ensembles-${process.pid}`);

t.ok(wired, "rxtrain's index exports the ensemble and fine-tuning API the docs use");
for (const doc of ['docs/ensembles.md', 'docs/fine-tuning.md']) {
  t.test(doc, async (t) => {
    mkdirSync(dir, { recursive: true });
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const blocks = readFileSync(join(repo, doc), 'utf8').split(/^```/m).filter((p, i) => i % 2 === 1 && p.startsWith('ts\n')).map((p) => p.slice(3)).filter((code) => /^import /m.test(code) && code.includes('await useBackend('));
    t.ok(blocks.length >= 1, 'has a complete program');
    blocks.forEach((code, i) => {
      const file = join(dir, `${doc.replace(/\W/g, '-')}-${i}.ts`);
      writeFileSync(file, code);
      const r = spawnSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', file], { cwd: repo, encoding: 'utf8', timeout: 240_000, env: { ...process.env, RXTRAIN_BACKEND: 'wasm' } });
      t.equal(r.status, 0, `block ${i} runs`, { stderr: r.stderr.split('\n').filter((l) => !/^var |^\s{20}/.test(l)).join('\n').slice(-1500) });
      if (doc === 'docs/ensembles.md') t.match(r.stdout, /true\s*$/, 'the saved ensemble predicts the same');
    });
  });
}
