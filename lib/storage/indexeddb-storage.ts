/**
 * A study storage in a browser's IndexedDB: a study survives a reload and resumes, as SQLite's does
 * in Node. The {@link Storage} interface is synchronous (a trial's report and its pruning decision
 * happen at the step boundary), IndexedDB is not: the storage is a journal storage
 * (lib/storage/journal-storage.ts) whose journal is read once when it opens (hence the async factory)
 * and written behind, one transaction per burst of writes, in order; `flush()` waits for the writes so
 * far. A reload loses at most the writes of the last moment, and a trial cut short by it comes back
 * `interrupted` (rule 8), to be retried with `onInterrupted: 'retry'`.
 *
 * One page at a time: the storage holds a Web Lock named after the database while it is open, and a
 * second tab that opens the same database gets a STORAGE error instead of two writers' journals.
 */
import { storageError } from './rules.js';
import { journalStorage, type JournalEntry } from './journal-storage.js';
import type { Storage } from './storage.js';

/** A storage whose writes can be awaited. */
export interface IndexedDbStorage extends Storage {
  /** Resolves when every write so far is in IndexedDB; rejects with the first write that failed. */
  flush(): Promise<void>;
}

// The few IndexedDB and Web Locks shapes used here (the project is type-checked without the DOM lib).
interface Request<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface OpenRequest extends Request<Database> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
interface Database {
  createObjectStore(name: string, options: { autoIncrement: boolean }): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): Transaction;
  close(): void;
}
interface Transaction {
  objectStore(name: string): { getAll(): Request<JournalEntry[]>; add(value: JournalEntry): void };
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: unknown;
}
interface Factory {
  open(name: string, version: number): OpenRequest;
}
interface Locks {
  request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<void>): Promise<void>;
}

const STORE = 'journal';

// Reflect.get, not an own-property lookup: a page's indexedDB and navigator are accessors on Window.prototype.
const globalValue = (name: string): unknown => Reflect.get(globalThis, name);

/**
 * Open (or create) a storage in the IndexedDB database `name`.
 *
 * @example
 * ```ts
 * import { indexedDbStorage, study } from 'rxtrain';
 * const storage = await indexedDbStorage('digits-search');
 * const s = study({ name: 'digits', direction: 'maximize', metric: 'val_accuracy', space, storage, onInterrupted: 'retry' });
 * ```
 * @param name The database; one study storage per database.
 * @returns The storage, with its journal loaded.
 */
export async function indexedDbStorage(name: string): Promise<IndexedDbStorage> {
  if (typeof name !== 'string' || name === '') throw storageError(`indexedDbStorage(): name must be a non-empty string, got ${JSON.stringify(name)}`);
  const factory = globalValue('indexedDB') as Factory | undefined;
  if (!factory) throw storageError('indexedDbStorage(): this runtime has no IndexedDB (a browser page or a Web Worker has)');
  const release = await lock(`rxtrain-indexeddb:${name}`);
  let db: Database;
  let entries: JournalEntry[];
  try {
    db = await openDatabase(factory, name);
    entries = await done(db.transaction(STORE, 'readonly').objectStore(STORE).getAll());
  } catch (err) {
    release();
    throw storageError(`indexedDbStorage(): cannot open the database "${name}": ${describe(err)}`, { name }, err);
  }

  let pending: JournalEntry[] = [];
  let writing: Promise<void> = Promise.resolve();
  let failure: unknown;
  const writeSoon = (): void => {
    if (pending.length !== 1) return; // a write is already queued for this burst
    writing = writing.then(
      () =>
        new Promise<void>((resolve) => {
          const batch = pending;
          pending = [];
          const tx = db.transaction(STORE, 'readwrite');
          const store = tx.objectStore(STORE);
          for (const e of batch) store.add(e);
          tx.oncomplete = () => resolve();
          tx.onerror = tx.onabort = () => {
            failure ??= tx.error ?? new Error('transaction aborted');
            resolve();
          };
        }),
    );
  };
  const storage = journalStorage(
    {
      entries,
      append(entry) {
        if (failure !== undefined) throw storageError(`indexeddb storage "${name}": a write failed: ${describe(failure)}`, { name }, failure);
        pending.push(entry);
        writeSoon();
      },
      close() {
        void writing.finally(() => {
          db.close();
          release();
        });
      },
    },
    'indexeddb',
  );
  return Object.assign(storage, {
    async flush(): Promise<void> {
      await writing;
      if (failure !== undefined) throw storageError(`indexeddb storage "${name}": a write failed: ${describe(failure)}`, { name }, failure);
    },
  });
}

function openDatabase(factory: Factory, name: string): Promise<Database> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('blocked by another connection'));
  });
}

function done<T>(req: Request<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Hold the Web Lock `name` until the returned function is called; fails if another page holds it. */
async function lock(name: string): Promise<() => void> {
  const locks = (globalValue('navigator') as { locks?: Locks } | undefined)?.locks;
  if (!locks) return () => undefined; // no Web Locks (an old browser): one tab is the user's business
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const got = await new Promise<boolean>((resolve) => {
    void locks.request(name, { ifAvailable: true }, async (l) => {
      resolve(l !== null);
      if (l !== null) await held;
    });
  });
  if (!got) throw storageError(`indexedDbStorage(): the study storage "${name.replace(/^rxtrain-indexeddb:/, '')}" is open in another tab or worker; close it there first`);
  return release;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
}
