/**
 * One trial of examples/digits-search.ts, of `npm start` (examples/main.ts) and of
 * examples/distributed.ts, as a worker thread or an `rxtrain worker` process runs it: build the MLP the trial's parameters describe and return its training stream (early stopping on
 * val_loss). The study (in the main thread) reports each
 * epoch to its pruner and stops the trial when told to.
 */
import { filter, finalize } from 'rxjs';
import { choice, digits, int, logUniform, mlp, space, split, successiveHalvingPruner, train, uniform, when, type WorkerTrialInput } from 'rxtrain';

/** The parameters examples/digits-search.ts and examples/distributed.ts search. */
export const digitsSpace = space({
  lr: logUniform(1e-4, 1e-1),
  units: int(16, 256, { log: true }),
  dropout: uniform(0, 0.5),
  l2: logUniform(1e-6, 1e-2),
  optimizer: choice(['adam', 'sgd', 'rmsprop']),
  momentum: when('optimizer', 'sgd', uniform(0, 0.99)),
});

/** `rxtrain worker` uses the module's `pruner`: workers stop trials against every worker's reports. */
export const pruner = successiveHalvingPruner({ minResource: 2, reductionFactor: 3 });

export type DigitsParams = {
  lr: number;
  units: number;
  dropout: number;
  l2: number;
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  momentum?: number;
};

export default function digitsTrial({ params, seed }: WorkerTrialInput<DigitsParams>) {
  // The same split in every trial (seed 42): test data is never seen by the search.
  const { train: data, validation } = split(digits(), { validation: 0.15, test: 0.15, seed: 42 });
  const model = mlp({ inputShape: [64], units: [params.units], dropout: params.dropout, l2: params.l2, classes: 10, seed });
  const optimizer = params.optimizer === 'sgd'
    ? { name: 'momentum' as const, lr: params.lr, momentum: params.momentum ?? 0 }
    : { name: params.optimizer, lr: params.lr };
  // Early stopping restores the best epoch's weights; its 'stopped' event tells the study which epoch
  // that was, so the trial's value is that epoch's val_accuracy.
  return train(model, data, { epochs: 20, batchSize: 32, optimizer, validation, seed, earlyStopping: { monitor: 'val_loss', patience: 3, restoreBest: true } }).pipe(
    filter((e) => e.type === 'epochEnd' || e.type === 'stopped'),
    finalize(() => model.dispose()), // a worker runs many trials: each frees its model
  );
}
