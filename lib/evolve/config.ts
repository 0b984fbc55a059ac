/** Validation of {@link EvolveConfig}: every error names the field. */
import { configError } from '../errors.js';
import type { Direction, Params } from '../search/types.js';
import type { Study } from '../study/index.js';
import { finiteNumber, knownFields, nonEmptyString, nonNegativeInt, numberInRange, oneOf, positiveInt, positiveNumber, requireObject } from '../validate.js';
import type { CrossoverKind } from '../search/genetic/crossover.js';
import type { SelectionKind } from '../search/genetic/selection.js';
import type { EvolveConfig } from './types.js';

export interface ResolvedEvolveConfig<P extends Params> {
  readonly populationSize: number;
  readonly generations: number;
  readonly selection: SelectionKind;
  readonly tournamentSize: number;
  readonly truncation: number;
  readonly crossover: CrossoverKind;
  readonly crossoverRate: number;
  readonly mutationRate: number | undefined;
  readonly mutationScale: number;
  readonly elitism: number;
  readonly seed: number;
  readonly concurrency: number;
  readonly study: Study<P> | undefined;
  readonly direction: Direction;
  readonly metric: string | undefined;
}

const WHERE = 'evolve()';
const FIELDS = ['populationSize', 'generations', 'selection', 'tournamentSize', 'truncation', 'crossover', 'crossoverRate', 'mutationRate', 'mutationScale', 'elitism', 'seed', 'concurrency', 'study', 'direction', 'metric'];

export function resolveEvolveConfig<P extends Params>(config: EvolveConfig<P>): ResolvedEvolveConfig<P> {
  const c = requireObject(WHERE, config);
  knownFields(WHERE, c, FIELDS);
  const populationSize = positiveInt(WHERE, 'populationSize', c.populationSize);
  if (populationSize < 2) throw configError(WHERE, 'populationSize', 'must be at least 2', populationSize);
  const generations = positiveInt(WHERE, 'generations', c.generations);
  const selection = c.selection === undefined ? 'tournament' : oneOf(WHERE, 'selection', c.selection, ['tournament', 'truncation'] as const);
  const tournamentSize = c.tournamentSize === undefined ? 3 : positiveInt(WHERE, 'tournamentSize', c.tournamentSize);
  const truncation = c.truncation === undefined ? 0.5 : numberInRange(WHERE, 'truncation', c.truncation, 0, 1, { loOpen: true });
  const crossover = c.crossover === undefined ? 'uniform' : oneOf(WHERE, 'crossover', c.crossover, ['uniform', 'blend'] as const);
  const crossoverRate = c.crossoverRate === undefined ? 0.9 : numberInRange(WHERE, 'crossoverRate', c.crossoverRate, 0, 1);
  const mutationRate = c.mutationRate === undefined ? undefined : numberInRange(WHERE, 'mutationRate', c.mutationRate, 0, 1);
  const mutationScale = c.mutationScale === undefined ? 0.1 : positiveNumber(WHERE, 'mutationScale', c.mutationScale);
  const elitism = c.elitism === undefined ? 1 : nonNegativeInt(WHERE, 'elitism', c.elitism);
  if (elitism >= populationSize) throw configError(WHERE, 'elitism', `must be less than populationSize (${populationSize})`, elitism);
  const seed = c.seed === undefined ? 0 : finiteNumber(WHERE, 'seed', c.seed);
  const concurrency = c.concurrency === undefined ? 1 : positiveInt(WHERE, 'concurrency', c.concurrency);
  const study = c.study as Study<P> | undefined;
  if (study !== undefined && (study === null || typeof study !== 'object' || typeof study.optimize !== 'function' || typeof study.enqueue !== 'function')) {
    throw configError(WHERE, 'study', 'must be a study (from study({...}))', study);
  }
  if (study !== undefined && (c.direction !== undefined || c.metric !== undefined)) {
    throw configError(WHERE, c.direction !== undefined ? 'direction' : 'metric', 'comes from the study when a study is given; set it there');
  }
  const direction = study?.direction ?? (c.direction === undefined ? 'minimize' : oneOf(WHERE, 'direction', c.direction, ['minimize', 'maximize'] as const));
  const metric = study ? study.metric : c.metric === undefined ? undefined : nonEmptyString(WHERE, 'metric', c.metric);
  return { populationSize, generations, selection, tournamentSize, truncation, crossover, crossoverRate, mutationRate, mutationScale, elitism, seed, concurrency, study, direction, metric };
}
