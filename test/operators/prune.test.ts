import t from 'tap';
import { Observable, Subject, lastValueFrom, of, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { prune } from '../../operators/prune.js';
import { study } from '../../lib/study/study.js';
import { medianPruner } from '../../lib/search/pruners/median-pruner.js';
import type { StudyEvent } from '../../lib/study/study-events.js';
import { epochEnd, stepSampler, thresholdPruner, xSpace } from '../study/helpers.js';
import type { Pruner } from '../../lib/search/types.js';

const scheduler = () => new TestScheduler((a, b) => t.same(a, b));
const make = (pruner: Pruner = thresholdPruner(1)) =>
  study({ name: 'p', direction: 'minimize', metric: 'val_loss', space: xSpace, sampler: stepSampler(), pruner });
const losses = (values: number[]) => Object.fromEntries(values.map((v, i) => [String.fromCharCode(97 + i), epochEnd(i, { val_loss: v })]));

t.test('reports every epoch and passes events through while the pruner says go on', (t) => {
  const s = make();
  const trial = s.ask();
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const values = { ...losses([0.9, 0.5, 0.2]), s: { type: 'step' } };
    const src = cold('a-s-b-c|', values);
    expectObservable(src.pipe(prune(trial))).toBe('a-s-b-c|', values);
    expectSubscriptions(src.subscriptions).toBe('^------!');
  });
  t.same(trial.record().intermediate, [[0, 0.9], [1, 0.5], [2, 0.2]]);
  t.end();
});

t.test('a synchronous stream stops right after the pruned epoch (as a fast fold or a small data set emits)', (t) => {
  const s = make();
  const trial = s.ask();
  let emitted = 0;
  const src = new Observable<ReturnType<typeof epochEnd>>((subscriber) => {
    for (const [i, v] of [0.9, 1.5, 0.2, 0.1].entries()) {
      if (subscriber.closed) return;
      emitted++;
      subscriber.next(epochEnd(i, { val_loss: v }));
    }
    subscriber.complete();
  });
  const seen: string[] = [];
  src.pipe(prune(trial)).subscribe((e) => seen.push(e.type));
  t.same(seen, ['epochEnd', 'epochEnd', 'pruned']);
  t.equal(emitted, 2, 'the source saw the unsubscribe before its third epoch');
  t.end();
});

t.test('prunes: passes the epoch, emits pruned, completes and unsubscribes upstream at once', (t) => {
  const s = make();
  const trial = s.ask();
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const values = losses([0.9, 1.5, 0.2]);
    const src = cold('a--b--c--|', values);
    const pruned = { type: 'pruned', trial: 0, epoch: 1, value: 1.5 };
    expectObservable(src.pipe(prune(trial))).toBe('a--(bp|)', { ...values, p: pruned });
    expectSubscriptions(src.subscriptions).toBe('^--!');
  });
  t.same(trial.record().intermediate, [[0, 0.9], [1, 1.5]], 'the epoch after the decision never ran');
  t.end();
});

t.test('errors name the missing metric; a NaN fails the stream', async (t) => {
  const s = make();
  const failure = (events: ReturnType<typeof epochEnd>[]) =>
    lastValueFrom(of(...events).pipe(prune(s.ask()), toArray())).then(
      () => undefined,
      (err: unknown) => err,
    );
  t.match(await failure([epochEnd(0, { val_loss: 0.5 }), epochEnd(1, { val_accuracy: 0.5 })]), {
    code: 'INVALID_CONFIG',
    message: "prune(): epoch 1 has no metric 'val_loss', the study's 'metric' (it has: loss, val_accuracy)",
  });
  t.match(await failure([epochEnd(0, { val_loss: NaN })]), {
    code: 'NON_FINITE',
    message: 'trial 1 reported NaN at step 0: intermediate values must be finite',
  });
});

t.test('upstream errors pass through; unsubscribing reaches upstream', (t) => {
  const s = make();
  const [one, two] = [s.ask(), s.ask()];
  scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
    const src = cold('a-#', losses([0.5]));
    expectObservable(src.pipe(prune(one))).toBe('a-#', losses([0.5]));
    const long = cold('a-b-c-|', losses([0.1, 0.2, 0.3]));
    expectObservable(long.pipe(prune(two)), '^--!').toBe('a-b', losses([0.1, 0.2]));
    expectSubscriptions(long.subscriptions).toBe('^--!');
  });
  t.end();
});

t.test('one operator subscribed twice: each subscription reports and stops on its own', async (t) => {
  const s = make();
  const trial = s.ask();
  const op = prune(trial);
  // Two subscriptions at once: a first that runs on, a second that is pruned at its first epoch.
  const first = new Subject<ReturnType<typeof epochEnd>>();
  const seenFirst: string[] = [];
  let firstDone = false;
  op(first).subscribe({ next: (e) => seenFirst.push(e.type), complete: () => (firstDone = true) });
  first.next(epochEnd(1, { val_loss: 0.5 }));
  const second = await lastValueFrom(of(epochEnd(2, { val_loss: 2 }), epochEnd(3, { val_loss: 0.1 })).pipe(op, toArray()));
  t.same(second.map((e) => e.type), ['epochEnd', 'pruned'], 'the second is pruned at its first epoch and never sees epoch 3');
  t.equal(firstDone, false, "the second's pruning did not complete the first");
  first.next(epochEnd(4, { val_loss: 0.4 }));
  first.complete();
  t.same(seenFirst, ['epochEnd', 'epochEnd'], 'the first went on through its own epochs');
  t.same(trial.record().intermediate, [[1, 0.5], [2, 2], [4, 0.4]], 'both reported to the trial, in order');
});

t.test('inside optimize: a pruned trial is recorded pruned and its training stops', async (t) => {
  const s = make(medianPruner({ nStartupTrials: 2 }));
  let epochsRun = 0;
  // Trials 0-1 learn well; trials 2-3 are bad from the first epoch and must stop there.
  const curves = [[0.5, 0.4, 0.3], [0.6, 0.5, 0.4], [2, 1.9, 1.8], [3, 2.9, 2.8]];
  const events: StudyEvent[] = await lastValueFrom(
    s
      .optimize(
        (trial) =>
          new Observable<ReturnType<typeof epochEnd>>((sub) => {
            const curve = curves[trial.number]!;
            let epoch = 0;
            const timer = setInterval(() => {
              epochsRun++;
              sub.next(epochEnd(epoch, { val_loss: curve[epoch]! }));
              if (++epoch === curve.length) sub.complete();
            }, 1);
            return () => clearInterval(timer);
          }).pipe(prune(trial)),
        { trials: 4 },
      )
      .pipe(toArray()),
  );
  t.same(s.trials().map((x) => [x.state, x.value]), [['completed', 0.3], ['completed', 0.4], ['pruned', 2], ['pruned', 3]]);
  t.equal(epochsRun, 8, 'pruned trials ran one epoch each');
  t.match(events.filter((e) => e.type === 'trialPruned'), [
    { type: 'trialPruned', trial: 2, step: 0, value: 2 },
    { type: 'trialPruned', trial: 3, step: 0, value: 3 },
  ]);
});

t.test('a trial whose study has no metric is refused at once', async (t) => {
  const s = study({ name: 'n', direction: 'minimize', space: xSpace, sampler: stepSampler() });
  t.throws(() => prune(s.ask()), { code: 'INVALID_CONFIG', message: /prune\(\): option 'trial' belongs to study "n", which has no 'metric'/ });
  t.throws(() => prune({} as never), /option 'trial' must be a Trial/);
});
