/**
 * Selection: pick a parent from a ranked population. Members are ranked best first (completed by
 * value, then pruned by value, then failed), so a parent is an index into that ranking.
 *
 * - `tournament`: draw `size` members at random (with replacement), keep the best ranked.
 * - `truncation`: draw uniformly among the best `fraction` of the population.
 */
import type { Random } from '../../random.js';

export type SelectionKind = 'tournament' | 'truncation';

export function select(kind: SelectionKind, n: number, random: Random, options: { tournamentSize: number; truncation: number }): number {
  if (kind === 'tournament') {
    let best = n;
    for (let i = 0; i < options.tournamentSize; i++) best = Math.min(best, random.int(n));
    return best;
  }
  const top = Math.max(1, Math.ceil(n * options.truncation));
  return random.int(top);
}
