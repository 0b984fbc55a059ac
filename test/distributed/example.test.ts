// examples/distributed.ts as docs/distributed.md runs it: a driver and two local worker processes on
// PostgreSQL, training digits MLPs.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PG_URL, pgSkip, freshSchema, dropSchemas } from '../storage/postgres-helpers.js';

t.test('the distributed example runs a study on two worker processes', { skip: pgSkip }, async (t) => {
  t.teardown(dropSchemas);
  const example = fileURLToPath(new URL('../../examples/distributed.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', example, '--url', PG_URL, '--schema', freshSchema(), '--trials', '4'], {
    encoding: 'utf8',
    env: { ...process.env, RXTRAIN_BACKEND: 'wasm' },
    timeout: 240_000,
  });
  t.match(out, /^workers run: npx rxtrain worker --storage /m, 'prints the command to run on other machines');
  t.match(out, /^done: \d+ completed, \d+ pruned, 0 failed$/m);
  const done = /^done: (\d+) completed, (\d+) pruned/m.exec(out)!;
  t.equal(Number(done[1]) + Number(done[2]), 4, 'four trials ran');
  t.ok(/\[worker 0\] started/.test(out) && /\[worker 1\] started/.test(out), 'both workers took trials');
  const acc = Number(/^best: trial \d+, val_accuracy ([\d.]+)/m.exec(out)?.[1]);
  t.ok(acc > 0.9, `best val_accuracy ${acc}`);
});
