/**
 * One trial of the example page in a Web Worker (`?workers=2`): the worker has its own tfjs on wasm,
 * loads the digits once, and trains the MLP each trial's parameters describe; a pause from the page
 * holds it at its next epoch boundary (`holdWhile(paused)`). The demo server bundles
 * this module (module workers have no import map).
 */
import { finalize, from, switchMap } from 'rxjs';
import * as tf from '@tensorflow/tfjs-core';
import { batches, mlp, parseDigits, serveTrials, split, useBackend, type ArrayDataset } from 'rxtrain';
import { epochEnd, epochs, holdWhile, trainStep } from 'rxtrain/operators';

const maxEpochs = Number(new URLSearchParams(location.search).get('epochs') ?? 9);

async function prepare(): Promise<{ train: ArrayDataset; validation: ArrayDataset }> {
  await useBackend('wasm', { wasmPaths: '/rxtrain/vendor/' });
  const response = await fetch('/data/digits.csv.gz');
  const text = await new Response(response.body!.pipeThrough(new DecompressionStream('gzip'))).text();
  const { train, validation } = split(parseDigits(text, {}, 'digits.csv.gz'), { validation: 0.2, test: 0, seed: 1 });
  return { train, validation };
}
const ready = prepare();

serveTrials<{ lr: number; units: number; dropout: number }>(({ params, seed }, { paused }) =>
  from(ready).pipe(
    switchMap(({ train, validation }) => {
      const model = mlp({ inputShape: [64], units: [params.units], dropout: params.dropout, classes: 10, seed });
      const optimizer = tf.train.adam(params.lr);
      return batches(train, { batchSize: 64, shuffle: true, seed }).pipe(
        holdWhile(paused), // the page's pause: the next epoch starts once resumed
        epochs(maxEpochs),
        trainStep(model, { optimizer, metrics: ['accuracy'] }),
        epochEnd({ model, validation, metrics: ['accuracy'] }),
        finalize(() => {
          model.dispose();
          optimizer.dispose();
        }),
      );
    }),
  ),
);
