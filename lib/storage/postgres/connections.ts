/**
 * The connections of the PostgreSQL storage's thread, and their state. Three connections: `db` for the
 * storage's calls (one at a time, see {@link Connections.exclusive}; each write is one statement, see
 * statements.ts), `beat` for nothing but this storage's heartbeat row (so no call, lock or slow query
 * can hold a beat back), and `listener`, made on the first `listen` call. A connection that was lost
 * (a restarted server, a network cut) is replaced when it is next used.
 *
 * Every session is given bounds (see {@link SESSION}): a statement, a lock wait, and an idle
 * transaction end on the server, and TCP keepalives let the server drop a worker it can no longer
 * reach within about 25 s, instead of the operating system's default of about 2 hours.
 */
import pg from 'pg';
import { storageError } from '../rules.js';
import { transient } from './query.js';
import { quoteIdentifier } from './schema.js';

export interface ConnectionConfig {
  readonly url: string;
  /** The PostgreSQL schema holding rxtrain's tables: every session's search path. */
  readonly schema: string;
  /** Names the connections in `pg_stat_activity`. */
  readonly owner: string;
  readonly timeoutMs: number;
}

/**
 * What every session is told, so that nothing it holds outlives a stalled worker for long: a statement
 * or a lock wait ends on the server when the caller would give up; a transaction left idle (only the
 * migration opens one) is ended after 10 s; TCP keepalives (10 s idle, then 3 probes 5 s apart) and a
 * 30 s limit on unacknowledged data let the server drop a worker it can no longer reach.
 */
const SESSION = (schema: string, timeoutMs: number): string => `
  SET search_path TO ${quoteIdentifier(schema)};
  SET statement_timeout = ${timeoutMs};
  SET lock_timeout = ${Math.min(10_000, timeoutMs)};
  SET idle_in_transaction_session_timeout = ${Math.min(10_000, timeoutMs)};
  SET tcp_keepalives_idle = 10;
  SET tcp_keepalives_interval = 5;
  SET tcp_keepalives_count = 3;
  SET tcp_user_timeout = 30000;`;

export class Connections {
  /** The calls' connection: made by `init`, replaced when lost (see {@link Connections.calls}). */
  db: pg.Client | undefined;
  /** The heartbeat's own connection. */
  beat: pg.Client | undefined;
  /** The LISTEN connection, made on the first `listen` call. */
  listener: pg.Client | undefined;
  /** Set by `close`: no call is served and no loop schedules itself again. */
  closed = false;
  private readonly dead = new WeakSet<pg.Client>();
  /** One user of the calls' connection at a time: the calls, and the retry timer's writes. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: ConnectionConfig) {}

  async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.config.url,
      application_name: `rxtrain ${this.config.owner}`,
      // The client side of the same: a server that vanished is noticed by the keepalive, not in 2 hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A dropped connection surfaces as an error on the next query (and the next call connects again);
    // the client's own 'error' event must not crash the thread.
    client.on('error', () => this.dead.add(client));
    client.on('end', () => this.dead.add(client));
    await client.connect();
    await client.query(SESSION(this.config.schema, this.config.timeoutMs));
    return client;
  }

  /** Whether `client`'s connection was lost (the next user connects again). */
  isDead(client: pg.Client): boolean {
    return this.dead.has(client);
  }

  /** The calls' connection; a new one if the last was lost (a restarted server, a network cut). */
  async calls(): Promise<pg.Client> {
    if (!this.db || this.closed) throw storageError('postgres storage: not connected');
    if (this.dead.has(this.db)) {
      const old = this.db;
      this.db = await this.connect().catch((err: unknown) => {
        throw transient(err);
      });
      void old.end().catch(() => {});
    }
    return this.db;
  }

  /** Run `fn` once every earlier user of the calls' connection is done with it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  /** End all three connections (whatever each one's state). */
  async end(): Promise<void> {
    await Promise.all([this.db?.end(), this.beat?.end(), this.listener?.end()].map((p) => p?.catch(() => {})));
    this.db = this.beat = this.listener = undefined;
  }
}
