import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { optimizer, getLearningRate, setLearningRate, optimizerNames } from '../lib/optimizers.js';

await tf.setBackend('cpu');

/** One step on f(w) = w (gradient 1) from w = 0: how far w moves tells the rate in force. */
function stepSize(opt: tf.Optimizer): number {
  const w = tf.variable(tf.scalar(0));
  opt.minimize(() => tf.mul(w, 1) as tf.Scalar, false, [w]);
  const moved = Math.abs(w.dataSync()[0]!);
  w.dispose();
  return moved;
}

for (const name of optimizerNames) {
  t.test(`${name}: made by name, and setLearningRate changes the next step`, async (t) => {
    const before = tf.memory().numTensors;
    optimizer({ name, lr: 0.3, momentum: name === 'momentum' || name === 'rmsprop' ? 0.5 : undefined }).dispose();
    t.equal(tf.memory().numTensors, before, 'dispose frees what the optimizer made');
    const a = optimizer({ name, lr: 0.1 });
    const b = optimizer({ name, lr: 0.1 });
    t.equal(getLearningRate(a), 0.1);
    setLearningRate(b, 0.01);
    t.equal(getLearningRate(b), 0.01);
    const big = stepSize(a), small = stepSize(b);
    t.ok(big > 0 && Math.abs(small / big - 0.1) < 1e-3, `${name}: step ${big} at 0.1, ${small} at 0.01`);
    a.dispose();
    b.dispose();
  });
}

t.test('defaults and a plain name', async (t) => {
  t.equal(getLearningRate(optimizer('adam')), 0.001);
  t.equal(getLearningRate(optimizer('sgd')), 0.01);
});

t.test('bad configs name the field', async (t) => {
  t.throws(() => optimizer('adamw' as never), /optimizer\(\): option 'name' must be one of sgd, momentum, adam, adamax, adagrad, rmsprop \(got "adamw"\)/);
  t.throws(() => optimizer({ name: 'adam', lr: -1 }), /option 'lr' must be a finite number > 0 \(got -1\)/);
  t.throws(() => optimizer({ name: 'adam', beta1: 1 }), /'beta1' must be in \[0, 1\)/);
  // An option the optimizer does not have is refused, not ignored.
  t.throws(() => optimizer({ name: 'sgd', momentum: 0.9 }), /'momentum' does not apply to sgd .*name: 'momentum', momentum: 0.9/);
  t.throws(() => optimizer({ name: 'adam', nesterov: true }), /'nesterov' does not apply to adam \(its options: lr, beta1, beta2, epsilon\)/);
  t.throws(() => optimizer({ name: 'adagrad', epsilon: 1e-8 }), /'epsilon' does not apply to adagrad/);
  optimizer({ name: 'rmsprop', momentum: 0.5, centered: true, decay: 0.8, epsilon: 1e-6 }).dispose();
  optimizer({ name: 'momentum', momentum: 0.5, nesterov: true }).dispose();
  t.throws(() => optimizer({ name: 'momentum', momentum: 1.5 }), /'momentum'/);
  t.throws(() => optimizer({ name: 'adam', learningRate: 0.1 } as never), /'learningRate' is not a known option/);
  t.throws(() => setLearningRate(optimizer('adam'), 0), /'lr' must be a finite number > 0/);
});
