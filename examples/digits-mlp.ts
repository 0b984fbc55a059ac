/**
 * Train an MLP on the bundled handwritten digits with early stopping, then report the accuracy on a
 * held-out test set the run never saw. A live dashboard runs during the job: open the URL it prints.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/digits-mlp.ts
 *   RXTRAIN_BACKEND=cpu RXTRAIN_MONITOR_PORT=8080 node --conditions=rxtrain-source --import=tsx examples/digits-mlp.ts
 */
import { lastValueFrom, tap } from 'rxjs';
import { digits, evaluate, mlp, split, startMonitor, train, useBackend } from 'rxtrain';
import { monitorTap } from 'rxtrain/operators';

const backend = await useBackend('auto');
const { train: trainSet, validation, test } = split(digits(), { validation: 0.15, test: 0.15, seed: 42 });
console.log(`backend ${backend.name}; digits: ${trainSet.length} train, ${validation.length} validation, ${test.length} test`);

const monitor = await startMonitor({ port: Number(process.env.RXTRAIN_MONITOR_PORT ?? 0) });
console.log(`dashboard: ${monitor.url}`);

const model = mlp({ inputShape: [64], units: [128, 64], dropout: 0.1, classes: 10, seed: 42 });
await lastValueFrom(
  train(model, trainSet, {
    epochs: 100,
    batchSize: 32,
    optimizer: { name: 'adam', lr: 0.002 },
    validation,
    earlyStopping: { monitor: 'val_loss', patience: 5, restoreBest: true },
    seed: 42,
  }).pipe(
    monitorTap(monitor, { run: 'digits-mlp' }),
    tap((e) => {
      if (e.type === 'epochEnd') {
        const m = e.metrics;
        console.log(`epoch ${String(e.epoch).padStart(3)}  loss ${m.loss.toFixed(4)}  acc ${m.accuracy?.toFixed(4)}  val_loss ${m.val_loss?.toFixed(4)}  val_acc ${m.val_accuracy?.toFixed(4)}  ${e.durationMs} ms`);
      }
      if (e.type === 'stopped') console.log(`stopped: ${e.reason}`);
    }),
  ),
);

const result = evaluate(model, test);
console.log(`test accuracy ${result.accuracy?.toFixed(4)} (loss ${result.loss.toFixed(4)}) on ${test.length} held-out digits`);
model.dispose();
await monitor.close();
