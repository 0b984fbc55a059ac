// `npm start` runs examples/main.ts, the main job: run it as a user would and check what it reports.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../examples/main.ts', import.meta.url));

t.test('npm start: an evolutionary search on digits with a dashboard, then the test accuracy', async (t) => {
  const out = execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', main], { encoding: 'utf8', env: { ...process.env, RXTRAIN_BACKEND: 'wasm' }, timeout: 400_000 });
  t.match(out, /^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m, 'prints the dashboard URL');
  for (let g = 0; g < 4; g++) t.match(out, new RegExp(`^generation ${g}: best val_accuracy 0\\.\\d+, median 0\\.\\d+, \\d/6 completed$`, 'm'));
  t.match(out, /^best: val_accuracy 0\.\d+ with \{"lr":/m, 'the best parameters');
  const acc = Number(/test accuracy ([\d.]+)/.exec(out)?.[1]);
  t.ok(acc >= 0.95, `test accuracy ${acc}`);
});
