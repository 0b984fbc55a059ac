/**
 * The training loop composed by hand from the operators: what `train()` does, taken apart, plus a
 * learning-rate warm-up and cosine schedule, a checkpoint of the best model, a JSON-lines log and a
 * per-step loss read every 10 steps. Runs in seconds on the bundled digits.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/custom-loop.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, lastValueFrom, tap } from 'rxjs';
import { batches, digits, evaluate, loadModel, mlp, optimizer, split, useBackend } from 'rxtrain';
import { checkpoint, earlyStopping, epochEnd, epochs, jsonlLog, lrSchedule, terminateOnNaN, trainStep } from 'rxtrain/operators';

await useBackend('auto');
const { train, validation, test } = split(digits(), { validation: 0.15, test: 0.15, seed: 3 });
const model = mlp({ inputShape: [64], units: [96], dropout: 0.1, classes: 10, seed: 3 });
const opt = optimizer({ name: 'adam', lr: 0.004 });
const dir = mkdtempSync(join(tmpdir(), 'rxtrain-custom-loop-'));

await lastValueFrom(
  batches(train, { batchSize: 32, shuffle: true, seed: 3 }).pipe(
    epochs(40),
    trainStep(model, { optimizer: opt, metrics: ['accuracy'], readEvery: 10 }),
    epochEnd({ model, validation, optimizer: opt }),
    terminateOnNaN(),
    lrSchedule(opt, { warmup: 3, then: { type: 'cosine', epochs: 37, minLR: 1e-4 } }),
    earlyStopping({ monitor: 'val_loss', patience: 6 }),
    // Saving is asynchronous: after the stop decision, so a save in flight finishes before the end.
    checkpoint({ dir: join(dir, 'best'), model, monitor: 'val_accuracy' }),
    jsonlLog(join(dir, 'events.jsonl')),
    tap((e) => e.type === 'step' && e.loss !== undefined && e.step % 200 === 0 && console.log(`  step ${e.step} batch loss ${e.loss.toFixed(4)}`)),
    filter((e) => e.type === 'epochEnd' || e.type === 'checkpoint' || e.type === 'stopped'),
    tap((e) => {
      if (e.type === 'epochEnd') console.log(`epoch ${e.epoch}: loss ${e.metrics.loss.toFixed(4)} val_acc ${e.metrics.val_accuracy?.toFixed(4)} lr ${e.metrics.lr?.toExponential(2)}`);
      else if (e.type === 'checkpoint') console.log(`  saved ${e.path} (val_accuracy ${e.value.toFixed(4)})`);
      else console.log(`stopped: ${e.reason}`);
    }),
  ),
);

const best = await loadModel(join(dir, 'best'));
console.log(`last weights: test accuracy ${evaluate(model, test).accuracy?.toFixed(4)}; best checkpoint: ${evaluate(best, test).accuracy?.toFixed(4)}`);
console.log(`log: ${join(dir, 'events.jsonl')}`);
opt.dispose();
