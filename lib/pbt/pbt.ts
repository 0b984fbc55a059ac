/**
 * `pbt()`: population-based training (Jaderberg et al. 2017), in synchronous rounds.
 *
 * Intuition: every member trains `readyEvery` epochs, saves a checkpoint, and the population is ranked;
 * each member of the bottom quantile loads the checkpoint (weights and optimizer state) of a random
 * member of the top quantile, perturbs the hyperparameters it inherited, and training goes on. A
 * member's hyperparameters thus become a schedule, and good weights spread. Rounds are synchronous
 * (everyone is ready at the same epoch), so a seeded run repeats exactly and a resumed run continues
 * where it stopped.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { EMPTY, Observable, catchError, defer, filter, from, mergeMap, tap, type Subscription } from 'rxjs';
import { RxtrainError, configError, errorMessage } from '../errors.js';
import { createRandom, hashSeed } from '../random.js';
import type { Params } from '../search/types.js';
import type { SearchSpace } from '../search/space.js';
import { checkpointStore } from './checkpoints.js';
import { resolveObjective, resolvePbtConfig, type ResolvedPbtConfig } from './config.js';
import { explore } from './explore.js';
import { readState, writeState, type SavedState } from './state.js';
import type { PbtConfig, PbtEvent, PbtMember, PbtModuleObjective, PbtObjective, ParamSchedule } from './types.js';
import { takeLoss, workerMembers } from './worker-members.js';

const WHERE = 'pbt()';

interface Slot<P extends Params> {
  readonly index: number;
  readonly member: PbtMember<P>;
  params: P;
  schedule: ParamSchedule<P>;
  /** Absolute path of the checkpoint this member's state is (or was copied from). */
  checkpoint: string | undefined;
  value: number | undefined;
}

/**
 * Run population-based training.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs';
 * import { pbt, layersMember, space, logUniform, mlp, optimizer, digits, split } from 'rxtrain';
 * const { train: data, validation } = split(digits(), { validation: 0.2, test: 0, seed: 1 });
 * const events = pbt(space({ lr: logUniform(1e-4, 1e-1) }), ({ seed }) => layersMember({
 *   model: mlp({ inputShape: [64], units: [64], classes: 10, seed }), optimizer: optimizer('adam'), data, validation, seed,
 * }), { populationSize: 8, epochs: 20, readyEvery: 2, metric: 'val_accuracy', direction: 'maximize', seed: 1 });
 * const end = await lastValueFrom(events); // { type: 'pbtCompleted', best: { schedule, ... } }
 * ```
 * @param space The hyperparameters: initial ones are drawn from it, explored ones repaired to fit it.
 * @param objective Makes a member (see {@link PbtMember}); pbt then calls `setParams` with its parameters.
 *   As `{ module, export? }` (a module whose export is that function), members live and train in
 *   `workers` worker threads, in parallel.
 * @param config See {@link PbtConfig}; validated now, errors name the field.
 * @returns A cold Observable of {@link PbtEvent}s, ending with `pbtCompleted`. Unsubscribing stops the
 *   training at the next step and frees the members; with a `checkpointDir`, a new run on it resumes
 *   from the last ready time.
 */
export function pbt<P extends Params>(space: SearchSpace<P>, objective: PbtObjective<P> | PbtModuleObjective, config: PbtConfig<P>): Observable<PbtEvent<P>> {
  if (space === null || typeof space !== 'object' || typeof space.sample !== 'function' || typeof space.problems !== 'function') {
    throw configError(WHERE, 'space', 'must be a search space from space({...})', space);
  }
  const o = resolveObjective<P>(objective);
  const c = resolvePbtConfig(config, o.kind);
  c.initial?.forEach((p, i) => {
    const problems = space.problems(p);
    if (problems.length > 0) throw configError(WHERE, `initial[${i}]`, `does not fit the space: ${problems.join('; ')}`);
  });

  return new Observable<PbtEvent<P>>((subscriber) => {
    let closed = false;
    let training: Subscription | undefined;
    let wake: (() => void) | undefined;
    const emit = (e: PbtEvent<P>): void => {
      if (!closed) subscriber.next(e);
    };
    const remote = o.kind === 'module'
      ? workerMembers<P>({ module: o.module, exportName: o.exportName, ...c.workers!, populationSize: c.populationSize })
      : undefined;
    run(space, o.kind === 'function' ? o.make : remote!.objective, c, emit, {
      isClosed: () => closed,
      setTraining: (s) => (training = s),
      onStop: (f) => (wake = f),
    })
      .finally(() => remote?.close())
      .then(
        () => subscriber.complete(),
        (err) => subscriber.error(err),
      );
    return () => {
      closed = true;
      training?.unsubscribe();
      wake?.();
      // Worker threads stop now, not when the run notices: their members' tensors go with them.
      void remote?.close();
    };
  });
}

