/**
 * The run's saved state as `pbt.json` in the checkpoint folder. It is written to a temporary file and
 * renamed over the old one, so a crash leaves the old state or the new one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RxtrainError } from '../errors.js';
import type { Params } from '../search/types.js';
import { STATE_VERSION, type SavedState } from './state.js';

export const STATE_FILE = 'pbt.json';

export async function writeState<P extends Params>(dir: string, state: SavedState<P>): Promise<void> {
  await mkdir(dir, { recursive: true });
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
