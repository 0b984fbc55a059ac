// examples/digits-trial.ts is what a worker thread runs for each trial of a study: a worker runs many
// trials, so each one must free its model (weights and optimizer state) when its stream ends, whether
// it completes, stops early or is cancelled by the pruner.
import t from 'tap';
import { lastValueFrom, take, toArray } from 'rxjs';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';
import digitsTrial from '../../examples/digits-trial.js';

await useBackend('wasm');
const params = { lr: 0.01, units: 32, dropout: 0.1, l2: 1e-5, optimizer: 'adam' as const };

t.test('a trial run to its end leaves no tensor behind', async (t) => {
  const before = tf.memory().numTensors;
  const events = await lastValueFrom(digitsTrial({ params, seed: 1, number: 0, study: 'leak-check' }).pipe(toArray()));
  t.ok(events.length >= 2, `${events.length} events`);
  t.equal(tf.memory().numTensors, before);
});

t.test('a trial cancelled after its first epoch (as a pruner does) leaves no tensor behind', async (t) => {
  const before = tf.memory().numTensors;
  await lastValueFrom(digitsTrial({ params: { ...params, optimizer: 'sgd' as const, momentum: 0.5 }, seed: 2, number: 1, study: 'leak-check' }).pipe(take(1)));
  t.equal(tf.memory().numTensors, before);
});
