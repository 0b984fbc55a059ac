import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concat, lastValueFrom, of, Subject, throwError, toArray } from 'rxjs';
import { jsonlLog } from '../../operators/jsonl-log.js';
import type { TrainEvent } from '../../lib/events.js';
import { epochEnd, step } from './decision-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'rxtrain-jsonl-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

const run: TrainEvent[] = [
  { type: 'runStart', backend: 'cpu', trainableParams: 10, time: 0 },
  step(0, 0, 0.5),
  epochEnd(0, { loss: 0.5, val_loss: NaN }),
  { type: 'stopped', epoch: 0, source: 'earlyStopping', reason: 'r' },
];
const lines = (path: string): unknown[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);

t.test('logs every event but steps, passes all through, and appends', async (t) => {
  const path = join(root, 'a.jsonl');
  const out = await lastValueFrom(of(...run).pipe(jsonlLog(path), toArray()));
  t.same(out, run, 'events pass through unchanged');
  const logged = lines(path);
  t.same(logged.map((e) => (e as TrainEvent).type), ['runStart', 'epochEnd', 'stopped']);
  t.equal((logged[1] as { metrics: { val_loss: unknown } }).metrics.val_loss, null, 'NaN is written as null');
  await lastValueFrom(of(...run).pipe(jsonlLog(path)));
  t.equal(lines(path).length, 6, 'a second run appends');
});

t.test('{ steps: true } logs steps too', async (t) => {
  const path = join(root, 'steps.jsonl');
  await lastValueFrom(of(...run).pipe(jsonlLog(path, { steps: true })));
  t.same(lines(path).map((e) => (e as TrainEvent).type), ['runStart', 'step', 'epochEnd', 'stopped']);
});

t.test('each epoch is on disk when it is passed on, and everything when the stream errors', async (t) => {
  const path = join(root, 'live.jsonl');
  const events = new Subject<TrainEvent>();
  let onDisk = -1;
  const done = lastValueFrom(events.pipe(jsonlLog(path, { steps: true }))).catch((e: unknown) => e);
  const sub = events.pipe(jsonlLog(join(root, 'other.jsonl'))).subscribe((e) => {
    if (e.type === 'epochEnd') onDisk = readFileSync(join(root, 'other.jsonl'), 'utf8').split('\n').length - 1;
  });
  events.next(step(0, 0));
  events.next(epochEnd(0, {}));
  t.equal(onDisk, 1, 'the epochEnd line was written before the event went on');
  sub.unsubscribe();
  events.next(step(1, 0));
  events.error(new Error('boom'));
  t.match(await done, { message: 'boom' }, 'the error passes through');
  t.equal(lines(path).length, 3, 'buffered steps were flushed on error');
});

t.test('an error upstream is passed on after flushing', async (t) => {
  const path = join(root, 'err.jsonl');
  await t.rejects(lastValueFrom(concat(of(...run), throwError(() => new Error('x'))).pipe(jsonlLog(path))), /x/);
  t.equal(lines(path).length, 3);
});

t.test('a file that cannot be opened fails the stream at subscription, naming the path', async (t) => {
  const file = join(root, 'plain');
  writeFileSync(file, '');
  const bad = join(file, 'log.jsonl');
  await t.rejects(lastValueFrom(of(...run).pipe(jsonlLog(bad))), { code: 'STORAGE', message: new RegExp(`jsonlLog\\(\\): cannot open ${bad}`) });
});

t.test('invalid arguments name the field', (t) => {
  t.throws(() => jsonlLog(''), { code: 'INVALID_CONFIG', message: /'path'/ });
  t.throws(() => jsonlLog('x', { steps: 'yes' } as never), { code: 'INVALID_CONFIG', message: /'steps'/ });
  t.throws(() => jsonlLog('x', { step: true } as never), { code: 'INVALID_CONFIG', message: /'step'/ });
  t.end();
});
