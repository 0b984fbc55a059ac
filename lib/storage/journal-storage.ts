/**
 * A storage kept as a journal of its writes: every successful write (`openStudy`, `createTrial`, ...)
 * is appended to a {@link Journal} as `{ op, args }`, and opening the storage replays the journal into
 * a memory storage. The memory storage keeps the rules of {@link Storage}; the journal only makes them
 * last: a page's IndexedDB (lib/storage/indexeddb-storage.ts) holds the journal across reloads.
 *
 * Rule 8: whoever wrote the journal before this storage was opened is gone (a journal has one writer
 * at a time), so a trial the replay leaves `running` is interrupted: the next `openStudy` of its study
 * marks it `failed` with error `'interrupted'` (a journaled write too) and returns it.
 */
import type { FrozenTrial } from '../search/types.js';
import { memoryStorage } from './memory-storage.js';
import { storageError } from './rules.js';
import type { Storage } from './storage.js';

/** The writes a journal records: the mutating methods of {@link Storage}. */
export type JournalOp = 'openStudy' | 'createTrial' | 'claimWaitingTrial' | 'setTrialParams' | 'reportIntermediate' | 'finishTrial' | 'setTrialAttrs';

export interface JournalEntry {
  readonly op: JournalOp;
  /** The call's arguments: plain data (numbers, strings, parameters, JSON attributes). */
  readonly args: readonly unknown[];
}

/** Where the entries live. `entries` is what was there when the storage opened, in order. */
export interface Journal {
  readonly entries: readonly JournalEntry[];
  /** Record one entry after the ones before it; may write later (see the journal's `flush`). */
  append(entry: JournalEntry): void;
  /** Release the journal (the storage was closed). */
  close(): void;
}

/**
 * A storage over a journal.
 *
 * @param journal The entries so far, and where new ones go.
 * @param kind The storage's name in messages (`indexeddb`, ...).
 */
export function journalStorage(journal: Journal, kind = 'journal'): Storage {
  const memory = memoryStorage();
  const call = (entry: JournalEntry): unknown => (memory[entry.op] as (...args: readonly unknown[]) => unknown)(...entry.args);
  for (const [k, e] of journal.entries.entries()) {
    try {
      call(e);
    } catch (err) {
      throw storageError(`${kind} storage: entry ${k} of its journal (${e.op}) cannot be replayed: ${err instanceof Error ? err.message : String(err)}`, { entry: k, op: e.op }, err);
    }
  }
  // Trials the replay left running: their writer is gone (rule 8).
  const orphans = new Map<string, number[]>();
  for (const s of memory.listStudies()) {
    const running = memory.getTrials(s.name, ['running']).map((t) => t.number);
    if (running.length > 0) orphans.set(s.name, running);
  }

  let closed = false;
  const write = <A extends readonly unknown[], R>(op: JournalOp, f: (...args: A) => R) => (...args: A): R => {
    if (closed) throw storageError(`${kind} storage: it was closed`);
    const result = f(...args);
    journal.append({ op, args });
    return result;
  };
  const finishTrial = write('finishTrial', memory.finishTrial);
  const openStudy = write('openStudy', memory.openStudy);

  const storage: Storage = {
    kind,
    openStudy(spec, now) {
      const opened = openStudy(spec, now);
      const interrupted: FrozenTrial[] = [];
      for (const n of orphans.get(spec.name) ?? []) interrupted.push(finishTrial(spec.name, n, { state: 'failed', error: 'interrupted', now }));
      orphans.delete(spec.name);
      return { study: opened.study, interrupted: [...opened.interrupted, ...interrupted] };
    },
    listStudies: () => memory.listStudies(),
    createTrial: write('createTrial', memory.createTrial),
    claimWaitingTrial: write('claimWaitingTrial', memory.claimWaitingTrial),
    setTrialParams: write('setTrialParams', memory.setTrialParams),
    reportIntermediate: write('reportIntermediate', memory.reportIntermediate),
    finishTrial,
    setTrialAttrs: write('setTrialAttrs', memory.setTrialAttrs),
    getTrial: (study, trial) => memory.getTrial(study, trial),
    getTrials: (study, states) => memory.getTrials(study, states),
    trialMetrics: (study, trial) => memory.trialMetrics?.(study, trial) ?? [],
    watch: (study) => memory.watch!(study),
    close() {
      if (closed) return;
      closed = true;
      memory.close();
      journal.close();
    },
  };
  return storage;
}
