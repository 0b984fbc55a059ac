/**
 * One trial of examples/digits-search.ts, as a worker thread runs it: build the MLP the trial's
 * parameters describe and return its training stream. The study (in the main thread) reports each
 * epoch to its pruner and stops the trial when told to.
 */
import { filter } from 'rxjs';
import { digits, mlp, split, train, type WorkerTrialInput } from 'rxtrain';

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
  return train(model, data, { epochs: 12, batchSize: 32, optimizer, validation, seed }).pipe(filter((e) => e.type === 'epochEnd'));
}
