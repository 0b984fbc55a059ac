/**
 * An MLP (256-128-100, as the Fashion-MNIST reference MLP) on the 60k Fashion-MNIST training images,
 * with 5k of them held out for validation, early stopping and a learning-rate plateau schedule; then
 * the accuracy on the official 10k test set.
 *
 *   apt-get install dataset-fashion-mnist     # the data, once
 *   node --conditions=rxtrain-source --import=tsx examples/fashion-mnist-mlp.ts
 */
import { lastValueFrom, tap } from 'rxjs';
import { evaluate, fashionMnist, mlp, split, train, useBackend } from 'rxtrain';

const backend = await useBackend('auto');
const data = fashionMnist();
const { train: trainSet, validation } = split(data.train, { validation: 5000, test: 0, seed: 1 });
console.log(`backend ${backend.name}; ${trainSet.length} train, ${validation.length} validation, ${data.test.length} test images`);

const model = mlp({ inputShape: [28, 28, 1], units: [256, 128, 100], dropout: 0.1, classes: 10, seed: 1 });
const started = Date.now();
await lastValueFrom(
  train(model, trainSet, {
    epochs: 20,
    batchSize: 128,
    optimizer: { name: 'adam', lr: 0.001 },
    validation,
    reduceLROnPlateau: { monitor: 'val_loss', factor: 0.3, patience: 1 },
    earlyStopping: { monitor: 'val_accuracy', patience: 3, restoreBest: true },
    seed: 1,
  }).pipe(
    tap((e) => {
      if (e.type === 'epochEnd') {
        const m = e.metrics;
        const rate = Math.round(e.samples / (e.durationMs / 1000));
        console.log(`epoch ${String(e.epoch).padStart(2)}  loss ${m.loss.toFixed(4)}  acc ${m.accuracy?.toFixed(4)}  val_acc ${m.val_accuracy?.toFixed(4)}  lr ${m.lr?.toPrecision(3)}  ${rate} samples/s`);
      }
      if (e.type === 'lrChange') console.log(`learning rate ${e.from} → ${e.to}`);
      if (e.type === 'stopped') console.log(`stopped: ${e.reason}`);
    }),
  ),
);
const result = evaluate(model, data.test);
console.log(`test accuracy ${result.accuracy?.toFixed(4)} on ${data.test.length} test images (${((Date.now() - started) / 1000).toFixed(0)} s)`);
