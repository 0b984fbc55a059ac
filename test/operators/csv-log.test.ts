import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, of, toArray } from 'rxjs';
import { csvLog } from '../../operators/csv-log.js';
import type { TrainEvent } from '../../lib/events.js';
import { epochEnd, step } from './decision-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'rxtrain-csv-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

const run: TrainEvent[] = [
  step(0, 0, 0.5),
  epochEnd(0, { loss: 0.5, val_loss: 0.6 }),
  { type: 'lrChange', epoch: 1, from: 0.1, to: 0.01, source: 'x' },
  epochEnd(1, { loss: 0.4, accuracy: 0.9 }),
];

t.test('one row per epoch under a header from the first epoch; events pass through', async (t) => {
  const path = join(root, 'a.csv');
  t.same(await lastValueFrom(of(...run).pipe(csvLog(path), toArray())), run);
  t.equal(readFileSync(path, 'utf8'), [
    'epoch,loss,val_loss,samples,steps,durationMs',
    '0,0.5,0.6,100,10,50',
    '1,0.4,,100,10,50',
    '',
  ].join('\n'));
  await lastValueFrom(of(...run).pipe(csvLog(path)));
  t.equal(readFileSync(path, 'utf8').split('\n').length, 6, 'appends rows, not a second header');
});

t.test('appending to a file with another header fails, naming the path and both headers', async (t) => {
  const path = join(root, 'other.csv');
  writeFileSync(path, 'epoch,acc\n0,1\n');
  await t.rejects(lastValueFrom(of(...run).pipe(csvLog(path))), {
    code: 'DATA_FORMAT',
    message: new RegExp(`${path} already has the header 'epoch,acc', but this run's columns are 'epoch,loss,val_loss`),
  });
});

t.test('invalid arguments name the field', (t) => {
  t.throws(() => csvLog(undefined as never), { code: 'INVALID_CONFIG', message: /'path'/ });
  t.end();
});
