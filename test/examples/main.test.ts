// `npm start` runs examples/main.ts, the main job: run it as a user would and check what it reports.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { dashboardCommand } from '../../lib/monitor/dashboard-command.js';
import { rawClient } from '../monitor/helpers.js';

const main = fileURLToPath(new URL('../../examples/main.ts', import.meta.url));

t.test('npm start: an evolutionary search on digits with a dashboard, then the test accuracy', async (t) => {
  const db = join(t.testdir({}), 'main.db');
  const out = execFileSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', main], { encoding: 'utf8', env: { ...process.env, RXTRAIN_BACKEND: 'wasm', RXTRAIN_MAIN_DB: db }, timeout: 400_000 });
  t.match(out, /^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m, 'prints the dashboard URL');
  for (let g = 0; g < 4; g++) t.match(out, new RegExp(`^generation ${g}: best val_accuracy 0\\.\\d+, median 0\\.\\d+, \\d/6 completed$`, 'm'));
  t.match(out, /^best: val_accuracy 0\.\d+ with \{"lr":/m, 'the best parameters');
  const acc = Number(/test accuracy ([\d.]+)/.exec(out)?.[1]);
  t.ok(acc >= 0.95, `test accuracy ${acc}`);

  // The command it prints reopens the search from its file: the dashboard replays every member.
  const reopen = /^reopen this search: npx rxtrain dashboard (\S+) --study (\S+)$/m.exec(out);
  t.ok(reopen, 'prints the rxtrain dashboard command');
  t.equal(reopen?.[1], db);
  const dashboard = await dashboardCommand(reopen![1]!, { study: reopen![2]! });
  t.teardown(() => dashboard.close());
  const client = await rawClient(dashboard.studyUrl(reopen![2]!).replace(/^http/, 'ws').replace('/?', '/events?'));
  t.teardown(() => client.ws.close());
  await client.until((m) => m.type === 'events' && client.records.filter((r) => ['trialCompleted', 'trialPruned', 'trialFailed'].includes(r.event.type)).length >= 21);
  t.pass('every member of the 4 generations (6, then 5 new beside the elite)');
  t.ok(client.records.some((r) => r.event.type === 'generationStarted' && r.event.generation === 3), "the generations, for the dashboard's population view");
});
