// examples/data-parallel.ts is the usage shown in docs/wasm-backend.md: run it as a user would.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../examples/data-parallel.ts', import.meta.url));

t.test('examples/data-parallel.ts trains on 2 worker threads, stops early, evaluates and saves', async (t) => {
  const out = execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', example], { encoding: 'utf8', timeout: 120_000 });
  t.match(out, /^training on 2 worker threads \(wasm\), 38282 parameters$/m);
  t.match(out, /^epoch 1: loss [\d.]+ val_accuracy [\d.]+ \(\d+ ms\)$/m);
  const acc = Number(/^test accuracy ([\d.]+)$/m.exec(out)?.[1]);
  t.ok(acc >= 0.93, `test accuracy ${acc}`);
  const dir = /^saved to (.+)$/m.exec(out)?.[1];
  t.ok(dir && existsSync(join(dir, 'model.json')) && existsSync(join(dir, 'weights.bin')), 'the model was saved');
  if (dir) rmSync(dirname(dir), { recursive: true, force: true });
});
