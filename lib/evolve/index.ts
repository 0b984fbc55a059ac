/** Evolutionary search: the public surface of lib/evolve. */
export { evolve } from './evolve.js';
export type { EvolveAttrs } from './evolve.js';
export type { EvolveConfig, Population, Member, MemberEvent, MemberOrigin } from './types.js';
export type { CrossoverKind } from '../search/genetic/crossover.js';
export type { SelectionKind } from '../search/genetic/selection.js';
export { crossover } from '../search/genetic/crossover.js';
export { mutate } from './mutation.js';
export { repair } from '../search/genetic/genome.js';
