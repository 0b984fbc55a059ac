/**
 * Checkpoint lifecycle for PBT, the part Ray users lose ("path does not exist"): a checkpoint (a folder,
 * or an entry in memory) is deleted only when nothing holds it. Each member's current state holds its checkpoint; a copy in
 * progress holds the donor's; the run's saved state (`pbt.json`) holds what a resume would load. A
 * holder releases only after its replacement is durable, so a folder that someone may still read is
 * never removed. The deleting itself is the run's checkpoints' (lib/pbt/member-checkpoints.ts).
 */
export interface CheckpointStore {
  /** One more holder of `path`. */
  retain(path: string): void;
  /** One holder fewer; the folder is deleted when none is left. */
  release(path: string): Promise<void>;
  /** How many hold `path` (0 if none). */
  holders(path: string): number;
  /** Paths currently held. */
  held(): string[];
}

export function checkpointStore(remove: (path: string) => Promise<void>): CheckpointStore {
  const counts = new Map<string, number>();
  return {
    retain(path) {
      counts.set(path, (counts.get(path) ?? 0) + 1);
    },
    async release(path) {
      const n = counts.get(path) ?? 0;
      if (n <= 0) throw new Error(`checkpointStore: ${path} released more often than retained`);
      if (n > 1) {
        counts.set(path, n - 1);
        return;
      }
      counts.delete(path);
      await remove(path);
    },
    holders: (path) => counts.get(path) ?? 0,
    held: () => [...counts.keys()],
  };
}
