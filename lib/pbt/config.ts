/** Validation of {@link PbtConfig}: every error names the field. */
import { configError } from '../errors.js';
import type { Direction, Params } from '../search/types.js';
import { finiteNumber, knownFields, nonEmptyString, numberInRange, oneOf, positiveInt, positiveNumber, requireObject } from '../validate.js';
import type { ExploreConfig, PbtConfig } from './types.js';

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
  readonly concurrency: number;
  readonly initial: readonly P[] | undefined;
}

const WHERE = 'pbt()';
const FIELDS = ['populationSize', 'epochs', 'readyEvery', 'metric', 'direction', 'exploit', 'explore', 'seed', 'checkpointDir', 'concurrency', 'initial'];

export function resolvePbtConfig<P extends Params>(config: PbtConfig<P>): ResolvedPbtConfig<P> {
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
  const concurrency = c.concurrency === undefined ? populationSize : positiveInt(WHERE, 'concurrency', c.concurrency);
  let initial: readonly P[] | undefined;
  if (c.initial !== undefined) {
    if (!Array.isArray(c.initial) || c.initial.length !== populationSize) throw configError(WHERE, 'initial', `must be an array of populationSize (${populationSize}) parameter objects`, c.initial);
    initial = c.initial as P[];
  }
  return { populationSize, epochs, readyEvery, metric, direction, quantile, explore, seed, checkpointDir, concurrency, initial };
}
