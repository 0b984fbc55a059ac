/**
 * `pbt()` in Node: population-based training (lib/pbt/run-pbt.ts) whose members live in this thread
 * or, with the objective as a module, in worker threads, and whose checkpoints are folders
 * (`checkpointDir`, else a temporary folder) unless the config passes `checkpoints`.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Observable } from 'rxjs';
import { backendNames } from '../backend/use-backend.js';
import { configError } from '../errors.js';
import type { WorkerPool } from '../parallel/worker-pool.js';
import type { Params } from '../search/types.js';
import type { SearchSpace } from '../search/space.js';
import { moduleUrl } from '../thread/load-module.js';
import { knownFields, nonEmptyString, oneOf, positiveInt } from '../validate.js';
import { resolveObjective, resolvePbtConfig, type ResolvedObjective, type ResolvedWorkers } from './config.js';
import { folderCheckpoints, temporaryCheckpoints } from './folder-checkpoints.js';
import { checkSpace, runPbt } from './run-pbt.js';
import type { PbtConfig, PbtEvent, PbtModuleObjective, PbtObjective } from './types.js';
import { workerMembers } from './worker-members.js';

const WHERE = 'pbt()';

/**
 * Run population-based training.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs';
 * import { pbt, layersMember, space, logUniform, mlp, optimizer, digits, split } from 'rxtrain';
 * const { train: data, validation } = split(digits(), { validation: 0.2, test: 0, seed: 1 });
 * const events = pbt(space({ lr: logUniform(1e-4, 1e-1) }), ({ seed }) => layersMember({
 *   model: mlp({ inputShape: [64], units: [64], classes: 10, seed }), optimizer: optimizer('adam'), data, validation, seed,
 * }), { populationSize: 8, epochs: 20, readyEvery: 2, metric: 'val_accuracy', direction: 'maximize', seed: 1 });
 * const end = await lastValueFrom(events); // { type: 'pbtCompleted', best: { schedule, ... } }
 * ```
 * @param space The hyperparameters: initial ones are drawn from it, explored ones repaired to fit it.
 * @param objective Makes a member (see {@link PbtMember}); pbt then calls `setParams` with its parameters.
 *   As `{ module, export? }` (a module whose export is that function), members live and train in
 *   `workers` worker threads, in parallel.
 * @param config See {@link PbtConfig}; validated now, errors name the field.
 * @returns A cold Observable of {@link PbtEvent}s, ending with `pbtCompleted`; each subscription is a
 *   run of its own. Unsubscribing stops the training at the next step, lets a call in flight (a save, a
 *   load, the state's write) finish, and frees the members; with a `checkpointDir`, a new run on it
 *   resumes from the last ready time.
 */
export function pbt<P extends Params>(space: SearchSpace<P>, objective: PbtObjective<P> | PbtModuleObjective, config: PbtConfig<P>): Observable<PbtEvent<P>> {
  checkSpace(space);
  const o = resolveObjective<P>(objective, moduleObjective);
  const c = resolvePbtConfig(config, o.kind, resolveWorkers);
  return runPbt(space, c, {
    parallelSaves: o.kind === 'module',
    members: (hold) => {
      if (o.kind === 'function') return o.make;
      const remote = workerMembers<P>({ module: o.module, exportName: o.exportName, ...c.workers!, populationSize: c.populationSize });
      // Worker threads stop as soon as the run ends, not after their calls: their members' tensors go with them.
      hold.onStop(() => remote.close());
      return remote.objective;
    },
    checkpoints: async () => (c.checkpointDir === undefined ? temporaryCheckpoints() : folderCheckpoints(c.checkpointDir)),
  });
}

/** `{ module, export? }`: a module each worker thread imports, checked now. */
function moduleObjective<P extends Params>(o: Record<string, unknown>): ResolvedObjective<P> {
  knownFields(WHERE, o, ['module', 'export']);
  const spec = o.module instanceof URL ? o.module.href : nonEmptyString(WHERE, 'objective.module', o.module);
  const exportName = o.export === undefined ? 'default' : nonEmptyString(WHERE, 'objective.export', o.export);
  const module = moduleUrl(spec);
  if (module.startsWith('file:')) {
    const path = fileURLToPath(module);
    if (!existsSync(path)) throw configError(WHERE, 'objective.module', `names no file (${path})`, o.module);
  }
  return { kind: 'module', module, exportName };
}

/** `workers` (a count or a pool) and `backend`, for members in worker threads. */
function resolveWorkers(c: Record<string, unknown>, populationSize: number): ResolvedWorkers {
  const backend = c.backend === undefined ? 'auto' : oneOf(WHERE, 'backend', c.backend, ['auto', ...backendNames] as const);
  const w = c.workers;
  if (w !== null && typeof w === 'object') {
    const pool = w as WorkerPool;
    if (typeof pool.run !== 'function' || typeof pool.size !== 'number') throw configError(WHERE, 'workers', 'must be a number of threads or a workerPool()', w);
    if (c.backend !== undefined) throw configError(WHERE, 'backend', 'cannot be set with a workerPool() as workers: the pool has its backend', c.backend);
    return { count: pool.size, backend, pool };
  }
  return { count: w === undefined ? Math.min(populationSize, availableParallelism()) : positiveInt(WHERE, 'workers', w), backend };
}
