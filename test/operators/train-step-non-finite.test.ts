/**
 * A non-finite value in training is reported as non-finite on every backend: the step loss, the
 * epoch loss and `val_loss` become NaN, never a finite number that looks healthy. On wasm a NaN
 * prediction used to be clipped to a bound, so a model whose weights were all NaN reported a loss of
 * 16.12 (= -ln 1e-7) and terminateOnNaN never fired.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { batches } from '../../lib/data/batches.js';
import { digits } from '../../lib/data/bundled.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { epochs } from '../../operators/epochs.js';
import { trainStep } from '../../operators/train-step.js';
import { epochEnd } from '../../operators/epoch-end.js';
import type { EpochBoundary, EpochEnd, StepEvent, TrainEvent } from '../../lib/events.js';

const clean = digits();
/** The digits with one feature of sample 200 (the 4th batch of 64) replaced. */
const poisoned = (value: number) => {
  const x = clean.x.slice();
  x[200 * 64 + 10] = value;
  return { ...clean, x };
};

for (const backend of ['wasm', 'cpu'] as const) {
  for (const bad of [NaN, Infinity, -Infinity]) {
    t.test(`on ${backend}: a ${bad} in the training data makes the step and epoch losses NaN`, async (t) => {
      await useBackend(backend, { env: {} });
      const model = mlp({ inputShape: [64], units: [32], classes: 10, seed: 1 });
      const before = tf.memory().numTensors;
      const events = await lastValueFrom(batches(poisoned(bad), { batchSize: 64 }).pipe(epochs(2), trainStep(model, { optimizer: 'adam', readEvery: 1 }), toArray()));
      const losses = events.filter((e): e is StepEvent => e.type === 'step').map((s) => s.loss!);
      t.ok(losses.slice(0, 3).every(Number.isFinite), 'the batches before it have finite losses');
      t.ok(losses.slice(3).every(Number.isNaN), `every step from the 4th on is NaN: ${losses.slice(0, 6).join(', ')}, ...`);
      const ends = events.filter((e): e is EpochBoundary => e.type === 'epochBoundary');
      t.same(ends.map((e) => Number.isNaN(e.metrics!.loss)), [true, true], 'both epochs report a NaN loss');
      t.equal(tf.memory().numTensors, before, 'no tensors left behind');
      model.dispose();
    });
  }

  t.test(`on ${backend}: a weight made infinite by the last step of an epoch makes that epoch's loss NaN`, async (t) => {
    await useBackend(backend, { env: {} });
    // d/dw sqrt(w) at w = 0 is infinite: the one step sees a finite loss (0) and leaves w = -Infinity.
    const w = tf.variable(tf.scalar(0));
    const events = await lastValueFrom(
      batches({ xs: [[0]], ys: [0] }, { batchSize: 1 }).pipe(epochs(1), trainStep({ loss: () => tf.sqrt(w) as tf.Scalar, variables: [w] }, { optimizer: 'sgd', readEvery: 1 }), toArray()),
    );
    t.equal(w.dataSync()[0], -Infinity);
    t.match(events.find((e) => e.type === 'step'), { loss: 0 }, 'the step itself had a finite loss');
    const end = events.find((e): e is EpochBoundary => e.type === 'epochBoundary');
    t.ok(Number.isNaN(end?.metrics?.loss), `the epoch reports ${end?.metrics?.loss}`);
    w.dispose();
  });

  t.test(`on ${backend}: a NaN only in the validation data makes val_loss NaN`, async (t) => {
    await useBackend(backend, { env: {} });
    const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 1 });
    const events: TrainEvent[] = await lastValueFrom(
      batches(clean, { batchSize: 64 }).pipe(epochs(1), trainStep(model, { optimizer: 'adam' }), epochEnd({ model, validation: poisoned(NaN) }), toArray()),
    );
    const end = events.find((e): e is EpochEnd => e.type === 'epochEnd');
    t.ok(Number.isFinite(end?.metrics.loss), `training loss ${end?.metrics.loss}`);
    t.ok(Number.isNaN(end?.metrics.val_loss), `val_loss ${end?.metrics.val_loss}`);
    model.dispose();
  });

  t.test(`on ${backend}: train() fails with NON_FINITE on a NaN in the data`, async (t) => {
    await useBackend(backend, { env: {} });
    const model = mlp({ inputShape: [64], units: [16], classes: 10, seed: 1 });
    await t.rejects(lastValueFrom(train(model, poisoned(NaN), { epochs: 3, batchSize: 64 })), { code: 'NON_FINITE', message: /loss is NaN at epoch 1/ });
    model.dispose();
  });
}
