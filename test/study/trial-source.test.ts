/**
 * The seam between a study and wherever its trials run (issue 16 item 1): `optimize()` takes a
 * TrialSource in place of an objective, opens it once per call (where it may refuse the options), runs
 * the same loop over its feed, and runs a claimed trial here through `run.run`. `remoteWorkers()` and
 * `runWorker` are built on this alone; these tests use it directly, with nothing from lib/distributed.
 */
import t from 'tap';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { study, endEvent, isTrialSource, type StudyEvent, type TrialRun, type TrialSource } from '../../lib/study/index.js';
import { configError } from '../../lib/errors.js';
import { manualClock } from '../../lib/clock.js';
import { stepSampler, xSpace } from './helpers.js';

const base = () => ({ name: 's', direction: 'minimize' as const, space: xSpace, sampler: stepSampler(), clock: manualClock() });

/** A source that runs the study's queued trials here, one claimed at a time, as a worker process does. */
function queuedHere(objective: (x: number) => number, opened: TrialRun[]): TrialSource {
  return {
    open(run) {
      opened.push(run);
      return {
        next(onEnded) {
          const claimed = run.study.storage.claimWaitingTrial(run.study.name, run.clock.now());
          if (claimed === undefined) return undefined;
          return { number: claimed.number, params: claimed.params, events: run.run((trial) => objective(trial.params.x as number), claimed, onEnded) };
        },
        exhausted: () => false,
      };
    },
  };
}

t.test('optimize(source): the loop runs over the source feed, and run.run runs a claimed trial as optimize runs its own', async (t) => {
  const s = study(base());
  s.enqueue({ x: 3 });
  s.enqueue({ x: -1 });
  const opened: TrialRun[] = [];
  const source = queuedHere((x) => x * x, opened);
  t.ok(isTrialSource(source) && !isTrialSource(() => 1), 'a source is an object with open(); an objective is a function');
  const events$ = s.optimize(source, { concurrency: 1 });
  t.equal(opened.length, 1, 'opened when optimize is called');
  t.equal(opened[0]!.trialTimeout, undefined);
  t.equal(opened[0]!.study, s);
  const events: StudyEvent[] = await lastValueFrom(events$.pipe(toArray()));
  t.same(
    events.map((e) => e.type),
    ['trialStarted', 'trialCompleted', 'newBest', 'trialStarted', 'trialCompleted', 'newBest', 'studyCompleted'],
  );
  t.match(events.at(-1), { type: 'studyCompleted', reason: 'trials', completed: 2, failed: 0, best: { trial: 1, value: 1 } }, 'ends when nothing is running and the feed has none');
  t.same(s.trials().map((r) => [r.state, r.value]), [['completed', 9], ['completed', 1]], 'the study was told');
  t.same(events[1], endEvent(s.trials()[0]!, 0), "a trial's end is endEvent of its record");
});

t.test('a source may refuse an optimize call when it is opened; trialTimeout reaches it', async (t) => {
  const s = study(base());
  const refusing: TrialSource = {
    open(run) {
      if (run.trialTimeout !== undefined) throw configError('study.optimize()', 'trialTimeout', 'is refused', run.trialTimeout);
      return { next: () => undefined, exhausted: () => true };
    },
  };
  t.throws(() => s.optimize(refusing, { trialTimeout: 50 }), { code: 'INVALID_CONFIG', message: /option 'trialTimeout' is refused \(got 50\)/ });
  const events = await lastValueFrom(s.optimize(refusing).pipe(toArray()));
  t.match(events, [{ type: 'studyCompleted', reason: 'exhausted', completed: 0 }]);
  t.throws(() => s.optimize(42 as never), { code: 'INVALID_CONFIG', message: /the objective must be a function of a trial/ });
});

t.test('a trial queued while the loop was not yet listening is not missed (no lost wake-up)', async (t) => {
  const s = study({ ...base(), clock: undefined });
  const wake = new Subject<void>();
  let looks = 0;
  const source: TrialSource = {
    open(run) {
      return {
        next(onEnded) {
          looks++;
          // The first look finds nothing; a driver queues a trial right after, and its news goes out
          // before the loop listens to `wake` (so nobody hears it).
          if (looks === 1) {
            s.enqueue({ x: 2 });
            wake.next();
            return undefined;
          }
          const claimed = run.study.storage.claimWaitingTrial(run.study.name, run.clock.now());
          if (claimed === undefined) return undefined;
          return { number: claimed.number, params: claimed.params, events: run.run((trial) => (trial.params.x as number) ** 2, claimed, onEnded) };
        },
        exhausted: () => false,
        wake,
        idleMs: 50,
      };
    },
  };
  const events = await lastValueFrom(s.optimize(source).pipe(toArray()));
  t.match(events.at(-1), { type: 'studyCompleted', reason: 'idle', completed: 1 }, 'the queued trial ran before the loop idled out');
});