interface Control {
  isClosed(): boolean;
  setTraining(s: Subscription | undefined): void;
  /** Register the function that wakes a pending wait when the subscriber leaves. */
  onStop(wake: () => void): void;
}

async function run<P extends Params>(
  space: SearchSpace<P>,
  objective: PbtObjective<P>,
  c: ResolvedPbtConfig<P>,
  emit: (e: PbtEvent<P>) => void,
  control: Control,
): Promise<void> {
  const n = c.populationSize;
  const temporary = c.checkpointDir === undefined;
  const dir = c.checkpointDir ?? (await mkdtemp(join(tmpdir(), 'rxtrain-pbt-')));
  await mkdir(dir, { recursive: true });
  const store = checkpointStore();
  const slots: Array<Slot<P>> = [];
  const better = (a: number, b: number): boolean => (c.direction === 'minimize' ? a < b : a > b);
  try {
    // Members: fresh, or as the saved state left them.
    const saved: SavedState<P> | undefined = temporary ? undefined : await readState<P>(dir);
    if (saved && saved.members.length !== n) {
      throw new RxtrainError('INVALID_CONFIG', `${WHERE}: ${dir} holds a run of ${saved.members.length} members, not populationSize ${n}`, { field: 'populationSize' });
    }
    let epoch = saved?.epoch ?? 0;
    for (let i = 0; i < n; i++) {
      const s = saved?.members[i];
      const params = s ? s.params : c.initial?.[i] ?? space.sample(createRandom(hashSeed(c.seed, 'pbt-init', i)));
      const member = await objective({ member: i, params, seed: hashSeed(c.seed, 'pbt-member', i) });
      const slot: Slot<P> = { index: i, member, params, schedule: s ? s.schedule : [{ epoch: 1, params }], checkpoint: undefined, value: s?.value ?? undefined };
      slots.push(slot);
      if (s) {
        slot.checkpoint = join(dir, s.checkpoint);
        store.retain(slot.checkpoint);
        await member.load(slot.checkpoint);
      }
      await member.setParams(params);
      if (control.isClosed()) return;
    }
    if (saved) await removeOrphans(dir, new Set(store.held()));
    emit({ type: 'pbtStarted', dir, epoch, members: slots.map((s) => ({ member: s.index, params: s.params })), metric: c.metric, direction: c.direction });
    let bestValue: number | undefined;

    while (epoch < c.epochs) {
      const k = Math.min(c.readyEvery, c.epochs - epoch);
      const failed = await trainRound(slots, epoch, k, c, emit, control);
      if (control.isClosed()) return;
      epoch += k;

      // Every member saves; the old checkpoints are released once the new state is written.
      const toRelease: string[] = [];
      const target = (s: Slot<P>): string => join(dir, `member-${s.index}`, `epoch-${epoch}`);
      if (c.workers) {
        // Members in different workers save at the same time.
        await Promise.all(slots.map((s) => s.member.save(target(s))));
      } else {
        for (const s of slots) {
          await s.member.save(target(s));
          if (control.isClosed()) return;
        }
      }
      if (control.isClosed()) return;
      for (const s of slots) {
        store.retain(target(s));
        if (s.checkpoint !== undefined) toRelease.push(s.checkpoint);
        s.checkpoint = target(s);
      }
      for (const s of slots) {
        // A member whose worker died after it trained lost that training: it is back at its last checkpoint.
        const loss = takeLoss(s.member as PbtMember<Params>);
        if (loss !== undefined && !failed.has(s.index)) {
          failed.add(s.index);
          emit({ type: 'memberFailed', member: s.index, epoch, error: loss });
        }
      }
      const ranked = [...slots].sort((a, b) => {
        if (a.value === undefined || failed.has(a.index)) return b.value === undefined || failed.has(b.index) ? a.index - b.index : 1;
        if (b.value === undefined || failed.has(b.index)) return -1;
        return better(a.value, b.value) ? -1 : better(b.value, a.value) ? 1 : a.index - b.index;
      });
      const rankValue = (s: Slot<P>): number => (failed.has(s.index) || s.value === undefined ? NaN : s.value);
      emit({ type: 'ready', epoch, ranking: ranked.map((s) => ({ member: s.index, value: rankValue(s) })) });
      const top = ranked[0]!;
      if (!failed.has(top.index) && top.value !== undefined && Number.isFinite(top.value) && (bestValue === undefined || better(top.value, bestValue))) {
        const previous = bestValue;
        bestValue = top.value;
        emit({ type: 'newBest', member: top.index, epoch, value: top.value, params: top.params, ...(previous === undefined ? {} : { previous }), metric: c.metric, direction: c.direction });
      }

      if (epoch < c.epochs) {
        const random = createRandom(hashSeed(c.seed, 'pbt-ready', epoch));
        if (c.quantile !== undefined) {
          const q = Math.max(1, Math.floor(n * c.quantile));
          const top = ranked.slice(0, q);
          for (const s of ranked.slice(n - q)) {
            const donor = top[random.int(top.length)]!;
            const path = donor.checkpoint!;
            store.retain(path); // held by the copy, then by this member's state
            await s.member.load(path);
            emit({ type: 'exploit', member: s.index, donor: donor.index, epoch, value: rankValue(s), donorValue: rankValue(donor), checkpoint: path });
            toRelease.push(s.checkpoint!);
            s.checkpoint = path;
            const oldParams = s.params;
            const newParams = c.explore ? explore(space, c.explore, donor.params, random) : donor.params;
            s.params = newParams;
            s.schedule = [...donor.schedule, { epoch: epoch + 1, params: newParams }];
            s.value = donor.value;
            await s.member.setParams(newParams);
            emit({ type: 'explore', member: s.index, epoch, oldParams, fromParams: donor.params, newParams });
            if (control.isClosed()) return;
          }
        } else if (c.explore) {
          for (const s of slots) {
            const oldParams = s.params;
            s.params = explore(space, c.explore, oldParams, random);
            s.schedule = [...s.schedule, { epoch: epoch + 1, params: s.params }];
            await s.member.setParams(s.params);
            emit({ type: 'explore', member: s.index, epoch, oldParams, fromParams: oldParams, newParams: s.params });
          }
        }
      }
      if (!temporary) {
        await writeState<P>(dir, {
          version: 1,
          epoch,
          members: slots.map((s) => ({ params: s.params, checkpoint: relative(dir, s.checkpoint!), value: s.value ?? null, schedule: s.schedule })),
        });
      }
      for (const path of toRelease) await store.release(path);
      if (control.isClosed()) return;
    }

    const final = [...slots].filter((s) => s.value !== undefined).sort((a, b) => (better(a.value!, b.value!) ? -1 : better(b.value!, a.value!) ? 1 : a.index - b.index));
    const best = final[0] ?? slots[0]!;
    emit({
      type: 'pbtCompleted',
      epoch,
      best: { member: best.index, value: best.value ?? NaN, params: best.params, schedule: best.schedule, ...(temporary || !best.checkpoint ? {} : { checkpoint: best.checkpoint }) },
      members: slots.map((s) => ({ member: s.index, value: s.value ?? NaN, params: s.params, schedule: s.schedule })),
    });
  } finally {
    for (const s of slots) s.member.dispose();
    if (temporary) await rm(dir, { recursive: true, force: true });
  }
}

