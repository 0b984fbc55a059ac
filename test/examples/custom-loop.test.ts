// examples/custom-loop.ts composes every training operator by hand: run it as a user would.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../examples/custom-loop.ts', import.meta.url));

t.test('examples/custom-loop.ts trains, checkpoints, logs and reports test accuracy', async (t) => {
  const out = execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', example], { encoding: 'utf8', env: { ...process.env, RXTRAIN_BACKEND: 'wasm' }, timeout: 240_000 });
  t.match(out, /^epoch 1: loss [\d.]+ val_acc [\d.]+ lr /m, 'epoch lines');
  t.match(out, /saved .*best \(val_accuracy/, 'a checkpoint was saved');
  const [, last, best] = /last weights: test accuracy ([\d.]+); best checkpoint: ([\d.]+)/.exec(out) ?? [];
  t.ok(Number(last) > 0.93 && Number(best) > 0.93, `test accuracy: last ${last}, best checkpoint ${best}`);
  const log = /^log: (.+)$/m.exec(out)?.[1];
  t.ok(log && existsSync(log), 'the JSON-lines log exists');
  const lines = readFileSync(log!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  t.equal(lines[0]!.type, 'runStart');
  t.ok(lines.some((l) => l.type === 'epochEnd') && lines.some((l) => l.type === 'lrChange'));
});
