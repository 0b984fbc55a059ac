/**
 * The run's saved state, `pbt.json` in the checkpoint folder: what a resumed run continues from. It is
 * written to a temporary file and renamed over the old one, so a crash leaves the old state or the new
 * one, and every checkpoint it names exists (they are released only after it is written).
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RxtrainError } from '../errors.js';
import type { Params } from '../search/types.js';
import type { ParamSchedule } from './types.js';

export const STATE_FILE = 'pbt.json';
export const STATE_VERSION = 1;

export interface SavedMember<P extends Params = Params> {
  readonly params: P;
  /** Checkpoint folder, relative to the checkpoint folder. */
  readonly checkpoint: string;
  readonly value: number | null;
  readonly schedule: ParamSchedule<P>;
}

export interface SavedState<P extends Params = Params> {
  readonly version: number;
  /** Epochs every member has done. */
  readonly epoch: number;
  readonly members: readonly SavedMember<P>[];
}

export async function writeState<P extends Params>(dir: string, state: SavedState<P>): Promise<void> {
  const tmp = join(dir, `.${STATE_FILE}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, JSON.stringify(state, null, 1));
  await rename(tmp, join(dir, STATE_FILE));
}

export async function readState<P extends Params>(dir: string): Promise<SavedState<P> | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const state = JSON.parse(text) as SavedState<P>;
  if (state.version !== STATE_VERSION || !Array.isArray(state.members)) {
    throw new RxtrainError('STORAGE', `pbt(): ${join(dir, STATE_FILE)} is not a pbt state of version ${STATE_VERSION}`, { path: join(dir, STATE_FILE) });
  }
  return state;
}
