/**
 * Train an ensemble's members as parallel training streams: each member is a `train()` run, merged
 * with a concurrency limit (as `mergeMap` does). In one process the runs interleave step by step (a
 * run gives other work a turn every few milliseconds); the order of results is the members' order.
 */
import { defer, from, lastValueFrom, last, map, mergeMap, toArray, type Observable } from 'rxjs';
import type * as tfl from '@tensorflow/tfjs-layers';
import { configError } from '../errors.js';
import { requireObject } from '../validate.js';
import type { ArrayDataset } from '../data/types.js';
import { train, type TrainConfig } from '../train.js';

/** Training options of each member: those of `train()`, without the seed (each member gets its own). */
export type MemberTraining = Omit<TrainConfig, 'seed'>;

/**
 * A member training config as the caller typed it, once it is checked to be an object; `train()`
 * checks its fields when each member starts.
 */
export function memberTraining(where: string, field: string, value: MemberTraining): MemberTraining {
  requireObject(where, value, field);
  return value;
}

export interface MemberJob {
  readonly index: number;
  readonly seed: number;
  readonly data: ArrayDataset;
}

/**
 * Build and train every job's model, `concurrency` at a time; resolve to the models in job order.
 * A failure disposes every model built so far and rejects.
 */
export async function trainMembers(where: string, jobs: readonly MemberJob[], build: (seed: number, index: number) => tfl.LayersModel, training: MemberTraining, concurrency: number): Promise<tfl.LayersModel[]> {
  const built: tfl.LayersModel[] = [];
  const one = (job: MemberJob): Observable<{ index: number; model: tfl.LayersModel }> =>
    defer(() => {
      const model = build(job.seed, job.index);
      if (model === null || typeof model !== 'object' || typeof (model as tfl.LayersModel).predict !== 'function') {
        throw configError(where, 'build', `must return a tfjs-layers model (member ${job.index} got ${String(model)})`);
      }
      built.push(model);
      return train(model, job.data, { ...training, seed: job.seed }).pipe(last(), map(() => ({ index: job.index, model })));
    });
  try {
    const done = await lastValueFrom(from(jobs).pipe(mergeMap(one, concurrency), toArray()));
    return done.sort((a, b) => a.index - b.index).map((d) => d.model);
  } catch (err) {
    for (const m of built) m.dispose();
    throw err;
  }
}
