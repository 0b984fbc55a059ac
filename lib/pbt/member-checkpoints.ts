/**
 * Where PBT members keep their checkpoints, as an interface passed in: on disk in Node
 * ({@link folderCheckpoints}, lib/pbt/folder-checkpoints.ts: today's folders), in memory in a page
 * ({@link memoryCheckpoints}: the tensors' values as typed arrays). A member saves and loads through the
 * one pbt hands it, so the same member runs on either.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Params } from '../search/types.js';
import type { SavedState } from './state.js';

/** The live objects training continues from: `save` reads their values, `load` sets them. */
export interface MemberState {
  /** A layers model's weights (on disk with its topology, so `loadModel(checkpoint)` reads it back). */
  readonly model?: tfl.LayersModel;
  /** Other variables by name (the toy's θ). */
  readonly variables?: Readonly<Record<string, tf.Variable>>;
  /** The optimizer whose state (iteration count, Adam's moments, momentum's accumulators) goes with them. */
  readonly optimizer?: tf.Optimizer;
}

/** What a member sees: save and load its state under a checkpoint name pbt chose. */
export interface MemberCheckpoints {
  /** Copy the values of `state` under `checkpoint` (replacing what was there). */
  save(checkpoint: string, state: MemberState): Promise<void>;
  /** Set the live `state` to what `save` wrote under `checkpoint`; frees every tensor it makes. */
  load(checkpoint: string, state: MemberState): Promise<void>;
}

/** A run's checkpoints: the members' (above), the run's saved state, and removal. */
export interface PbtCheckpoints extends MemberCheckpoints {
  /** Where they are, for `pbtStarted.dir` and messages: a folder, or `memory:<name>`. */
  readonly where: string;
  /** The name member `member` saves under after `epoch` epochs. */
  checkpoint(member: number, epoch: number): string;
  /** The run's last saved state (what a resume continues from), if any. */
  readState<P extends Params>(): Promise<SavedState<P> | undefined>;
  /** Replace the run's saved state, all at once (a crash leaves the old state or the new one). */
  writeState<P extends Params>(state: SavedState<P>): Promise<void>;
  /** Delete a checkpoint (pbt calls this once nothing holds it). */
  remove(checkpoint: string): Promise<void>;
  /** Delete the members' checkpoints not in `keep` (a stopped run saved them, but no state names them). */
  removeOthers(keep: ReadonlySet<string>): Promise<void>;
  /** Delete everything (a run's own temporary checkpoints, at its end). */
  clear(): Promise<void>;
}
