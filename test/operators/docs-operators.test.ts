/**
 * Every ```ts block of docs/operators.md is a complete program: run each one, so the docs cannot rot.
 * They are written under the repository's git-ignored tmp/ folder, where `rxtrain` resolves to this
 * package.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = readFileSync(join(repo, 'docs', 'operators.md'), 'utf8');
const dir = join(repo, 'tmp', `docs-operators-${process.pid}`);
mkdirSync(dir, { recursive: true });
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const blocks: { section: string; code: string }[] = [];
let section = '(top)';
for (const part of doc.split(/^```/m).map((p, i) => ({ p, code: i % 2 === 1 }))) {
  if (!part.code) {
    const headings = [...part.p.matchAll(/^## (.+)$/gm)];
    const last = headings.at(-1);
    if (last?.[1]) section = last[1];
  } else if (part.p.startsWith('ts\n')) {
    blocks.push({ section, code: part.p.slice(3) });
  }
}

t.ok(blocks.length >= 8, 'every operator has an example');

// One process runs them all in turn (a process per example would spend most of its time starting up).
const files = blocks.map((_, i) => join(dir, `example-${i}.ts`));
blocks.forEach(({ code }, i) => writeFileSync(files[i]!, code));
const runner = join(dir, 'run-all.ts');
writeFileSync(runner, files.map((f, i) => `console.log('@@start ${i}');\nawait import(${JSON.stringify(f)});\nconsole.log('@@done ${i}');\n`).join(''));
// Each example runs on the backend it asks for (useBackend('auto'): wasm here), not a forced cpu: the
// terminateOnNaN example once failed on wasm only.
const { RXTRAIN_BACKEND: _, ...env } = process.env;
const r = spawnSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', runner], { cwd: repo, encoding: 'utf8', timeout: 240_000, env });
const done = new Set([...r.stdout.matchAll(/^@@done (\d+)$/gm)].map((m) => Number(m[1])));
const stderr = r.stderr.split('\n').filter((l) => !/tfjs-node|^=+$|^Hi, looks/.test(l)).join('\n').trim().slice(-2000);
blocks.forEach(({ section }, i) => {
  t.ok(done.has(i), `docs/operators.md: ${section} runs`, done.has(i) ? {} : { stderr });
});
t.equal(r.status, 0, 'the examples exit cleanly');
