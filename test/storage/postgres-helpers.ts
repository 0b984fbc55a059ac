/** A local PostgreSQL for tests: where it is, whether it answers, and throw-away schemas in it. */
import pg from 'pg';

export const PG_URL = process.env.RXTRAIN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function pgAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const made: string[] = [];
let counter = 0;

/** A schema name no other test uses (dropped by {@link dropSchemas}). */
export function freshSchema(): string {
  const name = `rxtrain_t${process.pid}_${Date.now() % 1e6}_${counter++}`;
  made.push(name);
  return name;
}

export async function dropSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    for (const s of made.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** For `t.test(name, { skip: pgSkip }, ...)`: false when PostgreSQL answers, else why the test skips. */
export const pgSkip: false | string = (await pgAvailable()) ? false : `PostgreSQL is not reachable at ${PG_URL}: start it (see .ci/run)`;
