// The journal storage (what IndexedDB keeps in a page) passes the one storage contract, over a journal
// in memory; replay resumes it, and a trial its last writer left running comes back interrupted.
import t from 'tap';
import { journalStorage, type Journal, type JournalEntry } from '../../lib/storage/journal-storage.js';
import { storageContract } from './storage-contract.js';

function memoryJournal(entries: JournalEntry[] = []): Journal & { entries: JournalEntry[] } {
  return { entries, append: (e) => void entries.push(structuredClone(e)), close: () => undefined };
}

const journals = new WeakMap<object, ReturnType<typeof memoryJournal>>();
storageContract(t, {
  make: () => {
    const journal = memoryJournal();
    const s = journalStorage(journal);
    journals.set(s, journal);
    return s;
  },
  reopen: (s) => journalStorage(memoryJournal([...journals.get(s)!.entries])),
});

t.test('a trial left running by the journal\'s last writer is interrupted at the next open, and that is journaled', async (t) => {
  const journal = memoryJournal();
  const a = journalStorage(journal, 'test');
  a.openStudy({ name: 's', direction: 'minimize' }, 1);
  a.createTrial('s', { state: 'running', params: { x: 1 }, now: 2 });
  a.createTrial('s', { state: 'running', params: { x: 2 }, now: 3 });
  a.finishTrial('s', 1, { state: 'completed', value: 0.5, now: 4 });
  // The page is reloaded: a new storage over what was written.
  const b = journalStorage(memoryJournal([...journal.entries]), 'test');
  const opened = b.openStudy({ name: 's', direction: 'minimize' }, 9);
  t.same(opened.interrupted.map((x) => [x.number, x.state, x.error, x.params]), [[0, 'failed', 'interrupted', { x: 1 }]]);
  t.same(b.openStudy({ name: 's', direction: 'minimize' }, 10).interrupted, [], 'once');
  t.equal(b.createTrial('s', { state: 'running', now: 11 }).number, 2, 'numbering continues');
});

t.test('a journal that cannot be replayed fails with STORAGE, naming the entry', async (t) => {
  const bad = memoryJournal([{ op: 'createTrial', args: ['nope', { state: 'running', now: 0 }] }]);
  t.throws(() => journalStorage(bad, 'indexeddb'), { code: 'STORAGE', message: /indexeddb storage: entry 0 of its journal \(createTrial\) cannot be replayed: .*nope/ });
});

t.test('a journal written before steps carried a time replays them without one', async (t) => {
  // The entries an older page wrote: reportIntermediate without its `now` argument.
  const old = memoryJournal([
    { op: 'openStudy', args: [{ name: 's', direction: 'minimize' }, 1] },
    { op: 'createTrial', args: ['s', { state: 'running', now: 2 }] },
    { op: 'reportIntermediate', args: ['s', 0, 0, 0.9, { loss: 0.9 }] },
  ]);
  const s = journalStorage(old, 'test');
  t.same(s.getTrial('s', 0)?.intermediate, [[0, 0.9]]);
  t.equal(s.getTrial('s', 0)?.stepTimes, undefined, 'no time');
  s.reportIntermediate('s', 0, 1, 0.8, undefined, 3);
  t.same(old.entries.at(-1), { op: 'reportIntermediate', args: ['s', 0, 1, 0.8, undefined, 3] }, 'a new step journals its time');
  t.same(journalStorage(memoryJournal([...old.entries]), 'test').getTrial('s', 0)?.stepTimes, [[1, 3]], 'and replays it');
});
