import t from 'tap';
import { lastValueFrom, map, tap, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';
import { digits } from '../../lib/data/bundled.js';
import { take } from '../../lib/data/split.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { freeze } from '../../lib/transfer/freeze.js';
import { discriminativeLr } from '../../lib/transfer/discriminative-lr.js';
import type { Layer } from '../../lib/transfer/select-layers.js';
import { unfreezeAt } from '../../operators/unfreeze-at.js';

await useBackend('wasm');

const fakeLayer = (name: string): Layer => ({ name, trainable: false }) as unknown as Layer;
const end = (epoch: number) => ({ type: 'epochEnd', epoch }) as const;
type Ev = { readonly type: string; readonly epoch?: number };

t.test('marbles: the unfrozen event follows the end of epoch - 1, once per subscription', async (t) => {
  new TestScheduler((a, b) => t.same(a, b)).run(({ cold, expectObservable }) => {
    const layer = fakeLayer('body');
    const events = { s: { type: 'runStart' }, a: end(1), b: end(2), c: end(3) };
    const source = cold<Ev>('s-a-b-----c|', events);
    // Seen downstream with the layer's state at that moment.
    const seen = source.pipe(unfreezeAt(3, [layer]), map((e) => ({ ...e, trainable: layer.trainable })));
    expectObservable(seen).toBe('s-a-(bu)--c|', {
      s: { type: 'runStart', trainable: false },
      a: { type: 'epochEnd', epoch: 1, trainable: false },
      b: { type: 'epochEnd', epoch: 2, trainable: false },
      u: { type: 'unfrozen', epoch: 3, layers: ['body'], trainable: true },
      c: { type: 'epochEnd', epoch: 3, trainable: true },
    });
  });
  new TestScheduler((a, b) => t.same(a, b)).run(({ cold, expectObservable }) => {
    const source = cold<Ev>('-a-----b|', { a: { type: 'epochBoundary', epoch: 1 }, b: { type: 'epochBoundary', epoch: 2 } });
    expectObservable(source.pipe(unfreezeAt(1, [fakeLayer('x')]))).toBe('ua-----b|', { u: { type: 'unfrozen', epoch: 1, layers: ['x'] }, a: { type: 'epochBoundary', epoch: 1 }, b: { type: 'epochBoundary', epoch: 2 } });
    expectObservable(source.pipe(unfreezeAt(2, [fakeLayer('x')]))).toBe('-(au)--b|', { u: { type: 'unfrozen', epoch: 2, layers: ['x'] }, a: { type: 'epochBoundary', epoch: 1 }, b: { type: 'epochBoundary', epoch: 2 } });
    expectObservable(source.pipe(unfreezeAt(5, [fakeLayer('x')]))).toBe('-a-----b|', { a: { type: 'epochBoundary', epoch: 1 }, b: { type: 'epochBoundary', epoch: 2 } });
  });
});

t.test('in a training run: the body stays bit-exact until the epoch, then trains (adam via discriminativeLr)', async (t) => {
  const data = take(digits(), 128);
  const model = mlp({ inputShape: [64], units: [16, 16], classes: 10, seed: 2 });
  const body = freeze(model, { upTo: -1 });
  const optimizer = discriminativeLr({ model, optimizer: { name: 'adam', lr: 0.01 }, groups: [{ layers: body, factor: 0.5 }] });
  const snapshot = (): string => Buffer.from(Float32Array.from(body[0]!.getWeights()[0]!.dataSync()).buffer).toString('base64');
  const initial = snapshot();
  const before = tf.memory().numTensors;
  const log: string[] = [];
  await lastValueFrom(
    train(model, data, { epochs: 5, batchSize: 32, optimizer, seed: 1 }).pipe(
      unfreezeAt(4, body.slice(-1)),
      unfreezeAt(5, body),
      tap((e) => {
        if (e.type === 'epochEnd') log.push(`end ${e.epoch} ${snapshot() === initial ? 'same' : 'moved'} trainable ${model.trainableWeights.length}`);
        if (e.type === 'unfrozen') log.push(`unfrozen ${e.epoch} ${e.layers.join(',')}`);
      }),
      toArray(),
    ),
  );
  t.same(log, [
    'end 1 same trainable 2',
    'end 2 same trainable 2',
    'end 3 same trainable 2',
    `unfrozen 4 ${body[1]!.name}`,
    'end 4 same trainable 4',
    `unfrozen 5 ${body.map((l) => l.name).join(',')}`,
    'end 5 moved trainable 6',
  ]);
  optimizer.dispose();
  t.equal(tf.memory().numTensors, before, 'no tensor leaks');
  model.dispose();
});

t.test('arguments are checked when called', async (t) => {
  t.throws(() => unfreezeAt(0, [fakeLayer('a')]), { code: 'INVALID_CONFIG', message: /'epoch' must be a positive integer/ });
  t.throws(() => unfreezeAt(1, []), { code: 'INVALID_CONFIG', message: /'layers' must be a non-empty array/ });
  t.throws(() => unfreezeAt(1, [{} as Layer]), { code: 'INVALID_CONFIG', message: /'layers\[0\]' must be a tfjs-layers layer/ });
});
