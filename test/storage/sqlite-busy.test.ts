/**
 * A busy SQLite database (issue 15 item 6): another process holds the write lock for longer than the
 * busy timeout. The trial whose write could not wait fails; the study goes on; recording the failure
 * never fails; nothing is left running.
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { sqliteStorage } from '../../lib/storage/sqlite-storage.js';
import { study } from '../../lib/study/study.js';
import type { StudyEvent } from '../../lib/study/study-events.js';
import type { SearchSpaceLike } from '../../lib/search/types.js';
import { startChild } from '../child-process.js';
import { RxtrainError } from '../../lib/errors.js';

const holder = fileURLToPath(new URL('./fixtures/sqlite-lock-holder.ts', import.meta.url));
const space: SearchSpaceLike = { params: [{ name: 'x', distribution: { kind: 'float', low: 0, high: 1, log: false } }], isActive: () => true };
const sampler = { name: 'n', sample: () => ({ x: 0.5 }) };

t.test('another process holds the write lock past busyTimeoutMs: the trial fails, the study goes on', async (t) => {
  const db = join(t.testdir({}), 'busy.db');
  const storage = sqliteStorage(db, { busyTimeoutMs: 300 });
  t.teardown(() => storage.close());
  const s = study({ name: 'busy', direction: 'minimize', storage, space, sampler });
  const other = startChild(holder, [db]);
  t.teardown(() => other.child.kill('SIGKILL'));
  await other.waitFor(/^ready$/);

  const events: StudyEvent[] = [];
  const run = lastValueFrom(
    s
      .optimize(
        async (trial) => {
          trial.report(0, 1);
          if (trial.number === 0) {
            // The other process takes the lock between two reports, and is suspended holding it (Ctrl-Z).
            other.send('lock');
            await other.waitFor(/^locked$/);
            other.child.kill('SIGSTOP');
            trial.report(1, 0.5); // waits 300 ms, then throws: this trial fails
          }
          return 0.25;
        },
        { trials: 2 },
      )
      .pipe(
        tap((e) => {
          events.push(e);
          // The failure is told while the lock is still held; then the other process resumes and lets go.
          if (e.type === 'trialFailed') {
            other.child.kill('SIGCONT');
            other.send('release');
          }
        }),
        toArray(),
      ),
  );
  await t.resolves(run, 'the study stream did not error');
  const failed = events.find((e) => e.type === 'trialFailed');
  t.match(failed, { trial: 0, error: /write lock.*300 ms.*busyTimeoutMs|database is locked/ }, 'the trial that could not write failed, saying why');
  t.match(events.at(-1), { type: 'studyCompleted', completed: 1, failed: 1 });

  // What another process reads from the file: the failure was recorded, nothing is left running.
  await other.waitFor(/^released$/);
  const fresh = sqliteStorage(db);
  t.same(fresh.getTrials('busy').map((x) => x.state), ['failed', 'completed']);
  t.match(fresh.getTrial('busy', 0)?.error, /busyTimeoutMs|locked/);
  fresh.close();
});

t.test('a trial that ends while the lock is held is recorded once the lock is free', async (t) => {
  const db = join(t.testdir({}), 'busy-end.db');
  const storage = sqliteStorage(db, { busyTimeoutMs: 200 });
  t.teardown(() => storage.close());
  const s = study({ name: 'busy', direction: 'minimize', storage, space, sampler });
  const other = startChild(holder, [db]);
  t.teardown(() => other.child.kill('SIGKILL'));
  await other.waitFor(/^ready$/);

  const a = s.ask();
  const b = s.ask();
  other.send('lock');
  await other.waitFor(/^locked$/);
  // Both calls give up waiting after 200 ms; neither throws: the outcome waits in this process.
  t.match(s.tell(a, 0.75), { number: 0, state: 'completed', value: 0.75 });
  t.match(s.tell(b, 'failed', new Error('boom')), { number: 1, state: 'failed', error: 'boom' });
  t.same(s.trials().map((x) => x.state), ['completed', 'failed'], 'this process sees them ended');
  const peek = sqliteStorage(db);
  t.same(peek.getTrials('busy').map((x) => x.state), ['running', 'running'], 'the file does not yet');
  other.send('release');
  await other.waitFor(/^released$/);
  // The next write carries them.
  s.enqueue({ x: 0.1 });
  t.same(peek.getTrials('busy').map((x) => [x.state, x.value ?? x.error]), [['completed', 0.75], ['failed', 'boom'], ['waiting', undefined]]);
  peek.close();
});

t.test('a trial that cannot start because the database is busy is asked for again, not the study failed', async (t) => {
  const storage = sqliteStorage(join(t.testdir({}), 'busy-start.db'));
  t.teardown(() => storage.close());
  let refused = 0;
  const busy = {
    ...storage,
    createTrial(name: string, init: Parameters<typeof storage.createTrial>[1]) {
      if (refused++ < 2) throw new RxtrainError('STORAGE', 'sqlite storage: another connection held the write lock', { busy: true });
      return storage.createTrial(name, init);
    },
  };
  const s = study({ name: 'busy', direction: 'minimize', storage: busy, space, sampler });
  const events = await lastValueFrom(s.optimize(() => 1, { trials: 2 }).pipe(toArray()));
  t.match(events.at(-1), { type: 'studyCompleted', completed: 2, failed: 0 });
  t.equal(refused, 4, 'refused twice, then the loop asked again and got both trials');
});
