/**
 * Issue 8: does the PostgreSQL storage slow down as a study grows? The 8 calls one trial makes (as in
 * bench/distributed.ts, part 2: queue, claim, 3 reports, the pruner's getTrials, finish, the driver's
 * getTrial), in one process, timed over trials 0-200, 1,800-2,000 and 4,800-5,000 of one study.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/distributed-scale.ts [--url postgres://...]
 */
import pg from 'pg';
import { postgresStorage } from '../lib/storage/postgres/postgres-storage.js';
import { arg } from './util.js';

const URL_ = arg('url', 'postgres://postgres@127.0.0.1:5432/test');
const schema = `rxtrain_scale_${process.pid}`;
const storage = postgresStorage(URL_, { schema });
storage.openStudy({ name: 's', direction: 'minimize', metric: 'val_loss' }, 0);
const one = (i: number) => {
  storage.createTrial('s', { state: 'waiting', params: { x: i, y: -i }, now: i });
  const t = storage.claimWaitingTrial('s', i)!;
  for (let e = 0; e < 3; e++) storage.reportIntermediate('s', t.number, e, 10 - e, { loss: 11 - e, val_loss: 10 - e });
  storage.getTrials('s');
  storage.finishTrial('s', t.number, { state: 'completed', value: 8, now: i });
  storage.getTrial('s', t.number);
};
const timeRange = (from: number, n: number) => { const t0 = performance.now(); for (let i = from; i < from + n; i++) one(i); return (performance.now() - t0) / n; };
const first = timeRange(0, 200);
let i = 200;
const msPerTrial: Record<string, number> = { '0-200': Number(first.toFixed(2)) };
for (const upTo of [2000, 5000]) {
  timeRange(i, upTo - i - 200); // fill the study up to the next timed range
  i = upTo - 200;
  msPerTrial[`${upTo - 200}-${upTo}`] = Number(timeRange(i, 200).toFixed(2));
  i = upTo;
}
storage.close();
const c = new pg.Client({ connectionString: URL_ }); await c.connect(); await c.query(`DROP SCHEMA "${schema}" CASCADE`); await c.end();
console.log(JSON.stringify({ bench: 'distributed-scale', msPerTrial }));
process.exit(0);
