/**
 * A follower must not wait forever for a notification that never came: a storage's "any trial may
 * have changed" (a negative number from `watch`) makes it read again, and PostgreSQL sends one every
 * few heartbeats. The hang this guards against: a driver whose 60 trials had all ended in the
 * database, still following one of them.
 */
import t from 'tap';
import { Subject, firstValueFrom, filter } from 'rxjs';
import { followTrial } from '../../lib/distributed/follow-trial.js';
import { systemClock } from '../../lib/clock.js';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import { postgresStorage } from '../../lib/storage/postgres/postgres-storage.js';
import type { StudyEvent } from '../../lib/study/index.js';
import { PG_URL, dropSchemas, freshSchema, pgSkip } from '../storage/postgres-helpers.js';

t.test('a trial that ended without a notification is seen at the next "any trial" change', async (t) => {
  const inner = memoryStorage();
  inner.openStudy({ name: 's', direction: 'minimize' }, 0);
  const trial = inner.createTrial('s', { state: 'running', params: { x: 1 }, now: 0 });
  const changes = new Subject<number>();
  // The storage's own notifications are lost: only what the test sends arrives.
  const storage = { ...inner, watch: () => changes.asObservable() };
  const seen: StudyEvent[] = [];
  let ended = false;
  followTrial(storage, 's', undefined, trial.number, systemClock, () => {}).subscribe({ next: (e) => seen.push(e), complete: () => (ended = true) });
  inner.reportIntermediate('s', trial.number, 0, 0.5, undefined, 1);
  inner.finishTrial('s', trial.number, { state: 'completed', value: 0.4, now: 2 });
  changes.next(trial.number + 1); // another trial's change: not a reason to read this one
  t.equal(ended, false, 'not notified of this trial: still following');
  changes.next(-1);
  t.equal(ended, true, 'read again on "any trial", and saw the end');
  t.same(seen.map((e) => e.type), ['epochEnd', 'trialCompleted']);
  inner.close();
});

t.test('PostgreSQL: watch says "any trial" every few heartbeats, with no write at all', { skip: pgSkip }, async (t) => {
  const schema = freshSchema();
  const storage = postgresStorage(PG_URL, { schema, heartbeatMs: 50, staleAfterMs: 1000 });
  t.teardown(async () => {
    storage.close();
    await dropSchemas();
  });
  storage.openStudy({ name: 'quiet', direction: 'minimize' }, 0);
  const n = await firstValueFrom(storage.watch('quiet').pipe(filter((x) => x < 0)));
  t.ok(n < 0, `a re-check arrived (${n})`);
});
