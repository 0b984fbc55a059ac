/** Validation of {@link PbtConfig}: every error names the field. */
import type { BackendName } from '../backend/use-backend.js';
import { configError } from '../errors.js';
import type { WorkerPool } from '../parallel/worker-pool.js';
import type { Direction, Params } from '../search/types.js';
import { finiteNumber, knownFields, nonEmptyString, numberInRange, oneOf, positiveInt, positiveNumber, requireObject } from '../validate.js';
import type { PbtCheckpoints } from './member-checkpoints.js';
import type { ExploreConfig, PbtConfig, PbtModuleObjective, PbtObjective } from './types.js';

export interface ResolvedPbtConfig<P extends Params> {
  readonly populationSize: number;
  readonly epochs: number;
  readonly readyEvery: number;
  readonly metric: string;
  readonly direction: Direction;
  readonly quantile: number | undefined;
  readonly explore: ExploreConfig<P> | undefined;
  readonly seed: number;
  readonly checkpointDir: string | undefined;
  /** The checkpoints passed in (instead of a folder). */
  readonly checkpoints: PbtCheckpoints | undefined;
  readonly concurrency: number;
  readonly initial: readonly P[] | undefined;
  /** With a module objective: the worker threads and their backend. */
  readonly workers: ResolvedWorkers | undefined;
}

export interface ResolvedWorkers {
  readonly count: number;
  readonly backend: BackendName | 'auto';
  readonly pool?: WorkerPool;
}

/** The objective: a function called in this thread, or a module loaded in each worker. */
export type ResolvedObjective<P extends Params> =
  | { readonly kind: 'function'; readonly make: PbtObjective<P> }
  | { readonly kind: 'module'; readonly module: string; readonly exportName: string };

const WHERE = 'pbt()';
const FIELDS = ['populationSize', 'epochs', 'readyEvery', 'metric', 'direction', 'exploit', 'explore', 'seed', 'checkpointDir', 'checkpoints', 'concurrency', 'initial', 'workers', 'backend'];
const CHECKPOINT_METHODS = ['save', 'load', 'checkpoint', 'readState', 'writeState', 'remove', 'removeOthers', 'clear'] as const;

/**
 * The objective as a function; a module (for worker threads) goes to `resolveModule`, which a platform
 * without worker threads does not have.
 */
export function resolveObjective<P extends Params>(
  objective: PbtObjective<P> | PbtModuleObjective,
  resolveModule?: (o: Record<string, unknown>) => ResolvedObjective<P>,
): ResolvedObjective<P> {
  if (typeof objective === 'function') return { kind: 'function', make: objective };
  const o: unknown = objective;
  if (!isRecord(o) || resolveModule === undefined) {
    const what = resolveModule ? 'must be a function that makes a member, or { module, export? } naming one for worker threads' : 'must be a function that makes a member (a module for worker threads needs Node)';
    throw configError(WHERE, 'objective', what, objective);
  }
  return resolveModule(o);
}

/** Whether `x` is an object whose fields can be read (and checked) one by one. */
function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object';
}

/**
 * `objectiveKind`: members in worker threads need the objective as a module, and `resolveWorkers`
 * (the platform's) reads `workers` and `backend` for them.
 */
