/**
 * Issue 14 item 3: a study that cannot succeed must not run to its end. A configuration error ends it
 * at once; other failures end it after `maxConsecutiveFailures` in a row; completed trials are kept.
 * (Worker threads: test/parallel/worker-objective.test.ts; remote workers:
 * test/distributed/remote-workers.test.ts and test/distributed/postgres-failures.test.ts.)
 */
import t from 'tap';
import { Observable, lastValueFrom, of, toArray } from 'rxjs';
import { study } from '../../lib/study/study.js';
import type { StudyEvent } from '../../lib/study/study-events.js';
import { RxtrainError, configError } from '../../lib/errors.js';
import { configErrorCode } from '../../lib/study/failure-policy.js';
import { manualClock } from '../../lib/clock.js';
import { remoteWorkers } from '../../lib/distributed/remote-source.js';
import { TestScheduler } from 'rxjs/testing';
import { epochEnd, stepSampler, xSpace } from './helpers.js';

const base = () => ({ name: 's', direction: 'minimize' as const, space: xSpace, sampler: stepSampler(), clock: manualClock() });

/** The events up to the error, and the error (undefined if the study completed). */
async function outcome(obs: Observable<StudyEvent>): Promise<{ events: StudyEvent[]; error: (Error & { code?: string; details?: Record<string, unknown> }) | undefined }> {
  const events: StudyEvent[] = [];
  return new Promise((resolve) => {
    obs.subscribe({
      next: (e) => events.push(e),
      error: (error: Error) => resolve({ events, error }),
      complete: () => resolve({ events, error: undefined }),
    });
  });
}

t.test('a metric typo ends the study at its first trial, naming the metric', async (t) => {
  const s = study({ ...base(), metric: 'val_los' });
  const { events, error } = await outcome(s.optimize(() => of(epochEnd(0, { val_loss: 0.5 })), { trials: 20 }));
  t.match(error, {
    code: 'INVALID_CONFIG',
    message: `study "s" stopped: trial 0 failed with a configuration error, which every trial would repeat: the epochEnd event of epoch 0 has no metric 'val_los', the study's 'metric' (it has: loss, val_loss)`,
    details: { study: 's', trial: 0, field: 'metric', completed: 0, failed: 1 },
  });
  t.equal(s.trials().length, 1, 'no second trial was started');
  t.same(s.trials()[0]?.attrs, { failure: { code: 'INVALID_CONFIG', message: s.trials()[0]?.error } }, 'the code is stored for followers');
  t.match(events.at(-1), { type: 'trialFailed', trial: 0 }, 'the failed trial is reported before the error');
});

t.test('a configuration error from the objective ends the study; completed trials stay', async (t) => {
  const s = study(base());
  const { events, error } = await outcome(
    s.optimize(
      (trial) => {
        if (trial.number === 2) throw configError('mlp()', 'units', 'must be a positive integer', 0);
        return trial.number + 1;
      },
      { trials: 10 },
    ),
  );
  t.match(error, { code: 'INVALID_CONFIG', message: /trial 2 failed with a configuration error.*mlp\(\): option 'units' must be a positive integer \(got 0\)/, details: { field: 'units', completed: 2, failed: 1, best: { trial: 0, value: 1 } } });
  t.same(s.trials().map((x) => x.state), ['completed', 'completed', 'failed']);
  t.equal(s.best()?.value, 1, 'best() is what completed before the error');
  t.equal(events.filter((e) => e.type === 'trialCompleted').length, 2);
});

t.test('with concurrency, the other running trials are cancelled; finished ones are kept', async (t) => {
  const s = study(base());
  const { error } = await outcome(
    s.optimize(
      (trial) => {
        if (trial.number === 1) return Promise.resolve(7);
        if (trial.number === 3) return Promise.reject(configError('train()', 'batchSize', 'must be a positive integer', -1));
        return new Observable<never>(() => {});
      },
      { trials: 10, concurrency: 3 },
    ),
  );
  t.match(error, { code: 'INVALID_CONFIG', details: { trial: 3 } });
  t.same(s.trials().map((x) => [x.state, x.error ?? x.value]), [['failed', 'cancelled'], ['completed', 7], ['failed', 'cancelled'], ['failed', error!.message.replace(/^.*repeat: /, '')]]);
});

