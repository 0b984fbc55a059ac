/**
 * How a batch is cut into one shard per worker: contiguous rows, sizes differing by at most one, the
 * larger shards first. A batch with fewer rows than workers leaves the last workers without a shard
 * (they sit the step out), so no worker ever runs an empty batch.
 */

/** Rows `[from, to)` of the batch that one worker takes. */
export interface Shard {
  readonly rank: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Split `rows` rows between `workers` workers.
 *
 * @example
 * ```ts
 * shardRows(37, 2); // [{rank: 0, from: 0, to: 19}, {rank: 1, from: 19, to: 37}]
 * shardRows(1, 2);  // [{rank: 0, from: 0, to: 1}]
 * ```
 */
export function shardRows(rows: number, workers: number): Shard[] {
  const base = Math.floor(rows / workers);
  const extra = rows % workers;
  const shards: Shard[] = [];
  let from = 0;
  for (let rank = 0; rank < workers; rank++) {
    const size = base + (rank < extra ? 1 : 0);
    if (size === 0) break;
    shards.push({ rank, from, to: from + size });
    from += size;
  }
  return shards;
}
