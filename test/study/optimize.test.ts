import t from 'tap';
import { NEVER, Observable, firstValueFrom, lastValueFrom, of, take, tap, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { study } from '../../lib/study/study.js';
import type { StudyEvent } from '../../lib/study/study-events.js';
import { manualClock } from '../../lib/clock.js';
import { epochEnd, stepSampler, xSpace } from './helpers.js';

const base = () => ({ name: 's', direction: 'minimize' as const, space: xSpace, sampler: stepSampler(), clock: manualClock() });
const run = (obs: Observable<StudyEvent>) => lastValueFrom(obs.pipe(toArray()));
const brief = (e: StudyEvent): string => {
  switch (e.type) {
    case 'trialStarted': return `start ${e.trial}`;
    case 'epochEnd': return `epoch ${e.trial}/${e.epoch}=${e.value}`;
    case 'lrChange': return `lr ${e.trial}@${e.epoch}=${e.to}`;
    case 'trialCompleted': return `done ${e.trial}=${e.value}`;
    case 'trialPruned': return `pruned ${e.trial}@${e.step}=${e.value}`;
    case 'trialFailed': return `failed ${e.trial}: ${e.error}`;
    case 'newBest': return `best ${e.trial}=${e.value}`;
    case 'paretoFrontChanged': return `front ${e.front.join(',')}`;
    case 'studyCompleted': return `end ${e.reason} ${e.completed}/${e.pruned}/${e.failed} best=${e.best?.trial}`;
  }
};

t.test('a synchronous objective: events in order, best tracked', async (t) => {
  const s = study(base());
  const events = await run(s.optimize((trial) => (trial.params.x as number) ** 2, { trials: 4 }));
  t.same(events.map(brief), [
    'start 0', 'done 0=25', 'best 0=25',
    'start 1', 'done 1=16', 'best 1=16',
    'start 2', 'done 2=9', 'best 2=9',
    'start 3', 'done 3=4', 'best 3=4',
    'end trials 4/0/0 best=3',
  ]);
  t.same(JSON.parse(JSON.stringify(events)), events, 'events are plain data');
  t.same(events[1], { type: 'trialCompleted', trial: 0, value: 25, params: { x: -5 }, durationMs: 0 });
  t.same(events.at(-1), { type: 'studyCompleted', reason: 'trials', completed: 4, pruned: 0, failed: 0, best: { trial: 3, value: 4, params: { x: -2 } }, durationMs: 0 });
  const more = await run(s.optimize((trial) => (trial.params.x as number) ** 2 + 1, { trials: 2 }));
  t.same(more.map(brief), ['start 4', 'done 4=2', 'best 4=2', 'start 5', 'done 5=1', 'best 5=1', 'end trials 2/0/0 best=5'], 'a second run carries on the numbering and the best');
});

t.test('a failing trial does not end the study', async (t) => {
  const s = study(base());
  const outcomes: Array<(n: number) => unknown> = [
    () => { throw new Error('bad shape'); },
    () => NaN,
    () => Promise.reject(new Error('async boom')),
    () => Promise.resolve(3),
    () => 'pruned',
    () => ({ not: 'a number' }),
    () => Promise.resolve('nope'),
    () => -Infinity,
    () => 1,
  ];
  const events = await run(s.optimize((trial) => outcomes[trial.number]!(trial.number) as never, { trials: outcomes.length }));
  t.same(events.filter((e) => e.type !== 'trialStarted').map(brief), [
    'failed 0: bad shape',
    'failed 1: the objective returned NaN',
    'failed 2: async boom',
    'done 3=3', 'best 3=3',
    'pruned 4@undefined=undefined',
    "failed 5: the objective returned an object: expected a number, 'pruned', a Promise of one, or an Observable",
    `failed 6: the objective returned "nope": expected a number, 'pruned', a Promise of one, or an Observable`,
    'failed 7: the objective returned -Infinity',
    'done 8=1', 'best 8=1',
    'end trials 2/1/6 best=8',
  ]);
  t.same(s.trials().map((x) => x.state), ['failed', 'failed', 'failed', 'completed', 'pruned', 'failed', 'failed', 'failed', 'completed']);
});

t.test('stream objectives: epochs are reported, the value is the last epoch', async (t) => {
  const s = study({ ...base(), metric: 'val_loss' });
  const streams = [
    () => of(epochEnd(0, { val_loss: 0.9 }), { type: 'step' }, epochEnd(1, { val_loss: 0.4 })),
    () => of(epochEnd(1, { val_loss: 0.7 })),
    () => of(epochEnd(0, { val_loss: 0.8 }), epochEnd(1, { val_loss: NaN }), epochEnd(2, { val_loss: 0.1 })),
    () => of(epochEnd(0, { val_loss: 0.3 }), epochEnd(1, { val_loss: 0.2 }), { type: 'pruned', trial: 3, epoch: 1, value: 0.2 }),
    () => of({ type: 'runStart' }),
    () => of(epochEnd(0, { val_loss: 0.35 }), epochEnd(1, { val_loss: 0.5 }), { type: 'stopped', epoch: 1, source: 'earlyStopping', reason: '', restoredEpoch: 0 }),
    () => new Observable<{ type: string }>((sub) => sub.error(new Error('shape mismatch'))),
  ];
  const events = await run(s.optimize((trial) => streams[trial.number]!(), { trials: streams.length }));
  t.same(events.filter((e) => e.type !== 'trialStarted').map(brief), [
    'epoch 0/0=0.9', 'epoch 0/1=0.4', 'done 0=0.4', 'best 0=0.4',
    'epoch 1/1=0.7', 'done 1=0.7',
    'epoch 2/0=0.8', 'failed 2: trial 2 reported NaN at step 1: intermediate values must be finite',
    'epoch 3/0=0.3', 'epoch 3/1=0.2', 'pruned 3@1=0.2',
    'failed 4: the objective stream completed without an epochEnd event',
    'epoch 5/0=0.35', 'epoch 5/1=0.5', 'done 5=0.35', 'best 5=0.35',
    'failed 6: shape mismatch',
    'end trials 3/1/3 best=5',
  ]);
  t.same(s.trials()[0]?.intermediate, [[0, 0.9], [1, 0.4]], 'the study reports each epoch');
  t.same(s.trials()[2]?.intermediate, [[0, 0.8]]);
  const epoch = events.find((e) => e.type === 'epochEnd');
  t.same(epoch, { type: 'epochEnd', trial: 0, epoch: 0, metrics: { loss: 0, val_loss: 0.9 }, value: 0.9 });

  // The study's metric missing from an epoch, or no metric at all, is the configuration's fault: it
  // ends the study (test/study/failure-policy.test.ts).
  const typo = study({ ...base(), name: 'typo', metric: 'val_loss' });
  await t.rejects(run(typo.optimize(() => of(epochEnd(0, { loss: 1 })), { trials: 3 })), {
    code: 'INVALID_CONFIG',
    message: /trial 0 failed with a configuration error, which every trial would repeat: the epochEnd event of epoch 0 has no metric 'val_loss', the study's 'metric' \(it has: loss\)$/,
  });
  const noMetric = study({ ...base(), name: 'no-metric' });
  const ev: StudyEvent[] = [];
  await t.rejects(run(noMetric.optimize(() => of(epochEnd(0, { val_loss: 1 })), { trials: 1 }).pipe(tap((e) => ev.push(e)))), {
    code: 'INVALID_CONFIG',
    message: /the objective returned a stream, but the study has no 'metric' to read from it$/,
  });
  t.same(ev.filter((e) => e.type === 'epochEnd').map(brief), ['epoch 0/0=undefined'], 'epochs still flow');
});

t.test('concurrency: n trials at once, merged in virtual time', async (t) => {
  const scheduler = new TestScheduler((a, b) => t.same(a, b));
  const log: string[] = [];
  scheduler.run(({ cold }) => {
    const s = study({ ...base(), metric: 'val_loss' });
    const marbles = ['-a--b|', '-a|', '-a|'];
    const values = [{ a: [0, 0.9], b: [1, 0.5] }, { a: [0, 0.7] }, { a: [0, 0.6] }];
    s.optimize(
      (trial) => {
        const v = values[trial.number] as unknown as Record<string, [number, number]>;
        const ev = Object.fromEntries(Object.entries(v).map(([k, [e, val]]) => [k, epochEnd(e, { val_loss: val })]));
        return cold(marbles[trial.number]!, ev);
      },
      { trials: 3, concurrency: 2 },
    ).subscribe((e) => log.push(`${scheduler.now()}: ${brief(e)}`));
  });
  t.same(log, [
    '0: start 0', '0: start 1',
    '1: epoch 0/0=0.9', '1: epoch 1/0=0.7',
    '2: done 1=0.7', '2: best 1=0.7', '2: start 2',
    '3: epoch 2/0=0.6',
    '4: epoch 0/1=0.5', '4: done 2=0.6', '4: best 2=0.6',
    '5: done 0=0.5', '5: best 0=0.5', '5: end trials 3/0/0 best=0',
  ]);
});

t.test('concurrency with promises: never more than n at once', async (t) => {
  const s = study(base());
  let inFlight = 0;
  let most = 0;
  const events = await run(
    s.optimize(
      async (trial) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 1 + (trial.number % 3)));
        inFlight--;
        return trial.number;
      },
      { trials: 10, concurrency: 3 },
    ),
  );
  t.equal(most, 3);
  t.same(events.at(-1), { type: 'studyCompleted', reason: 'trials', completed: 10, pruned: 0, failed: 0, best: { trial: 0, value: 0, params: { x: -5 } }, durationMs: 0 });
  t.same(new Set(s.trials().map((x) => x.number)).size, 10);
});