t.test('a throwing objective ends the study after maxConsecutiveFailures (default 10)', async (t) => {
  const s = study(base());
  const { events, error } = await outcome(s.optimize(() => { throw new TypeError("Cannot read properties of undefined (reading 'units')"); }, { trials: 100 }));
  t.equal(s.trials().length, 10);
  t.match(error, {
    code: 'TRIAL_FAILED',
    message: `study "s" stopped: its last 10 trials failed (maxConsecutiveFailures: 10; Infinity tolerates any number): "Cannot read properties of undefined (reading 'units')" (trials 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)`,
    details: { trials: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], failed: 10, completed: 0 },
  });
  t.equal(events.filter((e) => e.type === 'trialFailed').length, 10);

  const three = study({ ...base(), name: 'three' });
  const r = await outcome(three.optimize((trial) => { throw new Error(`boom ${trial.number % 2}`); }, { trials: 100, maxConsecutiveFailures: 3 }));
  t.match(r.error, { message: /its last 3 trials failed \(maxConsecutiveFailures: 3; .*\): "boom 0" \(trials 0, 2\); "boom 1" \(trial 1\)$/ });
});

t.test('failures of the trials themselves (NaN) do not end the study below the limit', async (t) => {
  const s = study(base());
  // Two NaN trials in every three, 30 trials: never 3 in a row.
  const { events, error } = await outcome(s.optimize((trial) => (trial.number % 3 === 2 ? trial.number : NaN), { trials: 30, maxConsecutiveFailures: 3 }));
  t.equal(error, undefined);
  t.match(events.at(-1), { type: 'studyCompleted', reason: 'trials', completed: 10, failed: 20 });
  t.equal(s.trials().length, 30);

  // A stream whose loss goes NaN (NON_FINITE) is the trial's failure, not the configuration's.
  const n = study({ ...base(), name: 'nan', metric: 'val_loss' });
  const r = await outcome(n.optimize((trial) => of(epochEnd(0, { val_loss: trial.number % 2 ? 1 : NaN })), { trials: 6, maxConsecutiveFailures: 2 }));
  t.equal(r.error, undefined, 'NON_FINITE is not a configuration error');
  t.match(r.events.at(-1), { type: 'studyCompleted', completed: 3, failed: 3 });
});

t.test('a worker thread that died (WORKER_FAILED) is the trial\'s failure, not the configuration\'s (issue 16 item 2)', async (t) => {
  const died = (trial: number) => new RxtrainError('WORKER_FAILED', `worker thread exited with code 3 while running trial.ts#default (trial ${trial})`);
  t.equal(configErrorCode(died(0)), undefined, 'not a configuration code');
  const s = study(base());
  // Every other trial's thread dies: never 2 in a row.
  const { events, error } = await outcome(s.optimize((trial) => { if (trial.number % 2 === 0) throw died(trial.number); return trial.number; }, { trials: 6, maxConsecutiveFailures: 2 }));
  t.equal(error, undefined, 'the study goes on');
  t.match(events.at(-1), { type: 'studyCompleted', reason: 'trials', completed: 3, failed: 3 });
  // In a row, they end it as any failures of the trials' own do.
  const all = study({ ...base(), name: 'all' });
  const r = await outcome(all.optimize((trial) => Promise.reject(died(trial.number)), { trials: 10, maxConsecutiveFailures: 2 }));
  t.match(r.error, { code: 'TRIAL_FAILED', message: /its last 2 trials failed \(maxConsecutiveFailures: 2; .*\): "worker thread exited with code 3 .*\(trial 0\)" \(trial 0\); "worker thread exited .*\(trial 1\)" \(trial 1\)$/ });
  t.equal(all.trials().length, 2);
});

