/**
 * PBT checkpoints in a folder (Node): what `checkpointDir` has always been. Member `i`'s checkpoint
 * after `e` epochs is the folder `member-<i>/epoch-<e>`: a layers model as `model.json` + `weights.bin`
 * (`loadModel` reads it), the optimizer's state as `optimizer.json` + `optimizer.bin`, loose variables
 * as `variables.json` + `variables.bin`; the run's state is `pbt.json` (lib/pbt/state-file.ts), naming
 * checkpoints relative to the folder.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { RxtrainError, configError } from '../errors.js';
import type { Params } from '../search/types.js';
import { loadModel, saveModel } from '../io/save-load.js';
import type { MemberCheckpoints, MemberState, PbtCheckpoints } from './member-checkpoints.js';
import { loadOptimizerState, saveOptimizerState } from './optimizer-state.js';
import { readState, writeState } from './state-file.js';
import { readWeightValues, readWeightsManifest, writeWeightFiles } from './weight-files.js';

const VARIABLES = 'variables';

/** A member's state into and out of the folder `dir` (any folder: worker threads and remote workers save this way). */
export const folderMemberCheckpoints: MemberCheckpoints = {
  async save(dir, { model, variables, optimizer }: MemberState) {
    if (model) await saveModel(model, dir);
    if (optimizer) await saveOptimizerState(optimizer, dir);
    if (variables) await writeWeightFiles(dir, VARIABLES, Object.entries(variables).map(([name, tensor]) => ({ name, tensor })), {});
  },
  async load(dir, { model, variables, optimizer }: MemberState) {
    if (model) {
      const loaded = await loadModel(dir);
      try {
        model.setWeights(loaded.getWeights());
      } finally {
        loaded.dispose();
      }
    }
    if (optimizer) await loadOptimizerState(optimizer, dir);
    if (variables) {
      const values = await readWeightValues(dir, VARIABLES, await readWeightsManifest(dir, VARIABLES, 'variables'));
      try {
        for (const [name, v] of Object.entries(variables)) {
          const t = values[name];
          if (!t) throw new RxtrainError('DATA_MISSING', `${join(dir, `${VARIABLES}.json`)} has no variable ${name}`, { path: dir });
          v.assign(t);
        }
      } finally {
        tf.dispose(Object.values(values));
      }
    }
  },
};

/**
 * Checkpoints in the folder `dir` (created when first written); a run on a folder that holds a state
 * resumes from it.
 */
export function folderCheckpoints(dir: string): PbtCheckpoints {
  if (typeof dir !== 'string' || dir.length === 0) throw configError('folderCheckpoints()', 'dir', 'must be a non-empty string', dir);
  return {
    ...folderMemberCheckpoints,
    where: dir,
    checkpoint: (member, epoch) => join(dir, `member-${member}`, `epoch-${epoch}`),
    async readState<P extends Params>() {
      const state = await readState<P>(dir);
      return state && { ...state, members: state.members.map((m) => ({ ...m, checkpoint: join(dir, m.checkpoint) })) };
    },
    writeState: (state) => writeState(dir, { ...state, members: state.members.map((m) => ({ ...m, checkpoint: relative(dir, m.checkpoint) })) }),
    remove: (checkpoint) => rm(checkpoint, { recursive: true, force: true }),
    removeOthers: (keep) => removeOrphans(dir, keep),
    clear: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Checkpoints in a new temporary folder (a run without `checkpointDir`; pbt clears it at the end). */
export async function temporaryCheckpoints(): Promise<PbtCheckpoints> {
  return folderCheckpoints(await mkdtemp(join(tmpdir(), 'rxtrain-pbt-')));
}

/** Remove the checkpoint folders (`member-<i>/epoch-<e>` in `dir`) not in `keep`. */
async function removeOrphans(dir: string, keep: ReadonlySet<string>): Promise<void> {
  for (const m of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!m.isDirectory() || !/^member-\d+$/.test(m.name)) continue;
    for (const e of await readdir(join(dir, m.name), { withFileTypes: true })) {
      const path = join(dir, m.name, e.name);
      if (e.isDirectory() && /^epoch-\d+$/.test(e.name) && !keep.has(path)) await rm(path, { recursive: true, force: true });
    }
  }
}
