/**
 * Ranking a population at a ready time: best value first; a member that failed this round, or has no
 * value yet, ranks after every member with one (in member order), and is ranked by NaN.
 */
import type { Direction, Params } from '../search/types.js';
import type { Slot } from './slot.js';

export interface Ranking<P extends Params> {
  /** The members, best first. */
  readonly ranked: ReadonlyArray<Slot<P>>;
  /** The value `slot` was ranked by: NaN when it failed or has none. */
  value(slot: Slot<P>): number;
}

/** Whether `a` is strictly better than `b`. */
export function better(direction: Direction, a: number, b: number): boolean {
  return direction === 'minimize' ? a < b : a > b;
}

export function rank<P extends Params>(slots: ReadonlyArray<Slot<P>>, failed: ReadonlySet<number>, direction: Direction): Ranking<P> {
  const key = (s: Slot<P>): number | undefined => (failed.has(s.index) ? undefined : s.value);
  const ranked = [...slots].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === undefined) return y === undefined ? a.index - b.index : 1;
    if (y === undefined) return -1;
    return better(direction, x, y) ? -1 : better(direction, y, x) ? 1 : a.index - b.index;
  });
  return { ranked, value: (s) => key(s) ?? NaN };
}
