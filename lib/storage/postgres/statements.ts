/**
 * The PostgreSQL storage's writes, each ONE statement run on its own (autocommit): the server runs it
 * from start to commit without waiting for the client, so a worker that is frozen, paused or cut off
 * between two calls holds no lock (issue 15 item 4). Checks that need the current record (rules 3-6)
 * are made on a read first, and the write repeats the condition (`state = 'running'`, ...): a write
 * that finds nothing to change means someone else changed the trial meanwhile, and the caller reads
 * it again to say why.
 *
 * Locks, and why they cannot deadlock: a trial write locks one trial row for the statement; creating
 * a trial (and re-queueing one) locks the study row, for `next_number`, before any trial row, and
 * then trial rows. No statement waits for a study row while holding a trial row.
 *
 * Every write stamps the trials it changes with its transaction id (`seq`) and notifies
 * `rxtrain_changes` with `<study id>:<number>`. Readers keep `since`, the oldest transaction running
 * when they last read (`txid_snapshot_xmin`): every write they did not see then has `seq >= since`.
 */

const notify = (rows: string): string => `(SELECT count(*) FROM (SELECT pg_notify($CH, $1::text || ':' || x.number::text) FROM (${rows}) x) y)`;

/** Placeholders: $CH is the channel, always the last parameter. */
function withChannel(sql: string, last: number): string {
  return sql.replaceAll('$CH', `$${last}`);
}

/** A trial's row with its steps (as a JSON array of [step, value, at], `at` null when not known). */
export const STEPS_OF = (alias: string): string =>
  `(SELECT coalesce(json_agg(json_build_array(i.step, i.value, i.at) ORDER BY i.step), '[]'::json)
    FROM rxtrain_intermediate i WHERE i.study_id = ${alias}.study_id AND i.number = ${alias}.number) AS steps`;

export const TRIAL = `SELECT t.*, ${STEPS_OF('t')} FROM rxtrain_trials t WHERE t.study_id = $1 AND t.number = $2`;

/** $1 study, $2 since: the trials written since, and the new `since`. */
export const SINCE = `SELECT txid_snapshot_xmin(txid_current_snapshot())::text AS since`;
export const CHANGED = `SELECT t.*, ${STEPS_OF('t')} FROM rxtrain_trials t WHERE t.study_id = $1 AND t.seq >= $2 ORDER BY t.number`;

/** $1 study, $2 state, $3 params, $4 started_at, $5 attrs, $6 owner (null: waiting). */
export const CREATE = withChannel(
  `WITH s AS (UPDATE rxtrain_studies SET next_number = next_number + 1 WHERE id = $1 RETURNING next_number - 1 AS n),
   ins AS (INSERT INTO rxtrain_trials (study_id, number, state, params, started_at, attrs, owner, heartbeat_at, seq)
           SELECT $1, s.n, $2, $3, $4, $5, $6, CASE WHEN $6::text IS NULL THEN NULL ELSE now() END, txid_current() FROM s RETURNING *)
   SELECT ins.*, '[]'::json AS steps, ${notify('SELECT number FROM ins')} AS notified FROM ins`,
  7,
);

/** $1 study, $2 started_at, $3 owner: start the lowest waiting trial nobody holds. */
export const CLAIM = withChannel(
  `WITH c AS (SELECT number FROM rxtrain_trials WHERE study_id = $1 AND state = 'waiting' ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED),
   u AS (UPDATE rxtrain_trials t SET state = 'running', started_at = $2, owner = $3, heartbeat_at = now(), seq = txid_current()
         FROM c WHERE t.study_id = $1 AND t.number = c.number RETURNING t.*)
   SELECT u.*, '[]'::json AS steps, ${notify('SELECT number FROM u')} AS notified FROM u`,
  4,
);

/** $1 study, $2 number, $3 step, $4 value, $5 metrics, $6 at: 1 row if the step was written. */
export const REPORT = withChannel(
  `WITH t AS (UPDATE rxtrain_trials SET seq = txid_current() WHERE study_id = $1 AND number = $2 AND state = 'running' RETURNING number),
   ins AS (INSERT INTO rxtrain_intermediate (study_id, number, step, value, metrics, at) SELECT $1, number, $3, $4, $5, $6::double precision FROM t
           ON CONFLICT DO NOTHING RETURNING number)
   SELECT ${notify('SELECT number FROM ins')} AS notified FROM ins`,
  7,
);

