/**
 * Population-based training on worker processes: `remotePbtMembers(study, {dir})` is a PBT objective
 * whose members train on `rxtrain worker`s. Each `train(from, epochs)` call of pbt becomes one trial of
 * `study` (a *segment*, `attrs.pbt`), queued in the study's storage and followed live; the worker builds
 * the member from the trial module's `member` export, loads the member's last checkpoint, trains, saves
 * a new checkpoint into `dir` (a directory every machine shares), and the member's state moves on to it.
 * pbt's exploit copies checkpoints between members as usual (`save`/`load` copy directories), so PBT's
 * rule holds across machines: a checkpoint is kept while anyone may still load it.
 *
 * A segment whose worker died is re-queued by the storage (onStale 'retry') and followed to its end
 * under its new number, so a lost machine costs the segment's time, not the member.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { EMPTY, Observable, defer, mergeMap, of, throwError } from 'rxjs';
import { systemClock, type Clock } from '../clock.js';
import { RxtrainError, configError } from '../errors.js';
import type { FrozenTrial, Params } from '../search/types.js';
import type { Study } from '../study/index.js';
import type { PbtObjective } from '../pbt/types.js';
import { nonEmptyString, knownFields, requireObject } from '../validate.js';
import { followable } from './remote-source.js';
import { followTrial } from './follow-trial.js';
import type { PbtSegment } from './pbt-segment.js';

export interface RemotePbtConfig {
  /** Where members keep their checkpoints: a directory every worker machine and the driver share. */
  readonly dir: string;
  readonly clock?: Clock;
}

const WHERE = 'remotePbtMembers()';
/** What `save` writes for a member that has not trained yet: the seed it is built from. */
const FRESH = 'rxtrain-pbt-fresh.json';

/**
 * @example
 * ```ts
 * import { pbt, postgresStorage, remotePbtMembers, study, space, logUniform, randomSampler } from 'rxtrain';
 * const s = study({ name: 'pbt', direction: 'maximize', metric: 'val_accuracy', storage: postgresStorage(url), space, sampler: randomSampler({ seed: 1 }) });
 * pbt(space, remotePbtMembers(s, { dir: '/shared/pbt' }), { populationSize: 8, epochs: 20, readyEvery: 2, metric: 'val_accuracy', direction: 'maximize', checkpointDir: '/shared/pbt/ready' });
 * // workers: npx rxtrain worker --storage <url> --study pbt --objective ./member.js   (the module exports `member`)
 * ```
 */
export function remotePbtMembers<P extends Params>(study: Study<P>, config: RemotePbtConfig): PbtObjective<P> {
  if (study === null || typeof study !== 'object' || typeof study.enqueue !== 'function') throw configError(WHERE, 'study', 'must be a study()', study);
  const storage = followable(WHERE, study.storage);
  if (study.metric === undefined) throw configError(WHERE, 'study', 'must have a metric (the one pbt ranks members by)');
  const c = requireObject(WHERE, config);
  knownFields(WHERE, c, ['dir', 'clock']);
  const root = resolve(nonEmptyString(WHERE, 'dir', c.dir));
  if (!isAbsolute(root)) throw configError(WHERE, 'dir', 'must be a path', c.dir);
  const clock = (c.clock ?? systemClock) as Clock;
  const run = randomUUID().slice(0, 8);

  return ({ member, params, seed }) => {
    const home = join(root, `run-${run}`, `member-${member}`);
    let current = params;
    // The member's state: a checkpoint directory, or (before its first segment) the seed its
    // factory builds it from — its own, or a donor's that it copied before anyone trained.
    let checkpoint: string | undefined;
    let freshSeed = seed;
    let copies = 0;

    /** Follow segment trial `n` to its end; a re-queued retry is followed in its place. */
    const follow = (n: number, save: string): Observable<{ readonly type: string }> =>
      followTrial(storage, study.name, study.metric, n, clock, () => {}).pipe(
        mergeMap((e) => {
          if (e.type === 'epochEnd') return of({ type: 'epochEnd', metrics: e.metrics });
          if (e.type === 'trialCompleted') {
            const previous = checkpoint;
            checkpoint = save;
            return previous !== undefined && previous.startsWith(home) ? defer(() => rm(previous, { recursive: true, force: true })).pipe(mergeMap(() => EMPTY)) : EMPTY;
          }
          if (e.type === 'trialFailed') {
            const record: FrozenTrial | undefined = storage.getTrial(study.name, n);
            const retry = record?.attrs?.requeuedAs;
            if (typeof retry === 'number') return follow(retry, save);
            return throwError(() => new RxtrainError('TRIAL_FAILED', `member ${member}: its segment (trial ${n}) failed on a worker: ${e.error}`, { member, trial: n }));
          }
          return EMPTY;
        }),
      );

    return {
      train(from, epochs) {
        return defer(() => {
          const save = join(home, `epoch-${from + epochs}-${copies++}`);
          const segment: PbtSegment = { member, seed: freshSeed, from, epochs, save, ...(checkpoint !== undefined ? { load: checkpoint } : {}) };
          const record = study.enqueue(current, { pbt: segment });
          return follow(record.number, save);
        });
      },
      setParams(p) {
        current = p;
      },
      async save(dir) {
        await mkdir(dir, { recursive: true });
        if (checkpoint === undefined) await writeFile(join(dir, FRESH), JSON.stringify({ seed: freshSeed }));
        else await cp(checkpoint, dir, { recursive: true });
      },
      async load(dir) {
        const previous = checkpoint;
        const fresh = await readFile(join(dir, FRESH), 'utf8').then(
          (text) => JSON.parse(text) as { seed: number },
          () => undefined,
        );
        if (fresh !== undefined) {
          checkpoint = undefined;
          freshSeed = fresh.seed;
        } else {
          // A copy of its own: pbt deletes its checkpoints when nobody needs them any more.
          const copy = join(home, `copied-${copies++}`);
          await cp(dir, copy, { recursive: true });
          checkpoint = copy;
        }
        if (previous !== undefined && previous.startsWith(home)) await rm(previous, { recursive: true, force: true });
      },
      dispose() {
        rmSync(home, { recursive: true, force: true });
      },
    };
  };
}