t.test('Infinity tolerates every failure; pruned and completed trials reset the count', async (t) => {
  const s = study(base());
  const { events, error } = await outcome(s.optimize(() => { throw new Error('always'); }, { trials: 25, maxConsecutiveFailures: Infinity }));
  t.equal(error, undefined);
  t.match(events.at(-1), { type: 'studyCompleted', failed: 25 });
  const p = study({ ...base(), name: 'p' });
  const r = await outcome(p.optimize((trial) => (trial.number % 2 ? 'pruned' : NaN), { trials: 20, maxConsecutiveFailures: 2 }));
  t.equal(r.error, undefined);
  t.match(r.events.at(-1), { type: 'studyCompleted', pruned: 10, failed: 10 });
});

t.test('maxConsecutiveFailures is validated', async (t) => {
  const s = study(base());
  for (const bad of [0, -1, 1.5, NaN, '3', null]) {
    t.throws(() => s.optimize(() => 1, { maxConsecutiveFailures: bad as never }), {
      code: 'INVALID_CONFIG',
      message: /study\.optimize\(\): option 'maxConsecutiveFailures' must be a positive integer, or Infinity to tolerate every failure/,
    });
  }
  const events = await lastValueFrom(s.optimize(() => 1, { trials: 1, maxConsecutiveFailures: 1 }).pipe(toArray()));
  t.equal(events.at(-1)?.type, 'studyCompleted');
});

t.test('trialTimeout fails a trial that runs too long, with a clear reason, and the study goes on', async (t) => {
  const scheduler = new TestScheduler((a, b) => t.same(a, b));
  const log: string[] = [];
  const signals: AbortSignal[] = [];
  const s = study({ ...base(), metric: 'val_loss' });
  scheduler.run(({ cold }) => {
    const e = (v: number) => epochEnd(0, { val_loss: v });
    const objectives = [
      () => cold('-a-------|', { a: e(0.5) }), // still training at 5: timed out
      () => new Promise<number>(() => {}), // never settles: timed out, its signal aborted
      () => cold('--a|', { a: e(0.2) }),
    ];
    s.optimize(
      (trial) => {
        signals.push(trial.signal);
        return objectives[trial.number]!() as never;
      },
      { trials: 3, trialTimeout: 5 },
    ).subscribe((ev) => log.push(`${scheduler.now()}: ${ev.type} ${'trial' in ev ? ev.trial : ''} ${ev.type === 'trialFailed' ? ev.error : ''}`.trim()));
  });
  t.same(log, [
    '0: trialStarted 0',
    '1: epochEnd 0',
    '5: trialFailed 0 trial 0 timed out: it ran longer than trialTimeout (5 ms) and was stopped',
    '5: trialStarted 1',
    '10: trialFailed 1 trial 1 timed out: it ran longer than trialTimeout (5 ms) and was stopped',
    '10: trialStarted 2',
    '12: epochEnd 2',
    '13: trialCompleted 2',
    '13: newBest 2',
    '13: studyCompleted',
  ]);
  t.same(signals.map((x) => x.aborted && x.reason), ['timeout', 'timeout', false]);
  t.same(s.trials().map((x) => x.state), ['failed', 'failed', 'completed']);
});

t.test('trialTimeout is validated, and refused for remote workers', async (t) => {
  const s = study(base());
  for (const bad of [0, -5, Infinity, '10']) {
    t.throws(() => s.optimize(() => 1, { trialTimeout: bad as never }), { code: 'INVALID_CONFIG', message: /option 'trialTimeout' must be a finite number > 0/ });
  }
  t.throws(() => s.optimize(remoteWorkers(), { trialTimeout: 1000 }), { code: 'INVALID_CONFIG', message: /option 'trialTimeout' stops trials that run in this process; with remoteWorkers\(\), give it to the workers/ });
});