/** $1 study, $2 number, $3 state, $4 value, $5 error, $6 finished_at, $7 value_list, $8 constraints. */
export const FINISH = withChannel(
  `WITH u AS (UPDATE rxtrain_trials SET state = $3, value = $4, error = $5, finished_at = $6, value_list = $7, constraints = $8, seq = txid_current()
              WHERE study_id = $1 AND number = $2 AND state = 'running' RETURNING number)
   SELECT ${notify('SELECT number FROM u')} AS notified FROM u`,
  9,
);

/** $1 study, $2 number, $3 params (only a running trial without parameters). */
export const SET_PARAMS = withChannel(
  `WITH u AS (UPDATE rxtrain_trials SET params = $3, seq = txid_current()
              WHERE study_id = $1 AND number = $2 AND state = 'running' AND params = '{}' RETURNING number)
   SELECT ${notify('SELECT number FROM u')} AS notified FROM u`,
  4,
);

/** $1 study, $2 number, $3 new attrs, $4 the attrs they were computed from. */
export const SET_ATTRS = withChannel(
  `WITH u AS (UPDATE rxtrain_trials SET attrs = $3, seq = txid_current()
              WHERE study_id = $1 AND number = $2 AND attrs IS NOT DISTINCT FROM $4 RETURNING number)
   SELECT ${notify('SELECT number FROM u')} AS notified FROM u`,
  5,
);

const IS_STALE = `t.owner IS NOT NULL AND greatest(t.heartbeat_at, (SELECT h.beat_at FROM rxtrain_heartbeats h WHERE h.owner = t.owner)) < now() - make_interval(secs => $3::float8)`;

/** $1 study, $3 seconds: whether any running trial's runner stopped beating (a read). */
export const ANY_STALE = `SELECT 1 FROM rxtrain_trials t WHERE t.study_id = $1 AND t.state = 'running' AND ${IS_STALE.replace('$3', '$2')} LIMIT 1`;

/**
 * Fail running trials, and with $6 re-queue them: those numbered in $2, or (with $2 null) those whose
 * runner has not beaten for $3 seconds. $4 finished_at, $5 error. Returns the failed trials.
 */
const fail = (wait: boolean): string => withChannel(
  `WITH s AS (SELECT next_number FROM rxtrain_studies WHERE id = $1 FOR UPDATE),
   locked AS (SELECT t.number, t.params, t.attrs FROM rxtrain_trials t
              WHERE t.study_id = $1 AND t.state = 'running' AND (SELECT next_number FROM s) IS NOT NULL
                AND CASE WHEN $2::int[] IS NULL THEN ${IS_STALE} ELSE t.number = ANY($2::int[]) END
              ORDER BY t.number FOR UPDATE OF t${wait ? '' : ' SKIP LOCKED'}),
   chosen AS (SELECT number, params, attrs,
                CASE WHEN $6::boolean THEN (SELECT next_number FROM s) + row_number() OVER (ORDER BY number) - 1 END AS retry FROM locked),
   f AS (UPDATE rxtrain_trials t SET state = 'failed', finished_at = $4, error = $5, seq = txid_current(),
           attrs = CASE WHEN c.retry IS NULL THEN t.attrs ELSE (coalesce(t.attrs, '{}')::jsonb || jsonb_build_object('requeuedAs', c.retry))::text END
         FROM chosen c WHERE t.study_id = $1 AND t.number = c.number RETURNING t.*),
   r AS (INSERT INTO rxtrain_trials (study_id, number, state, params, attrs, seq)
         SELECT $1, retry, 'waiting', params, (coalesce(attrs, '{}')::jsonb || jsonb_build_object('retryOf', number))::text, txid_current()
         FROM chosen WHERE retry IS NOT NULL RETURNING number),
   n AS (UPDATE rxtrain_studies SET next_number = next_number + (SELECT count(*) FROM r) WHERE id = $1 AND EXISTS (SELECT 1 FROM r) RETURNING id)
   SELECT f.*, ${STEPS_OF('f')}, (SELECT count(*) FROM n) AS bumped, ${notify('SELECT number FROM f UNION ALL SELECT number FROM r')} AS notified
   FROM f ORDER BY f.number`,
  7,
);
/** Stale trials: those another claimer holds now are left to it (SKIP LOCKED), so checkers never wait for each other. */
export const FAIL_STALE = fail(false);
/** The trials numbered: waits for a trial another statement holds (the study row is taken first, so no deadlock). */
export const FAIL_THESE = fail(true);

/** $1 owner: this storage is alive. Its own row: nothing else writes it, so no lock can hold it back. */
export const BEAT = `INSERT INTO rxtrain_heartbeats (owner, beat_at) VALUES ($1, now()) ON CONFLICT (owner) DO UPDATE SET beat_at = now()`;