t.test('unsubscribing stops running trials; they are recorded cancelled', async (t) => {
  const s = study(base());
  const torn: number[] = [];
  const signals: AbortSignal[] = [];
  const events: StudyEvent[] = [];
  const sub = s
    .optimize(
      (trial) => {
        signals.push(trial.signal);
        if (trial.number === 2) return new Promise<number>(() => {});
        return new Observable<{ type: string }>(() => () => torn.push(trial.number));
      },
      { trials: 10, concurrency: 3 },
    )
    .subscribe((e) => events.push(e));
  t.same(events.map(brief), ['start 0', 'start 1', 'start 2']);
  sub.unsubscribe();
  t.same(torn, [0, 1], 'each trial stream torn down');
  t.ok(signals.every((x) => x.aborted && x.reason === 'cancelled'), 'signals aborted');
  t.same(s.trials().map((x) => [x.state, x.error]), [['failed', 'cancelled'], ['failed', 'cancelled'], ['failed', 'cancelled']]);
  t.equal(events.length, 3, 'nothing is emitted after unsubscribing');

  const first = await firstValueFrom(study({ ...base(), name: 'x' }).optimize(() => NEVER, { trials: 2 }));
  t.equal(first.type, 'trialStarted', 'firstValueFrom unsubscribes and cancels cleanly');
});

