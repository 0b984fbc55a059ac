/** What a trial in a Web Worker is given: plain data, cloned into the worker. */
import type { Params } from '../search/types.js';

export interface WorkerTrialInput<P extends Params = Params> {
  readonly params: P;
  readonly number: number;
  /** The trial's seed (for weight initialisation and shuffling). */
  readonly seed: number;
  readonly study: string;
}