/** Train every member `k` epochs from `epoch`, `concurrency` at a time; returns the members that failed. */
async function trainRound<P extends Params>(
  slots: Array<Slot<P>>,
  epoch: number,
  k: number,
  c: ResolvedPbtConfig<P>,
  emit: (e: PbtEvent<P>) => void,
  control: Control,
): Promise<Set<number>> {
  const failed = new Set<number>();
  await new Promise<void>((resolve, reject) => {
    control.onStop(resolve);
    const sub = from(slots)
      .pipe(
        mergeMap((s) => {
          let e = epoch;
          const fail = (err: unknown): Observable<never> => {
            failed.add(s.index);
            emit({ type: 'memberFailed', member: s.index, epoch: e, error: errorMessage(err) });
            return EMPTY;
          };
          return defer(() => s.member.train(epoch, k)).pipe(
            filter((ev): ev is { type: 'epochEnd'; metrics: Record<string, number | undefined> } => ev.type === 'epochEnd'),
            tap((ev) => {
              const value = ev.metrics?.[c.metric];
              if (typeof value !== 'number' || !Number.isFinite(value)) {
                const known = Object.keys(ev.metrics ?? {}).join(', ');
                throw new RxtrainError(value === undefined ? 'TRIAL_FAILED' : 'NON_FINITE', value === undefined ? `member ${s.index}'s epochEnd has no metric '${c.metric}' (it has: ${known})` : `member ${s.index}'s ${c.metric} is ${value}`);
              }
              s.value = value;
              e++;
              emit({ type: 'epochEnd', member: s.index, epoch: e, metrics: ev.metrics, value });
            }),
            catchError(fail),
          );
        }, c.concurrency),
      )
      .subscribe({ complete: () => resolve(), error: reject });
    control.setTraining(sub);
  });
  control.setTraining(undefined);
  return failed;
}

/** Checkpoint folders a stopped run saved but no state names (it stopped before writing the state). */
async function removeOrphans(dir: string, keep: ReadonlySet<string>): Promise<void> {
  for (const m of await readdir(dir, { withFileTypes: true })) {
    if (!m.isDirectory() || !/^member-\d+$/.test(m.name)) continue;
    for (const e of await readdir(join(dir, m.name), { withFileTypes: true })) {
      const path = join(dir, m.name, e.name);
      if (e.isDirectory() && /^epoch-\d+$/.test(e.name) && !keep.has(path)) await rm(path, { recursive: true, force: true });
    }
  }
}
