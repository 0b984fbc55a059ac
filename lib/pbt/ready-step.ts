/**
 * The ready step of PBT: what a ready time does to the members once they are ranked. Each member of the
 * bottom quantile copies a random member of the top quantile (exploit: the donor's checkpoint, weights
 * and optimizer state, and its parameters, value and schedule) and perturbs the parameters it inherited
 * (explore). Without exploit, every member explores from its own parameters.
 *
 * Members change one after the other, each draw from one seeded random in the same order, so a seeded
 * run repeats exactly.
 */
import { EMPTY, Observable, concat, concatMap, defer, from, ignoreElements, of } from 'rxjs';
import { createRandom, hashSeed, type Random } from '../random.js';
import type { Params } from '../search/types.js';
import type { SearchSpace } from '../search/space.js';
import type { CheckpointStore } from './checkpoints.js';
import type { MemberCheckpoints } from './member-checkpoints.js';
import type { ResolvedPbtConfig } from './config.js';
import { explore } from './explore.js';
import type { Holdings } from './holdings.js';
import type { Ranking } from './rank.js';
import type { Slot } from './slot.js';
import type { ExploreConfig, PbtExploit, PbtExplore } from './types.js';

export interface ReadyStepContext<P extends Params> {
  readonly space: SearchSpace<P>;
  readonly config: Pick<ResolvedPbtConfig<P>, 'seed' | 'quantile' | 'explore'>;
  readonly store: CheckpointStore;
  /** What members load the donors' checkpoints through. */
  readonly checkpoints: MemberCheckpoints;
  /** Runs a member's call (the run lets go of its members only once the call has settled). */
  readonly work: Holdings['work'];
}

/**
 * Exploit and explore at the ready time after `epoch` epochs (`slots` in member order). A member that
 * copies puts its old checkpoint in `toRelease` (freed once the run's state no longer names it) and
 * holds the donor's.
 */
export function readyStep<P extends Params>(
  ctx: ReadyStepContext<P>,
  slots: ReadonlyArray<Slot<P>>,
  ranking: Ranking<P>,
  epoch: number,
  toRelease: string[],
): Observable<PbtExploit | PbtExplore<P>> {
  return defer(() => {
    const random = createRandom(hashSeed(ctx.config.seed, 'pbt-ready', epoch));
    const { quantile, explore: how } = ctx.config;
    if (quantile === undefined) return how ? from(slots).pipe(concatMap((s) => exploreOwn(ctx, how, s, epoch, random))) : EMPTY;
    const { ranked } = ranking;
    const q = Math.max(1, Math.floor(ranked.length * quantile));
    const top = ranked.slice(0, q);
    // Each donor is drawn when its member's turn comes, after the member before it explored.
    return from(ranked.slice(ranked.length - q)).pipe(concatMap((s) => exploit(ctx, ranking, s, top[random.int(top.length)]!, epoch, random, toRelease)));
  });
}

function exploit<P extends Params>(
  ctx: ReadyStepContext<P>,
  ranking: Ranking<P>,
  s: Slot<P>,
  donor: Slot<P>,
  epoch: number,
  random: Random,
  toRelease: string[],
): Observable<PbtExploit | PbtExplore<P>> {
  const path = donor.checkpoint!;
  const load = defer(() => {
    ctx.store.retain(path); // held by the copy, then by this member's state
    return ctx.work(() => s.member.load(path, ctx.checkpoints));
  });
  const copied = defer(() => of<PbtExploit>({ type: 'exploit', member: s.index, donor: donor.index, epoch, value: ranking.value(s), donorValue: ranking.value(donor), checkpoint: path }));
  const adopt = defer(() => {
    toRelease.push(s.checkpoint!);
    s.checkpoint = path;
    const oldParams = s.params;
    const newParams = ctx.config.explore ? explore(ctx.space, ctx.config.explore, donor.params, random) : donor.params;
    s.params = newParams;
    s.schedule = [...donor.schedule, { epoch: epoch + 1, params: newParams }];
    s.value = donor.value;
    return concat(setParams(ctx, s, newParams), of<PbtExplore<P>>({ type: 'explore', member: s.index, epoch, oldParams, fromParams: donor.params, newParams }));
  });
  return concat(load.pipe(ignoreElements()), copied, adopt);
}

function exploreOwn<P extends Params>(ctx: ReadyStepContext<P>, how: ExploreConfig<P>, s: Slot<P>, epoch: number, random: Random): Observable<PbtExplore<P>> {
  return defer(() => {
    const oldParams = s.params;
    s.params = explore(ctx.space, how, oldParams, random);
    s.schedule = [...s.schedule, { epoch: epoch + 1, params: s.params }];
    return concat(setParams(ctx, s, s.params), of<PbtExplore<P>>({ type: 'explore', member: s.index, epoch, oldParams, fromParams: oldParams, newParams: s.params }));
  });
}

function setParams<P extends Params>(ctx: ReadyStepContext<P>, s: Slot<P>, params: P): Observable<never> {
  return ctx.work(async () => s.member.setParams(params)).pipe(ignoreElements());
}
