/**
 * Population-based training (Jaderberg et al. 2017), in synchronous rounds: the run itself, on any
 * platform. `pbt()` in Node (lib/pbt/pbt.ts) and in a browser (lib/pbt/pbt-browser.ts) validate the
 * config and pass in what differs: where members live (this thread, or worker threads) and where
 * checkpoints go (a folder, or memory).
 *
 * Intuition: every member trains `readyEvery` epochs, saves a checkpoint, and the population is ranked;
 * each member of the bottom quantile loads the checkpoint (weights and optimizer state) of a random
 * member of the top quantile, perturbs the hyperparameters it inherited, and training goes on. A
 * member's hyperparameters thus become a schedule, and good weights spread. Rounds are synchronous
 * (everyone is ready at the same epoch), so a seeded run repeats exactly and a resumed run continues
 * where it stopped.
 *
 * A run is a stream: making the members, then one round per ready time (train every member, save them
 * all, rank, exploit and explore, write the state), then the result. Its state lives in its
 * subscription, and unsubscribing unsubscribes whatever runs (the members' training, the next call);
 * the members, the temporary checkpoints and the worker threads are let go by {@link holdings}.
 */
import { EMPTY, Observable, catchError, concat, concatMap, defer, filter, forkJoin, from, ignoreElements, map, mergeMap, of, range, throwError, toArray } from 'rxjs';
import { RxtrainError, configError, errorMessage } from '../errors.js';
import { createRandom, hashSeed } from '../random.js';
import type { Params } from '../search/types.js';
import type { SearchSpace } from '../search/space.js';
import { checkpointStore, type CheckpointStore } from './checkpoints.js';
import type { ResolvedPbtConfig } from './config.js';
import { holdings, type Holdings } from './holdings.js';
import type { PbtCheckpoints } from './member-checkpoints.js';
import { better, rank } from './rank.js';
import { readyStep } from './ready-step.js';
import type { Slot } from './slot.js';
import { STATE_VERSION, type SavedState } from './state.js';
import { LostTraining } from './lost-training.js';
import type { MemberEpochEnd, PbtEvent, PbtMemberFailed, PbtObjective } from './types.js';

const WHERE = 'pbt()';

/** One subscription's run: where it keeps checkpoints, its members, and how far they are. */
interface Run<P extends Params> {
  readonly space: SearchSpace<P>;
  readonly c: ResolvedPbtConfig<P>;
  readonly hold: Holdings;
  readonly checkpoints: PbtCheckpoints;
  readonly temporary: boolean;
  readonly store: CheckpointStore;
  readonly slots: ReadonlyArray<Slot<P>>;
  /** Epochs every member has done. */
  epoch: number;
  /** The best value a ready time ranked first so far. */
  best: number | undefined;
}

/** What the platform's `pbt()` passes in, once per run (subscription). */
export interface PbtPlatform<P extends Params> {
  /** The members' objective; anything to stop at the run's end goes to `hold.onStop`. */
  members(hold: Holdings): PbtObjective<P>;
  /** The run's checkpoints when the config passes none: `temporary` ones are cleared at the end, and no state is written in them. */
  checkpoints(): Promise<PbtCheckpoints>;
  /** Members save in the same thread one after the other; in worker threads, all at once. */
  readonly parallelSaves: boolean;
}

/** Checks `pbt()` makes before anything else: the space, and the initial parameters against it. */
export function checkSpace<P extends Params>(space: SearchSpace<P>): void {
  if (space === null || typeof space !== 'object' || typeof space.sample !== 'function' || typeof space.problems !== 'function') {
    throw configError(WHERE, 'space', 'must be a search space from space({...})', space);
  }
}

/** The run: a cold stream, each subscription a run of its own (see `pbt()`). */
export function runPbt<P extends Params>(space: SearchSpace<P>, c: ResolvedPbtConfig<P>, platform: PbtPlatform<P>): Observable<PbtEvent<P>> {
  c.initial?.forEach((p, i) => {
    const problems = space.problems(p);
    if (problems.length > 0) throw configError(WHERE, `initial[${i}]`, `does not fit the space: ${problems.join('; ')}`);
  });
  return defer(() => {
    const hold = holdings();
    const make = platform.members(hold);
    const rounds = (run: Run<P>): Observable<PbtEvent<P>> => range(0, Math.max(0, Math.ceil((c.epochs - run.epoch) / c.readyEvery))).pipe(concatMap(() => round(run, platform.parallelSaves)));
    return hold.around(open(space, make, c, hold, platform).pipe(concatMap((run) => concat(of(started(run)), rounds(run), defer(() => of(completed(run)))))));
  });
}

