/**
 * Train a small CNN on the bundled 8×8 digit images with both cores: `dataParallel` splits every
 * batch between two worker threads (each its own tfjs + wasm), averages their gradients and updates
 * the model in this thread, so validation, early stopping (with restoreBest) and saving work on
 * `model` as with `trainStep`.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/data-parallel.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import { batches, cnn, digits, evaluate, saveModel, split, useBackend } from 'rxtrain';
import { dataParallel, earlyStopping, epochEnd, epochs } from 'rxtrain/operators';

await useBackend('wasm');
const { train, validation, test } = split(digits({ image: true }), { validation: 0.15, test: 0.15, seed: 1 });
const model = cnn({ inputShape: [8, 8, 1], filters: [16, 32], pool: 1, dense: [64], classes: 10, seed: 1 });

await lastValueFrom(
  batches(train, { batchSize: 64, shuffle: true, seed: 1 }).pipe(
    epochs(30),
    dataParallel(model, { workers: 2, optimizer: { name: 'adam', lr: 0.003 }, metrics: ['accuracy'] }),
    epochEnd({ model, validation }),
    earlyStopping({ monitor: 'val_loss', patience: 2, restoreBest: true, model }),
    tap((e) => {
      if (e.type === 'runStart') console.log(`training on 2 worker threads (${e.backend}), ${e.trainableParams} parameters`);
      if (e.type === 'epochEnd') console.log(`epoch ${e.epoch}: loss ${e.metrics.loss.toFixed(4)} val_accuracy ${e.metrics.val_accuracy!.toFixed(4)} (${e.durationMs} ms)`);
      if (e.type === 'stopped') console.log(`stopped: ${e.reason}; weights of epoch ${e.restoredEpoch} restored`);
    }),
  ),
);
// The model in this thread holds the trained weights: evaluate it and save it as usual.
console.log(`test accuracy ${evaluate(model, test, { metrics: ['accuracy'] }).accuracy!.toFixed(4)}`);
const dir = join(mkdtempSync(join(tmpdir(), 'rxtrain-')), 'digits-cnn');
await saveModel(model, dir);
console.log(`saved to ${dir}`);
