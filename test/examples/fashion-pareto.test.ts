// examples/fashion-pareto.ts, issue 18's real problem: a Pareto front of Fashion-MNIST MLPs, accuracy
// against parameter count. Run as a user would, with a smaller budget.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../examples/fashion-pareto.ts', import.meta.url));
const installed = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

t.test('examples/fashion-pareto.ts finds a front of accuracy against size', { skip: installed ? false : 'not installed (apt-get install dataset-fashion-mnist)' }, async (t) => {
  const out = execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', example, '12'], { encoding: 'utf8', env: { ...process.env, RXTRAIN_BACKEND: 'wasm' }, timeout: 600_000 });
  t.match(out, /^12 trials in \d+ s; the front, smallest first:$/m);
  const rows = [...out.matchAll(/^\s+(\d+) parameters\s+val_accuracy ([\d.]+)/gm)].map((m) => [Number(m[1]), Number(m[2])] as const);
  t.ok(rows.length >= 2, `${rows.length} trials on the front`);
  for (let i = 1; i < rows.length; i++) t.ok(rows[i]![0] >= rows[i - 1]![0] && rows[i]![1] >= rows[i - 1]![1], 'a bigger model on the front is a more accurate one');
  t.ok(rows.at(-1)![1] > 0.75, `the most accurate: ${rows.at(-1)![1]}`);
  t.match(out, /^hypervolume \d+$/m);
});
