/**
 * The run's saved state: what a resumed run continues from. Every checkpoint it names exists: they are
 * released only after it is written. In a folder it is `pbt.json` (lib/pbt/state-file.ts).
 */
import type { Params } from '../search/types.js';
import type { ParamSchedule } from './types.js';

export const STATE_VERSION = 1;

export interface SavedMember<P extends Params = Params> {
  readonly params: P;
  /** The member's checkpoint: in `pbt.json`, its folder relative to the checkpoint folder. */
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