t.test('take(n) stops a synchronous study at once', async (t) => {
  const s = study(base());
  const events = await run(s.optimize((trial) => trial.number, { trials: 100 }).pipe(take(5)));
  t.equal(events.length, 5);
  t.ok(s.trials().length <= 3);
});

t.test('timeout reads the injected clock', async (t) => {
  const clock = manualClock();
  const s = study({ ...base(), clock });
  const events = await run(
    s.optimize(
      (trial) => {
        clock.advance(10);
        return trial.number;
      },
      { timeout: 35 },
    ),
  );
  t.same(events.at(-1), { type: 'studyCompleted', reason: 'timeout', completed: 4, pruned: 0, failed: 0, best: { trial: 0, value: 0, params: { x: -5 } }, durationMs: 40 });
});

t.test('thousands of synchronous trials do not grow the stack', async (t) => {
  const s = study(base());
  const events = await run(s.optimize(() => 1, { trials: 3000 }));
  t.same(events.at(-1)?.type, 'studyCompleted');
  t.equal(s.trials().length, 3000);
});

t.test('a broken storage or sampler ends the study with its error', async (t) => {
  const s = study(base());
  const obs = s.optimize((trial) => {
    if (trial.number === 1) s.storage.close();
    return 1;
  }, { trials: 5 });
  await t.rejects(run(obs), { code: 'STORAGE', message: /closed/ });
  const bad = study({ ...base(), sampler: { name: 'bad', sample: () => { throw new Error('no idea'); } } });
  await t.rejects(run(bad.optimize(() => 1, { trials: 2 })), /no idea/);
});

t.test('options are validated when optimize is called', async (t) => {
  const s = study(base());
  t.throws(() => s.optimize(() => 1, { trials: 0 }), /option 'trials' must be a positive integer/);
  t.throws(() => s.optimize(() => 1, { timeout: -1 }), /option 'timeout'/);
  t.throws(() => s.optimize(() => 1, { concurrency: 1.5 }), /option 'concurrency'/);
  t.throws(() => s.optimize(() => 1, { trails: 3 } as never), /option 'trails' is not a known option/);
  t.throws(() => s.optimize('f' as never), /objective must be a function/);
});

t.test('an exhausted sampler ends the study, after the queued trials', async (t) => {
  const sampler = {
    name: 'three-points',
    sample: (_s: unknown, _t: unknown, ctx: { trialNumber: number }) => ({ x: ctx.trialNumber }),
    isExhausted: (_s: unknown, trials: readonly { params: { x?: unknown } }[]) => trials.filter((x) => typeof x.params.x === 'number' && x.params.x < 3).length >= 3,
  };
  const s = study({ ...base(), sampler });
  const events = await run(s.optimize((trial) => trial.params.x as number, { trials: 10 }));
  t.same(events.at(-1), { type: 'studyCompleted', reason: 'exhausted', completed: 3, pruned: 0, failed: 0, best: { trial: 0, value: 0, params: { x: 0 } }, durationMs: 0 });
  s.enqueue({ x: 4 });
  const more = await run(s.optimize((trial) => trial.params.x as number, { trials: 10 }));
  t.same(more.filter((e) => e.type === 'trialStarted').map((e) => e.type === 'trialStarted' && e.params), [{ x: 4 }], 'queued trials still run');
});
