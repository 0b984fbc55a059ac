/**
 * Per-sample weights (`ArrayDataset.weights`, issue 20): each sample's weight follows it through
 * `subset()`, `split()` and the batches, and a weight that would corrupt the loss is refused naming its
 * row.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { lastValueFrom, map, toArray } from 'rxjs';
import { batches } from '../../lib/data/batches.js';
import { fromArrays } from '../../lib/data/from-arrays.js';
import { applyNormalizer, fitNormalizer } from '../../lib/data/normalize.js';
import { split, subset, take } from '../../lib/data/split.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import { throwsWith } from './helpers.js';

await tf.setBackend('cpu');

/** n samples whose feature is their index and whose weight is index / 10. */
function weighted(n: number): ArrayDataset {
  const ds = fromArrays(Array.from({ length: n }, (_, i) => [i]), Array.from({ length: n }, (_, i) => i % 2), { name: 'weighted' });
  return { ...ds, weights: Float32Array.from({ length: n }, (_, i) => i / 10) };
}
const follows = (ds: ArrayDataset): boolean => ds.weights !== undefined && ds.weights.length === ds.length && Array.from(ds.x).every((x, i) => ds.weights![i] === Math.fround(x / 10));

t.test('subset, take, split and normalisation keep each sample with its weight', async (t) => {
  const ds = weighted(40);
  t.ok(follows(subset(ds, [5, 3, 3, 39])), 'subset (a repeated index too)');
  t.same(Array.from(subset(ds, [5, 3]).weights!), [0.5, 0.3].map(Math.fround));
  t.ok(follows(take(ds, 7)), 'take');
  const s = split(ds, { validation: 0.2, test: 0.2, seed: 3 });
  for (const part of [s.train, s.validation, s.test]) t.ok(follows(part), `${part.name}`);
  t.ok(follows({ ...applyNormalizer(s.train, fitNormalizer(s.train, 'standard')), x: s.train.x }), 'normalising keeps them');
  t.equal(subset(fromArrays([[1], [2]], [0, 1]), [1]).weights, undefined, 'no weights in, none out');
});

t.test('batches carry the weights of their samples, shuffled with them, and free them', async (t) => {
  const ds = weighted(23);
  const before = tf.memory().numTensors;
  const rows = await lastValueFrom(batches(ds, { batchSize: 5, shuffle: true, seed: 2 }).pipe(
    map((b) => ({ x: Array.from(b.xs.dataSync()), w: Array.from(b.weights!.dataSync()), shape: b.weights!.shape })),
    toArray(),
  ));
  t.same(rows.map((r) => r.shape), [[5], [5], [5], [5], [3]]);
  const pairs = rows.flatMap((r) => r.x.map((x, i) => [x, r.w[i]!]));
  t.equal(pairs.length, 23);
  t.ok(pairs.every(([x, w]) => w === Math.fround(x! / 10)), 'each weight with its sample');
  t.equal(tf.memory().numTensors, before, 'weight tensors disposed with their batch');
  const plain = await lastValueFrom(batches(fromArrays([[1], [2]], [0, 1]), { batchSize: 2 }).pipe(map((b) => b.weights), toArray()));
  t.same(plain, [undefined], 'no weights: no weights tensor');
});

t.test('a bad weight is refused when the batches are made, naming its row', async (t) => {
  const ds = weighted(10);
  const withWeight = (i: number, v: number): ArrayDataset => {
    const w = ds.weights!.slice();
    w[i] = v;
    return { ...ds, weights: w };
  };
  throwsWith(t, () => batches(withWeight(4, -1), { batchSize: 4 }), 'INVALID_CONFIG', ["batches(): option 'weights[4]' is the weight of row 4 of 'weighted': it must be a finite number ≥ 0 (got -1)"]);
  throwsWith(t, () => batches(withWeight(7, NaN), { batchSize: 4 }), 'INVALID_CONFIG', ["option 'weights[7]' is the weight of row 7 of 'weighted'", '(got NaN)']);
  throwsWith(t, () => batches(withWeight(0, Infinity), { batchSize: 4 }), 'INVALID_CONFIG', ["'weights[0]'", '(got Infinity)']);
  throwsWith(t, () => batches({ ...ds, weights: new Float32Array(9) }, { batchSize: 4 }), 'INVALID_CONFIG', ["batches(): option 'weights' has 9 values but 'weighted' has 10 samples: give one weight a sample"]);
  throwsWith(t, () => batches({ ...ds, weights: [1, 2] as never }, { batchSize: 4 }), 'INVALID_CONFIG', ["batches(): option 'weights' of 'weighted' must be a Float32Array of one weight a sample (got array of length 2)"]);
});
