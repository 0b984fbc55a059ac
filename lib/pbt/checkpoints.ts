/**
 * Checkpoint lifecycle for PBT, the part Ray users lose ("path does not exist"): a checkpoint folder is
 * deleted only when nothing holds it. Each member's current state holds its checkpoint; a copy in
 * progress holds the donor's; the run's saved state (`pbt.json`) holds what a resume would load. A
 * holder releases only after its replacement is durable, so a folder that someone may still read is
 * never removed.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

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

export function checkpointStore(remove: (path: string) => Promise<void> = (p) => rm(p, { recursive: true, force: true })): CheckpointStore {
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

/** Remove the checkpoint folders (`member-<i>/epoch-<e>` in `dir`) not in `keep`: a stopped run saved them, but no state names them. */
export async function removeOrphans(dir: string, keep: ReadonlySet<string>): Promise<void> {
  for (const m of await readdir(dir, { withFileTypes: true })) {
    if (!m.isDirectory() || !/^member-\d+$/.test(m.name)) continue;
    for (const e of await readdir(join(dir, m.name), { withFileTypes: true })) {
      const path = join(dir, m.name, e.name);
      if (e.isDirectory() && /^epoch-\d+$/.test(e.name) && !keep.has(path)) await rm(path, { recursive: true, force: true });
    }
  }
}
