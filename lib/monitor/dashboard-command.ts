/**
 * `rxtrain dashboard <file.db | postgres://…>`: open the storage a location names, for reading, and
 * serve its studies (./storage-dashboard.ts). A SQLite file must exist and be one rxtrain wrote (it is
 * checked before it is opened, so that nothing is created in a file of another program); a PostgreSQL
 * URL must answer.
 */
import { configError } from '../errors.js';
import { checkStudyFile } from '../storage/sqlite-schema.js';
import { sqliteStorage } from '../storage/sqlite-storage.js';
import { postgresStorage } from '../storage/postgres/postgres-storage.js';
import type { Storage } from '../storage/storage.js';
import { storageDashboard, type StorageDashboard, type StorageDashboardConfig } from './storage-dashboard.js';

export interface DashboardCommandOptions extends Omit<StorageDashboardConfig, 'storage'> {
  /** PostgreSQL schema holding rxtrain's tables. Default `public`. */
  readonly schema?: string;
}

const isPostgres = (location: string): boolean => /^postgres(ql)?:\/\//.test(location);

/** Open `location` (a SQLite file path or a `postgres://` URL) as a storage to read. */
export function openStorageAt(location: string, schema?: string): Storage {
  if (typeof location !== 'string' || location.length === 0) throw configError('rxtrain dashboard', 'storage', 'must be a SQLite file path or a postgres:// URL', location);
  if (isPostgres(location)) return postgresStorage(location, schema === undefined ? {} : { schema });
  if (schema !== undefined) throw configError('rxtrain dashboard', 'schema', 'is for a PostgreSQL storage; a SQLite file has no schemas', schema);
  checkStudyFile(location);
  return sqliteStorage(location, { mustExist: true });
}

/**
 * Serve the dashboard of the studies at `location`; `close()` also closes the storage.
 *
 * @example
 * ```ts
 * const d = await dashboardCommand('studies.db', { study: 'mlp', port: 8080 });
 * console.log(d.url);
 * ```
 */
export async function dashboardCommand(location: string, options: DashboardCommandOptions = {}): Promise<StorageDashboard> {
  const { schema, ...rest } = options;
  const storage = openStorageAt(location, schema);
  let dashboard: StorageDashboard;
  try {
    dashboard = await storageDashboard({ ...rest, storage });
  } catch (err) {
    storage.close();
    throw err;
  }
  return {
    ...dashboard,
    studyUrl: dashboard.studyUrl,
    async close(): Promise<void> {
      await dashboard.close();
      storage.close();
    },
  };
}
