import t from 'tap';
import { lastValueFrom, of, Subject, toArray } from 'rxjs';
import { progressBar, type ProgressStream } from '../../operators/progress-bar.js';
import { manualClock } from '../../lib/clock.js';
import type { TrainEvent } from '../../lib/events.js';
import { epochEnd, step } from './decision-helpers.js';

function fakeStream(isTTY: boolean): ProgressStream & { out: string[] } {
  const out: string[] = [];
  return { out, isTTY, columns: 80, write: (s: string) => out.push(s) };
}
const clear = '\r\x1b[2K';

t.test('not a TTY: one line per epoch and per decision, nothing for steps; events pass through', async (t) => {
  const stream = fakeStream(false);
  const events: TrainEvent[] = [
    step(0, 0, 0.5),
    epochEnd(1, { loss: 0.5, val_loss: 0.61234, lr: 0.0001 }),
    { type: 'lrChange', epoch: 2, from: 0.1, to: 0.01, source: 'reduceLROnPlateau' },
    { type: 'checkpoint', epoch: 1, path: 'ckpt', monitor: 'val_loss', value: 0.61234 },
    { type: 'stopped', epoch: 2, source: 'earlyStopping', reason: 'val_loss did not improve', restoredEpoch: 1 },
  ];
  t.same(await lastValueFrom(of(...events).pipe(progressBar({ stream, total: 3 }), toArray())), events);
  t.same(stream.out, [
    'epoch 1/3  0.1s  loss 0.5000  val_loss 0.6123  lr 1.000e-4\n',
    'learning rate 0.1000 → 0.0100 from epoch 2/3 (reduceLROnPlateau)\n',
    'saved epoch 1/3 to ckpt (val_loss 0.6123)\n',
    'stopped after epoch 2/3 by earlyStopping: val_loss did not improve; restored the weights of epoch 1/3\n',
  ]);
});

t.test('on a TTY: a live line redrawn at most every 100 ms by the injected clock', (t) => {
  const stream = fakeStream(true);
  const clock = manualClock(1000);
  const events = new Subject<TrainEvent>();
  const sub = events.pipe(progressBar({ stream, clock })).subscribe();
  events.next(step(1, 0, 0.9));
  clock.advance(50);
  events.next(step(1, 1));
  clock.advance(60);
  events.next(step(1, 2, 0.8));
  t.same(stream.out, [`${clear}epoch 1 step 1  loss 0.9000`, `${clear}epoch 1 step 3  loss 0.8000`]);
  events.next(epochEnd(1, { loss: 0.7 }));
  t.equal(stream.out.at(-1), `${clear}epoch 1  0.1s  loss 0.7000\n`, 'the summary replaces the live line');
  events.next(step(2, 4));
  t.equal(stream.out.at(-1), `${clear}epoch 2 ██████████░░░░░░░░░░ 5/10`, 'a bar once the steps per epoch are known');
  sub.unsubscribe();
  t.equal(stream.out.at(-1), clear, 'teardown clears the half-drawn line');
  t.end();
});

t.test('invalid configs name the field', (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ stream: {} }, 'stream'],
    [{ total: 0 }, 'total'],
    [{ clock: Date }, 'clock'],
    [{ interval: -1 }, 'interval'],
    [{ tty: 1 }, 'tty'],
    [{ width: 10 }, 'width'],
  ];
  for (const [config, field] of cases) {
    t.throws(() => progressBar(config as never), { code: 'INVALID_CONFIG', message: new RegExp(`'${field}'`) }, field);
  }
  t.end();
});
