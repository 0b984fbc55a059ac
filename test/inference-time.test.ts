import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../lib/backend/use-backend.js';
import type { Clock } from '../lib/clock.js';
import { inferenceTime } from '../lib/inference-time.js';
import { mlp } from '../lib/models/mlp.js';

/** A clock whose successive readings are `readings` (each timed pass reads it twice). */
const scripted = (readings: number[]): Clock & { reads: number } => {
  const c = { reads: 0, now: () => readings[c.reads++]! };
  return c;
};
const data = { x: new Float32Array(20 * 4).map((_, i) => (i % 7) / 7), xShape: [4] };

for (const backend of ['cpu', 'wasm'] as const) {
  t.test(`${backend}: the median ms per sample of the timed passes, tensors freed`, async (t) => {
    await useBackend(backend, { env: {} });
    const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });
    const before = tf.memory().numTensors;
    // Three passes over 20 samples took 40, 10 and 20 ms: the median is 20 ms, 1 ms per sample.
    const clock = scripted([0, 40, 100, 110, 200, 220]);
    t.equal(inferenceTime(model, data, { clock, repeats: 3, batchSize: 6 }), 1);
    t.equal(clock.reads, 6, 'the clock is read around each timed pass only');
    t.equal(tf.memory().numTensors, before, 'no tensor left behind');
    // An even number of passes: the mean of the middle two; `samples` limits what is timed.
    t.equal(inferenceTime(model, data, { clock: scripted([0, 10, 0, 30]), repeats: 2, samples: 10, warmup: 0 }), 2);
    const real = inferenceTime(model, data, { clock: performance, repeats: 3 });
    t.ok(real > 0 && Number.isFinite(real), `a real measurement: ${real} ms per sample`);
    t.equal(tf.memory().numTensors, before);
    model.dispose();
  });
}

t.test('bad options name the field', async (t) => {
  await useBackend('cpu', { env: {} });
  const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });
  for (const [config, field] of [
    [{}, 'clock'],
    [{ clock: performance, batchSize: 0 }, 'batchSize'],
    [{ clock: performance, repeats: 1.5 }, 'repeats'],
    [{ clock: performance, warmup: -1 }, 'warmup'],
    [{ clock: performance, samples: 21 }, 'samples'],
    [{ clock: performance, speed: 1 }, 'speed'],
  ] as const) {
    t.throws(() => inferenceTime(model, data, config as never), { code: 'INVALID_CONFIG', details: { field } });
  }
  t.throws(() => inferenceTime(model, { x: [1, 2] } as never, { clock: performance }), { code: 'INVALID_CONFIG', details: { field: 'data' } });
  model.dispose();
});
