import t from 'tap';
import { RecordLog } from '../../lib/monitor/record-log.js';

t.test('records by seq, character counts from running totals, trimming from the front', (t) => {
  const log = new RecordLog();
  t.equal(log.nextSeq, 1);
  for (let s = 1; s <= 5; s++) log.push(s, 'x'.repeat(s));
  t.equal(log.size, 5);
  t.equal(log.chars, 15);
  t.equal(log.charsBefore(1), 0);
  t.equal(log.charsBefore(4), 6, 'before record 4: 1 + 2 + 3');
  t.equal(log.charsBefore(6), 15, 'the next seq: everything');
  t.same(log.take(2, 5), ['xx', 'xxx'], 'up to about maxChars');
  t.same(log.take(5, 1), ['xxxxx'], 'at least one');
  t.same(log.take(6, 100), [], 'none past the end');
  t.same(log.since(4), ['xxxx', 'xxxxx']);
  log.trim(3);
  t.equal(log.oldestSeq, 3);
  t.equal(log.size, 3);
  t.equal(log.charsBefore(4), 6, 'totals survive trimming');
  t.same(log.since(1), ['xxx', 'xxxx', 'xxxxx'], 'only what is held');
  log.trim(100);
  t.equal(log.size, 0);
  t.equal(log.nextSeq, 6, 'seqs go on after the log emptied');
  log.push(6, 'y');
  t.same(log.since(0), ['y']);
  t.end();
});

t.test('a long life stays compact', (t) => {
  const log = new RecordLog();
  for (let s = 1; s <= 100_000; s++) {
    log.push(s, 'r');
    if (s % 100 === 0) log.trim(s - 50);
  }
  t.equal(log.size, 51);
  t.same(log.since(99_999), ['r', 'r']);
  t.ok((log as unknown as { items: unknown[] }).items.length < 5000, 'trimmed records are released');
  t.end();
});
