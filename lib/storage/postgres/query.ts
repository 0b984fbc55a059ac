/**
 * One query on a connection, its failure said as a `STORAGE` error that may pass (`details.transient`):
 * a lost connection, a timeout or a cancelled statement is the database's trouble, not the caller's.
 */
import type pg from 'pg';
import { RxtrainError } from '../../errors.js';
import { storageError } from '../rules.js';

/** A database error (connection lost, a timeout, a cancelled statement) as a STORAGE error that says it may pass. */
export function transient(err: unknown): unknown {
  if (err instanceof RxtrainError) return err;
  const e = err as { message?: string; code?: string };
  return storageError(`postgres storage: ${e?.message ?? String(err)}`, { transient: true, ...(typeof e?.code === 'string' ? { pgCode: e.code } : {}) });
}

export async function query<R extends pg.QueryResultRow>(c: pg.Client, sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
  try {
    return await c.query<R>(sql, params);
  } catch (err) {
    throw transient(err);
  }
}
