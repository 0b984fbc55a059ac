/**
 * One segment of a PBT member, as a worker runs it: build the member from the trial module's member
 * factory, load the member's last checkpoint (if any), apply the segment's hyperparameters, train
 * `epochs` epochs from global epoch `from`, save the new checkpoint, dispose. A segment is a trial of
 * the study (its `attrs.pbt` says which member, which epochs, which checkpoints), so it is queued,
 * claimed, followed and recovered like any trial; the member's state lives in its checkpoints, in a
 * directory every machine shares.
 */
import { concat, defer, finalize, ignoreElements, map, switchMap, filter, type Observable } from 'rxjs';
import { isEvent } from '../events.js';
import { loadFunction } from '../thread/load-module.js';
import { folderMemberCheckpoints } from '../pbt/folder-checkpoints.js';
import { configError } from '../errors.js';
import type { Params } from '../search/types.js';
import type { PbtMember, PbtObjective } from '../pbt/types.js';
import type { Objective } from '../study/index.js';

/** What a segment trial carries in `attrs.pbt`. */
export interface PbtSegment {
  readonly member: number;
  /** The member's seed (stable across segments). */
  readonly seed: number;
  /** Global epoch the segment starts at. */
  readonly from: number;
  readonly epochs: number;
  /** Checkpoint to continue from (absent for a member's first segment). */
  readonly load?: string;
  /** Where to save the member's state after the segment. */
  readonly save: string;
}

export function isPbtSegment(x: unknown): x is PbtSegment {
  const s = x as Partial<PbtSegment> | null;
  return s !== null && typeof s === 'object' && typeof s.member === 'number' && typeof s.from === 'number' && typeof s.epochs === 'number' && typeof s.save === 'string';
}

/** Run a segment with `factory`: the member's epochs as `{type: 'epochEnd', epoch, metrics}` (epoch within the segment, from 1). */
export function runSegment<P extends Params>(factory: PbtObjective<P>, params: P, segment: PbtSegment): Observable<{ readonly type: string }> {
  let member: PbtMember<P> | undefined;
  return defer(async () => {
    member = await factory({ member: segment.member, params, seed: segment.seed });
    if (segment.load !== undefined) await member.load(segment.load, folderMemberCheckpoints);
    await member.setParams(params);
    return member;
  }).pipe(
    switchMap((m) => {
      let epoch = 0;
      const epochs = m.train(segment.from, segment.epochs).pipe(
        filter(isEvent('epochEnd')),
        map((e) => ({ type: 'epochEnd', epoch: ++epoch, metrics: e.metrics })),
      );
      return concat(epochs, defer(() => m.save(segment.save, folderMemberCheckpoints)).pipe(ignoreElements()));
    }),
    finalize(() => member?.dispose()),
  );
}

/**
 * An objective for `runWorker` that runs PBT segments with `factory` (the driver is
 * `pbt(space, remotePbtMembers(study, {dir}), ...)`). `rxtrain worker` does this by itself when a trial
 * is a segment, with the trial module's `member` export.
 */
export function segmentObjective<P extends Params>(factory: PbtObjective<P>): Objective<P> {
  return (trial) => {
    const segment = trial.record().attrs?.pbt;
    if (!isPbtSegment(segment)) {
      throw configError('segmentObjective()', 'trial', `trial ${trial.number} is not a PBT segment (no attrs.pbt): queue segments with remotePbtMembers()`);
    }
    return runSegment(factory, trial.params, segment);
  };
}

/** The thread task form (for `rxtrain worker --concurrency n`): the module is imported in the thread. */
export function runSegmentTask(input: { module: string; export: string; params: Params; segment: PbtSegment }): Observable<{ readonly type: string }> {
  return defer(async () => loadMemberFactory(input.module, input.export)).pipe(switchMap((factory) => runSegment(factory, input.params, input.segment)));
}

/** The member factory a PBT segment needs: export `exportName` of `module`. */
export function loadMemberFactory(module: string, exportName: string): Promise<PbtObjective> {
  return loadFunction<PbtObjective>('rxtrain worker: a PBT segment needs a member factory:', module, exportName);
}