export function resolvePbtConfig<P extends Params>(
  config: PbtConfig<P>,
  objectiveKind: 'function' | 'module' = 'function',
  resolveWorkers?: (c: Record<string, unknown>, populationSize: number) => ResolvedWorkers,
): ResolvedPbtConfig<P> {
  const c = requireObject(WHERE, config);
  knownFields(WHERE, c, FIELDS);
  const populationSize = positiveInt(WHERE, 'populationSize', c.populationSize);
  if (populationSize < 2) throw configError(WHERE, 'populationSize', 'must be at least 2', populationSize);
  const epochs = positiveInt(WHERE, 'epochs', c.epochs);
  const readyEvery = positiveInt(WHERE, 'readyEvery', c.readyEvery);
  const metric = nonEmptyString(WHERE, 'metric', c.metric);
  const direction = oneOf(WHERE, 'direction', c.direction, ['minimize', 'maximize'] as const);
  let quantile: number | undefined = 0.25;
  if (c.exploit === false) quantile = undefined;
  else if (c.exploit !== undefined) {
    const e = requireObject(WHERE, c.exploit, 'exploit');
    knownFields(WHERE, e, ['quantile']);
    if (e.quantile !== undefined) quantile = numberInRange(WHERE, 'exploit.quantile', e.quantile, 0, 0.5, { loOpen: true });
  }
  let explore: ExploreConfig<P> | undefined = { perturb: [0.8, 1.2] };
  if (c.explore === false) explore = undefined;
  else if (typeof c.explore === 'function') explore = c.explore as ExploreConfig<P>;
  else if (c.explore !== undefined) {
    const e = requireObject(WHERE, c.explore, 'explore');
    knownFields(WHERE, e, ['perturb', 'resample']);
    if (e.perturb === undefined && e.resample === undefined) throw configError(WHERE, 'explore', 'needs perturb (factors) or resample (a probability)', e);
    if (e.perturb !== undefined) {
      if (!Array.isArray(e.perturb) || e.perturb.length === 0) throw configError(WHERE, 'explore.perturb', 'must be a non-empty array of factors', e.perturb);
      e.perturb.forEach((f, i) => positiveNumber(WHERE, `explore.perturb[${i}]`, f));
    }
    if (e.resample !== undefined) numberInRange(WHERE, 'explore.resample', e.resample, 0, 1);
    explore = e as ExploreConfig<P>;
  }
  const seed = c.seed === undefined ? 0 : finiteNumber(WHERE, 'seed', c.seed);
  const checkpointDir = c.checkpointDir === undefined ? undefined : nonEmptyString(WHERE, 'checkpointDir', c.checkpointDir);
  const checkpoints = c.checkpoints === undefined ? undefined : resolveCheckpoints(c.checkpoints, checkpointDir, objectiveKind);
  const concurrency = c.concurrency === undefined ? populationSize : positiveInt(WHERE, 'concurrency', c.concurrency);
  let initial: readonly P[] | undefined;
  if (c.initial !== undefined) {
    if (!Array.isArray(c.initial) || c.initial.length !== populationSize) throw configError(WHERE, 'initial', `must be an array of populationSize (${populationSize}) parameter objects`, c.initial);
    initial = c.initial as P[];
  }
  let workers: ResolvedWorkers | undefined;
  if (objectiveKind === 'function') {
    for (const field of ['workers', 'backend'] as const) {
      if (c[field] !== undefined) throw configError(WHERE, field, 'needs the objective as a module ({ module, export? }): a function cannot be sent to a worker thread', c[field]);
    }
  } else {
    if (resolveWorkers === undefined) throw configError(WHERE, 'objective', 'as a module needs worker threads (Node)');
    workers = resolveWorkers(c, populationSize);
  }
  return { populationSize, epochs, readyEvery, metric, direction, quantile, explore, seed, checkpointDir, checkpoints, concurrency, initial, workers };
}

function resolveCheckpoints(x: unknown, checkpointDir: string | undefined, objectiveKind: 'function' | 'module'): PbtCheckpoints {
  if (checkpointDir !== undefined) throw configError(WHERE, 'checkpoints', 'cannot be set with checkpointDir (a folder is checkpoints of its own): pass one of them', x);
  if (objectiveKind === 'module') throw configError(WHERE, 'checkpoints', 'cannot be set with a module objective: members in worker threads save into folders (use checkpointDir)', x);
  const missing = isRecord(x) ? CHECKPOINT_METHODS.filter((m) => typeof x[m] !== 'function') : CHECKPOINT_METHODS;
  if (missing.length > 0) throw configError(WHERE, 'checkpoints', `must be PbtCheckpoints (memoryCheckpoints(), folderCheckpoints(dir)); missing: ${missing.join(', ')}`, x);
  return x as PbtCheckpoints;
}
