/**
 * The SQLite storage's heartbeat (issue 15 item 7): a live process sharing the file finds a dead
 * peer's trial and fails it (or queues it again) without reopening the study; a suspended peer, which
 * is alive, keeps its trial.
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import { study } from '../../lib/study/study.js';
import type { Storage } from '../../lib/storage/storage.js';
import type { FrozenTrial, SearchSpaceLike } from '../../lib/search/types.js';
import { startChild } from '../child-process.js';

const worker = fileURLToPath(new URL('./fixtures/sqlite-study-worker.ts', import.meta.url));
const space: SearchSpaceLike = { params: [{ name: 'x', distribution: { kind: 'float', low: 0, high: 100, log: false } }], isActive: () => true };

/** Resolves with trial `n` once `ok` holds of it (checked at each turn of a 20 ms timer). */
function until(storage: Storage, n: number, ok: (t: FrozenTrial | undefined) => boolean): Promise<FrozenTrial | undefined> {
  return new Promise((resolve) => {
    const look = (): void => {
      const trial = storage.getTrial('crash', n);
      if (ok(trial)) resolve(trial);
      else setTimeout(look, 20);
    };
    look();
  });
}

t.test('a peer SIGKILLed mid-trial: a live process sharing the file re-queues its trial without reopening', async (t) => {
  const db = join(t.testdir({}), 'peers.db');
  const storage = sqliteStorage(db, { heartbeatMs: 50, onStale: 'retry' });
  t.teardown(() => storage.close());
  const s = study({ name: 'crash', direction: 'minimize', storage, space, sampler: { name: 'n', sample: () => ({ x: 7 }) } });

  // Two peers, each in the middle of a trial that would take a minute.
  const dead = startChild(worker, [db, '1', '1', '60000', '1']);
  const frozen = startChild(worker, [db, '1', '1', '60000', '1']);
  t.teardown(() => [dead, frozen].forEach((p) => p.child.kill('SIGKILL')));
  const [a, b] = (await Promise.all([dead.waitFor(/^started \d+$/), frozen.waitFor(/^started \d+$/)])).map((l) => Number(l.slice(8)));
  frozen.child.kill('SIGSTOP'); // suspended: alive, its trial is its own
  dead.child.kill('SIGKILL');
  await dead.exited;

  const failed = await until(storage, a!, (x) => x?.state === 'failed');
  t.match(failed, { state: 'failed', error: 'interrupted', attrs: { requeuedAs: Number } });
  const retry = failed!.attrs!.requeuedAs as number;
  t.match(storage.getTrial('crash', retry), { state: 'waiting', params: failed!.params, attrs: { retryOf: a } });
  t.equal(storage.getTrial('crash', b!)?.state, 'running', 'the suspended peer keeps its trial');

  // This process's next trial is the retry.
  const next = s.ask();
  t.equal(next.number, retry);
  s.tell(next, 1);

  // Once the frozen peer dies too, its trial goes the same way.
  frozen.child.kill('SIGKILL');
  await frozen.exited;
  t.match(await until(storage, b!, (x) => x?.state === 'failed'), { error: 'interrupted' });
});

t.test("with onStale 'fail' (the default) a dead peer's trial is failed, and nothing is queued", async (t) => {
  const db = join(t.testdir({}), 'peers-fail.db');
  const storage = sqliteStorage(db, { heartbeatMs: 50 });
  t.teardown(() => storage.close());
  storage.openStudy({ name: 'crash', direction: 'minimize' }, 0);
  const dead = startChild(worker, [db, '1', '1', '60000', '1']);
  t.teardown(() => dead.child.kill('SIGKILL'));
  const a = Number((await dead.waitFor(/^started \d+$/)).slice(8));
  dead.child.kill('SIGKILL');
  await dead.exited;
  t.match(await until(storage, a, (x) => x?.state === 'failed'), { error: 'interrupted' });
  t.same(storage.getTrials('crash').map((x) => x.state), ['failed']);
});

t.test('sqlite storage: heartbeat options are checked', async (t) => {
  const path = join(t.testdir({}), 'o.db');
  t.throws(() => sqliteStorage(path, { heartbeatMs: 0 }), /option 'heartbeatMs'/);
  t.throws(() => sqliteStorage(path, { onStale: 'drop' as 'fail' }), /option 'onStale'/);
});
