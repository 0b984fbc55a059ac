/**
 * Forgetting useBackend() used to train on tfjs's pure-JS cpu fallback, 20-250x slower than wasm,
 * without a word. Now the first training call chooses useBackend('auto') and says so in runStart; a
 * backend someone chose (useBackend, tf.setBackend, RXTRAIN_BACKEND through useBackend) is kept. Each
 * case runs in its own process: the choice is per process.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'no-backend-chosen.ts');
function run(mode: string, extraEnv: Record<string, string> = {}) {
  const { RXTRAIN_BACKEND: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', fixture, mode], { encoding: 'utf8', timeout: 180_000, env: { ...env, ...extraEnv } });
  if (r.status !== 0) throw new Error(`fixture ${mode} failed (${r.status}): ${r.stderr.slice(-1500)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runStart: Record<string, unknown>; active: string; loss: number };
}

t.test('no backend chosen: the first training call chooses auto (wasm here) and says so', async (t) => {
  const out = run('none');
  t.match(out.runStart, { type: 'runStart', backend: 'wasm', backendAutoChosen: true });
  t.equal(out.active, 'wasm');
  t.ok(Number.isFinite(out.loss), `a model made on the cpu fallback trains on wasm (loss ${out.loss})`);
});

t.test('RXTRAIN_BACKEND still decides what auto means', async (t) => {
  const out = run('none', { RXTRAIN_BACKEND: 'cpu' });
  t.match(out.runStart, { backend: 'cpu', backendAutoChosen: true });
});

t.test('a backend chosen by useBackend() or tf.setBackend() is kept', async (t) => {
  for (const mode of ['use-cpu', 'tf-cpu']) {
    const out = run(mode);
    t.match(out.runStart, { type: 'runStart', backend: 'cpu' }, mode);
    t.notOk('backendAutoChosen' in out.runStart, `${mode}: not marked as chosen automatically`);
  }
});
