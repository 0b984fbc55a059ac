import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfd from '@tensorflow/tfjs-data';
import { firstValueFrom, lastValueFrom, take, toArray, map, timer, takeUntil } from 'rxjs';
import { batches } from '../../lib/data/batches.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import { eventually } from '../eventually.js';

await tf.setBackend('cpu');

function ramp(n: number, features = 3): ArrayDataset {
  const x = new Float32Array(n * features);
  for (let i = 0; i < n; i++) for (let j = 0; j < features; j++) x[i * features + j] = i;
  const y = new Int32Array(n).map((_, i) => i % 4);
  return { x, xShape: [features], y, yShape: [], length: n, name: 'ramp' };
}

/** The first feature of every sample, batch by batch (read while the batch is alive). */
const firstFeatures = (b: { xs: tf.Tensor }) => Array.from(tf.tidy(() => tf.slice(b.xs, [0, 0], [-1, 1])).dataSync());

t.test('in order, with a smaller last batch, and dropRemainder', async (t) => {
  const got = await lastValueFrom(batches(ramp(10), { batchSize: 4 }).pipe(map((b) => ({ index: b.index, size: b.size, xs: firstFeatures(b), ys: Array.from(b.ys.dataSync()), yDtype: b.ys.dtype })), toArray()));
  t.same(got.map((b) => b.xs), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  t.same(got.map((b) => b.index), [0, 1, 2]);
  t.same(got[0]!.ys, [0, 1, 2, 3]);
  t.equal(got[0]!.yDtype, 'int32');
  const dropped = await lastValueFrom(batches(ramp(10), { batchSize: 4, dropRemainder: true }).pipe(toArray()));
  t.equal(dropped.length, 2);
});

t.test('seeded shuffle: a permutation, reproducible, new order on each pass', async (t) => {
  const pass = async (src: ReturnType<typeof batches>) => (await lastValueFrom(src.pipe(map(firstFeatures), toArray()))).flat();
  const a = batches(ramp(50), { batchSize: 8, shuffle: true, seed: 7 });
  const b = batches(ramp(50), { batchSize: 8, shuffle: true, seed: 7 });
  const a1 = await pass(a), a2 = await pass(a), b1 = await pass(b), b2 = await pass(b);
  t.same([...a1].sort((p, q) => p - q), Array.from({ length: 50 }, (_, i) => i), 'every sample once');
  t.same(a1, b1, 'same seed, same first pass');
  t.same(a2, b2, 'same seed, same second pass');
  t.notSame(a1, a2, 'each pass is reshuffled');
  const c1 = await pass(batches(ramp(50), { batchSize: 8, shuffle: true, seed: 8 }));
  t.notSame(a1, c1, 'another seed, another order');
});

t.test('batches are disposed after next returns, and nothing leaks', async (t) => {
  const before = tf.memory().numTensors;
  let alive = 0;
  await lastValueFrom(batches(ramp(100), { batchSize: 10 }).pipe(map((b) => { alive = tf.memory().numTensors - before; t.notOk(b.xs.isDisposed); return b; }), toArray()))
    .then((all) => t.ok(all.every((b) => b.xs.isDisposed && b.ys.isDisposed)));
  t.equal(alive, 2, 'one batch (xs and ys) alive at a time');
  t.equal(tf.memory().numTensors, before);
});

t.test('take(n) stops reading: later batches are never made', async (t) => {
  const before = tf.memory().numTensors;
  let made = 0;
  const data = ramp(1000);
  const src = batches(data, { batchSize: 10 }).pipe(map((b) => { made++; return b.index; }), take(3));
  t.same(await lastValueFrom(src.pipe(toArray())), [0, 1, 2]);
  t.equal(made, 3);
  t.equal(tf.memory().numTensors, before);
});

t.test('yields to the event loop, so takeUntil(timer) can stop an endless stream of work', async (t) => {
  const before = tf.memory().numTensors;
  let n = 0;
  const big = ramp(200_000, 1);
  await lastValueFrom(batches(big, { batchSize: 1, yieldMs: 5 }).pipe(map(() => n++), takeUntil(timer(30)), toArray()));
  t.ok(n > 0 && n < 200_000, `stopped after ${n} batches`);
  t.equal(tf.memory().numTensors, before);
});

t.test('tf.data.Dataset source is pulled one batch at a time', async (t) => {
  let produced = 0;
  function* gen() {
    for (let i = 0; i < 1000; i++) {
      produced++;
      yield { xs: tf.tensor1d([i, i]), ys: tf.scalar(i % 2, 'int32') };
    }
  }
  const ds = tfd.generator(gen as never) as unknown as tfd.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
  const before = tf.memory().numTensors;
  const consumed: number[] = [];
  const maxAhead: number[] = [];
  await lastValueFrom(batches(ds, { batchSize: 5 }).pipe(take(20), map((b) => { consumed.push(b.size); maxAhead.push(produced - consumed.length * 5); return b; }), toArray()));
  t.equal(consumed.length, 20);
  t.ok(Math.max(...maxAhead) <= 5, `read ahead at most one batch (${Math.max(...maxAhead)} samples)`);
  t.ok(produced <= 21 * 5, `produced ${produced} samples for 100 consumed`);
  await eventually(() => tf.memory().numTensors - before <= 10, undefined, 'the batch tensors to be freed');
  t.ok(tf.memory().numTensors - before <= 10, 'no batch tensors left behind (at most the read-ahead samples)');
});

t.test('{xs, ys} arrays and tensors', async (t) => {
  const first = await firstValueFrom(batches({ xs: [[1, 2], [3, 4], [5, 6]], ys: [0, 1, 0] }, { batchSize: 2 }).pipe(map((b) => b.xs.arraySync())));
  t.same(first, [[1, 2], [3, 4]]);
  const xs = tf.tensor2d([[1], [2], [3]]);
  const ys = tf.tensor1d([1, 2, 3]);
  const sizes = await lastValueFrom(batches({ xs, ys }, { batchSize: 2 }).pipe(map((b) => b.size), toArray()));
  t.same(sizes, [2, 1]);
  t.notOk(xs.isDisposed, "the caller's tensors are not disposed");
  tf.dispose([xs, ys]);
});

t.test('bad configs name the field', async (t) => {
  t.throws(() => batches(ramp(3), { batchSize: 0 }), /batchSize.*positive integer/);
  t.throws(() => batches(ramp(3), { batchSize: 2, shuffle: 'yes' as never }), /shuffle/);
  t.throws(() => batches(ramp(3), { batchSize: 2, bacthSize: 1 } as never), /bacthSize.*not a known option/);
  t.throws(() => batches({ ...ramp(3), length: 0, x: new Float32Array(0), y: new Int32Array(0) }, { batchSize: 2 }), /'ramp' has no samples/);
  t.throws(() => batches(42 as never, { batchSize: 2 }), /source/);
});
