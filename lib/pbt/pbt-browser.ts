/**
 * `pbt()` in a browser: population-based training (lib/pbt/run-pbt.ts) with members in the page's
 * thread and checkpoints in memory (`memoryCheckpoints()`, a new one per run, cleared at its end) unless
 * the config passes `checkpoints`. No folders (`checkpointDir`) and no worker threads here.
 */
import type { Observable } from 'rxjs';
import { configError } from '../errors.js';
import type { Params } from '../search/types.js';
import type { SearchSpace } from '../search/space.js';
import { resolveObjective, resolvePbtConfig } from './config.js';
import { memoryCheckpoints } from './memory-checkpoints.js';
import { checkSpace, runPbt } from './run-pbt.js';
import type { PbtConfig, PbtEvent, PbtObjective } from './types.js';

let runs = 0;

/**
 * Run population-based training in a page: as Node's `pbt()` (docs/pbt.md), its members made by a
 * function in this thread, their checkpoints in memory.
 *
 * @example
 * ```ts
 * import { pbt, toyMember, toySpace } from 'rxtrain';
 * const end = await lastValueFrom(pbt(toySpace, () => toyMember(), { populationSize: 4, epochs: 12, readyEvery: 4, metric: 'Q', direction: 'maximize' }));
 * ```
 */
export function pbt<P extends Params>(space: SearchSpace<P>, objective: PbtObjective<P>, config: PbtConfig<P>): Observable<PbtEvent<P>> {
  checkSpace(space);
  // Without a module resolver, anything but a function is refused here.
  const o = resolveObjective<P>(objective);
  const make = o.kind === 'function' ? o.make : objective;
  const c = resolvePbtConfig(config, 'function');
  if (c.checkpointDir !== undefined) throw configError('pbt()', 'checkpointDir', 'needs Node (a folder): in a browser pass checkpoints (memoryCheckpoints())', c.checkpointDir);
  return runPbt(space, c, {
    parallelSaves: false,
    members: () => make,
    checkpoints: async () => memoryCheckpoints(`pbt-${++runs}`),
  });
}