/** Make the members, fresh or as the saved state in the run's checkpoints left them. */
function open<P extends Params>(space: SearchSpace<P>, make: PbtObjective<P>, c: ResolvedPbtConfig<P>, hold: Holdings, platform: PbtPlatform<P>): Observable<Run<P>> {
  const temporary = c.checkpoints === undefined && c.checkpointDir === undefined;
  const place = hold.work(async () => {
    const checkpoints = c.checkpoints ?? (await platform.checkpoints());
    if (temporary) hold.onRelease(() => checkpoints.clear());
    const saved = temporary ? undefined : await checkpoints.readState<P>();
    if (saved && saved.members.length !== c.populationSize) {
      throw new RxtrainError('INVALID_CONFIG', `${WHERE}: ${checkpoints.where} holds a run of ${saved.members.length} members, not populationSize ${c.populationSize}`, { field: 'populationSize' });
    }
    return { checkpoints, saved };
  });
  const member = (i: number, checkpoints: PbtCheckpoints, store: CheckpointStore, saved: SavedState<P> | undefined) => async (): Promise<Slot<P>> => {
    const s = saved?.members[i];
    const params = s ? s.params : c.initial?.[i] ?? space.sample(createRandom(hashSeed(c.seed, 'pbt-init', i)));
    const m = await make({ member: i, params, seed: hashSeed(c.seed, 'pbt-member', i) });
    hold.onRelease(() => m.dispose());
    const slot: Slot<P> = { index: i, member: m, params, schedule: s ? s.schedule : [{ epoch: 1, params }], checkpoint: undefined, value: s?.value ?? undefined };
    if (s) {
      slot.checkpoint = s.checkpoint;
      store.retain(slot.checkpoint);
      await m.load(slot.checkpoint, checkpoints);
    }
    await m.setParams(params);
    return slot;
  };
  return place.pipe(
    concatMap(({ checkpoints, saved }) => {
      const store = checkpointStore((path) => checkpoints.remove(path));
      return range(0, c.populationSize).pipe(
        concatMap((i) => hold.work(member(i, checkpoints, store, saved))),
        toArray(),
        concatMap((slots) => (saved ? hold.work(() => checkpoints.removeOthers(new Set(store.held()))) : of(undefined)).pipe(map(() => slots))),
        map((slots): Run<P> => ({ space, c, hold, checkpoints, temporary, store, slots, epoch: saved?.epoch ?? 0, best: undefined })),
      );
    }),
  );
}

function started<P extends Params>(run: Run<P>): PbtEvent<P> {
  return { type: 'pbtStarted', dir: run.checkpoints.where, epoch: run.epoch, members: run.slots.map((s) => ({ member: s.index, params: s.params })), metric: run.c.metric, direction: run.c.direction };
}

/** Train every member up to the next ready time, save them all, rank, exploit and explore, and write the state. */
function round<P extends Params>(run: Run<P>, parallelSaves: boolean): Observable<PbtEvent<P>> {
  return defer(() => {
    const { c } = run;
    const start = run.epoch;
    const k = Math.min(c.readyEvery, c.epochs - start);
    const failed = new Set<number>();
    const training = from(run.slots).pipe(mergeMap((s) => trainMember(s, start, k, c.metric, failed), c.concurrency));
    const ready = saveAll(run, start + k, parallelSaves).pipe(
      concatMap((lost) => {
        run.epoch = start + k;
        // Every member's new checkpoint replaces its old one, released once the new state is written.
        const toRelease: string[] = [];
        const failures: PbtMemberFailed[] = [];
        run.slots.forEach((s, i) => {
          const target = checkpointOf(run, s, run.epoch);
          run.store.retain(target);
          if (s.checkpoint !== undefined) toRelease.push(s.checkpoint);
          s.checkpoint = target;
          const loss = lost[i];
          // A member whose worker died after it trained lost that training: it is back at its last checkpoint.
          if (loss !== undefined && !failed.has(s.index)) {
            failed.add(s.index);
            failures.push({ type: 'memberFailed', member: s.index, epoch: run.epoch, error: loss });
          }
        });
        return concat(from(failures), readyTime(run, failed, toRelease));
      }),
    );
    return concat(training, ready);
  });
}

