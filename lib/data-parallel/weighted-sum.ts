/**
 * The main thread's arithmetic on the replicas' outputs: each shard's mean gradient counts in
 * proportion to its rows, so the result is the mean gradient of the whole batch, whatever the split.
 */
import type { Shard } from './shards.js';

/**
 * Σ over the shards of (rows / total rows) × `outputs(rank)[from .. from + length)`, or over only the
 * shards `include` accepts (their weights then renormalised to sum to one).
 */
export function weightedSum(
  shards: readonly Shard[],
  outputs: (rank: number) => Float32Array,
  from: number,
  length: number,
  include: (rank: number) => boolean = () => true,
): Float32Array {
  const used = shards.filter((s) => include(s.rank));
  const rows = used.reduce((n, s) => n + (s.to - s.from), 0);
  const result = new Float32Array(length);
  for (const s of used) {
    const w = (s.to - s.from) / rows;
    const values = outputs(s.rank);
    for (let i = 0; i < length; i++) result[i]! += w * values[from + i]!;
  }
  return result;
}
