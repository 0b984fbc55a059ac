/** What a trial in a Web Worker is given: plain data, cloned into the worker, and its pause flag. */
import type { Observable } from 'rxjs';
import type { Params } from '../search/types.js';

export interface WorkerTrialInput<P extends Params = Params> {
  readonly params: P;
  readonly number: number;
  /** The trial's seed (for weight initialisation and shuffling). */
  readonly seed: number;
  readonly study: string;
}

/** How the page steers a trial running in a Web Worker (besides stopping it, which unsubscribes). */
export interface WorkerTrialControl {
  /**
   * Whether the page has paused this trial now, then each change. Put `holdWhile(paused)` on the
   * trial's batch source (above `epochs(n)`): the trial then holds at its next epoch boundary, and the
   * page hears `held` (and `released` on resume). A trial that ignores it cannot be paused.
   */
  readonly paused: Observable<boolean>;
}