/** Train member `s` for `k` epochs from `start`: its epoch ends, or a `memberFailed` (and `failed` gets it). */
function trainMember<P extends Params>(s: Slot<P>, start: number, k: number, metric: string, failed: Set<number>): Observable<PbtEvent<P>> {
  return defer(() => {
    let e = start;
    return defer(() => s.member.train(start, k)).pipe(
      filter((ev): ev is MemberEpochEnd => ev.type === 'epochEnd'),
      map((ev): PbtEvent<P> => {
        const value = ev.metrics?.[metric];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          const known = Object.keys(ev.metrics ?? {}).join(', ');
          throw new RxtrainError(value === undefined ? 'TRIAL_FAILED' : 'NON_FINITE', value === undefined ? `member ${s.index}'s epochEnd has no metric '${metric}' (it has: ${known})` : `member ${s.index}'s ${metric} is ${value}`);
        }
        s.value = value;
        e++;
        return { type: 'epochEnd', member: s.index, epoch: e, metrics: ev.metrics, value };
      }),
      catchError((err: unknown) => {
        failed.add(s.index);
        return of<PbtEvent<P>>({ type: 'memberFailed', member: s.index, epoch: e, error: errorMessage(err) });
      }),
    );
  });
}

/** Where member `s` saves its checkpoint after `epoch` epochs. */
function checkpointOf<P extends Params>(run: Run<P>, s: Slot<P>, epoch: number): string {
  return run.checkpoints.checkpoint(s.index, epoch);
}

/**
 * Every member saves its checkpoint for epoch `epoch`; the one value is, per member, why it lost the
 * training it saved (its worker died after it trained), or undefined.
 */
function saveAll<P extends Params>(run: Run<P>, epoch: number, parallel: boolean): Observable<Array<string | undefined>> {
  const saves = run.slots.map((s) =>
    run.hold.work(() => s.member.save(checkpointOf(run, s, epoch), run.checkpoints)).pipe(
      map((): string | undefined => undefined),
      catchError((err: unknown) => (err instanceof LostTraining ? of(err.message) : throwError(() => err))),
    ),
  );
  // Members in different workers save at the same time; members in this thread one after the other.
  return parallel ? forkJoin(saves) : concat(...saves).pipe(toArray());
}

/** The ready time after the members saved: rank them, then exploit and explore, then write the run's state. */
function readyTime<P extends Params>(run: Run<P>, failed: ReadonlySet<number>, toRelease: string[]): Observable<PbtEvent<P>> {
  return defer(() => {
    const { c, epoch } = run;
    const ranking = rank(run.slots, failed, c.direction);
    const events: Array<PbtEvent<P>> = [{ type: 'ready', epoch, ranking: ranking.ranked.map((s) => ({ member: s.index, value: ranking.value(s) })) }];
    const top = ranking.ranked[0]!;
    const value = ranking.value(top);
    if (Number.isFinite(value) && (run.best === undefined || better(c.direction, value, run.best))) {
      events.push({ type: 'newBest', member: top.index, epoch, value, params: top.params, ...(run.best === undefined ? {} : { previous: run.best }), metric: c.metric, direction: c.direction });
      run.best = value;
    }
    const step = epoch < c.epochs ? readyStep({ space: run.space, config: c, store: run.store, checkpoints: run.checkpoints, work: run.hold.work }, run.slots, ranking, epoch, toRelease) : EMPTY;
    return concat(from(events), step, commit(run, toRelease));
  });
}

/** Write the run's state (what a resume continues from), then release the checkpoints it no longer names. */
function commit<P extends Params>(run: Run<P>, toRelease: readonly string[]): Observable<never> {
  return run.hold
    .work(async () => {
      if (!run.temporary) {
        await run.checkpoints.writeState<P>({
          version: STATE_VERSION,
          epoch: run.epoch,
          members: run.slots.map((s) => ({ params: s.params, checkpoint: s.checkpoint!, value: s.value ?? null, schedule: s.schedule })),
        });
      }
      for (const path of toRelease) await run.store.release(path);
    })
    .pipe(ignoreElements());
}

function completed<P extends Params>(run: Run<P>): PbtEvent<P> {
  const { slots, epoch, temporary } = run;
  const best = rank(slots, new Set(), run.c.direction).ranked[0]!;
  return {
    type: 'pbtCompleted',
    epoch,
    best: { member: best.index, value: best.value ?? NaN, params: best.params, schedule: best.schedule, ...(temporary || !best.checkpoint ? {} : { checkpoint: best.checkpoint }) },
    members: slots.map((s) => ({ member: s.index, value: s.value ?? NaN, params: s.params, schedule: s.schedule })),
  };
}
