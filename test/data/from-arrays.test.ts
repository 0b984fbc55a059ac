import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fromArrays, fromTensors } from '../../lib/data/from-arrays.js';
import { throwsWith } from './helpers.js';

t.before(async () => {
  await tf.setBackend('cpu');
});

t.test('rows and integer labels', async (t) => {
  const ds = fromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]);
  t.equal(ds.length, 4);
  t.same(ds.xShape, [2]);
  t.ok(ds.x instanceof Float32Array);
  t.same(Array.from(ds.x), [0, 0, 0, 1, 1, 0, 1, 1]);
  t.ok(ds.y instanceof Int32Array, 'whole numbers ≥ 0 are class ids');
  t.same(ds.yShape, []);
  t.equal(ds.classNames, undefined);
});

t.test('float targets, regression override, one-hot rows, typed arrays', async (t) => {
  const reg = fromArrays([[1], [2]], [0.5, 2]);
  t.ok(reg.y instanceof Float32Array);
  const forced = fromArrays([[1], [2]], [3, 4], { labels: 'regression' });
  t.ok(forced.y instanceof Float32Array, "labels: 'regression' keeps integer targets as floats");
  const hot = fromArrays([[1], [2]], [[1, 0, 0], [0, 0, 1]], { classNames: ['a', 'b', 'c'] });
  t.same(hot.yShape, [3]);
  t.same(Array.from(hot.y), [1, 0, 0, 0, 0, 1]);
  t.same(hot.classNames, ['a', 'b', 'c']);
  const ids = fromArrays(Float32Array.from([1, 2, 3, 4, 5, 6]), Int32Array.from([1, 0]), { xShape: [3] });
  t.same(ids.xShape, [3]);
  t.equal(ids.length, 2);
  t.same(Array.from(ids.y), [1, 0]);
  const flat = fromArrays([1, 2, 3], [0, 1, 0]);
  t.same(flat.xShape, [1], 'a flat array without xShape: one value a sample');
  t.equal(flat.length, 3);
});

t.test('nested images and xShape reshaping', async (t) => {
  const img = fromArrays([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [0, 1]);
  t.same(img.xShape, [2, 2]);
  t.same(Array.from(img.x), [1, 2, 3, 4, 5, 6, 7, 8]);
  const reshaped = fromArrays([[1, 2, 3, 4]], [0], { xShape: [2, 2, 1] });
  t.same(reshaped.xShape, [2, 2, 1]);
});

t.test('the caller keeps its arrays: the data set has copies', async (t) => {
  const xs = Float32Array.from([1, 2]);
  const ys = Int32Array.from([0, 1]);
  const ds = fromArrays(xs, ys);
  xs[0] = 9;
  ys[0] = 9;
  t.equal(ds.x[0], 1);
  t.equal(ds.y[0], 0);
});

t.test('shape errors name the expected and actual shapes and the row', async (t) => {
  throwsWith(t, () => fromArrays([[1, 2], [3, 4], [5, 6]], [0, 1]), 'SHAPE_MISMATCH', ['3 samples', '[3, 2]', 'ys has 2', '[2]']);
  throwsWith(t, () => fromArrays([[1, 2], [3, 4], [5]], [0, 1, 0]), 'SHAPE_MISMATCH', ['row 2', 'ragged', 'expected shape [2]', 'got [1]']);
  throwsWith(t, () => fromArrays([[[1, 2], [3, 4]], [[1, 2], [3]]], [0, 1]), 'SHAPE_MISMATCH', ['row 1', 'expected shape [2, 2]', 'got [2, 1]']);
  throwsWith(t, () => fromArrays([[1, 2], [3, Number.NaN]], [0, 1], { name: 'mine' }), 'SHAPE_MISMATCH', ['mine', 'row 1', 'NaN', 'finite number']);
  throwsWith(t, () => fromArrays([[1, 2], [3, '4' as never]], [0, 1]), 'SHAPE_MISMATCH', ['row 1', '"4"']);
  throwsWith(t, () => fromArrays([1, 2, 3, 4, 5], [0, 1], { xShape: [2] }), 'SHAPE_MISMATCH', ['5 values', 'shape [2]']);
  throwsWith(t, () => fromArrays([[1, 2]], [0], { xShape: [3] }), 'SHAPE_MISMATCH', ['[3]', '[2]']);
  throwsWith(t, () => fromArrays([[1], [2]], [[1, 0], [1]]), 'SHAPE_MISMATCH', ['ys row 1', 'ragged']);
  throwsWith(t, () => fromArrays([[1], [2]], [0.5, 1], { labels: 'index' }), 'SHAPE_MISMATCH', ['ys[0]', 'class id']);
  throwsWith(t, () => fromArrays([[], []], [0, 1]), 'SHAPE_MISMATCH', ['row 0', 'no values', '[0]']);
  throwsWith(t, () => fromArrays([[1]], [0], { xShape: [0] }), 'INVALID_CONFIG', ["'xShape'"]);
  throwsWith(t, () => fromArrays([[1]], [0], { shape: [1] } as never), 'INVALID_CONFIG', ["'shape'"]);
});

t.test('fromTensors reads the values and leaves the tensors to the caller', async (t) => {
  const before = tf.memory().numTensors;
  const xs = tf.tensor3d([[[1], [2]], [[3], [4]], [[5], [6]]]);
  const ys = tf.tensor1d([2, 0, 1], 'int32');
  const ds = fromTensors(xs, ys, { name: 'tensors' });
  t.same(ds.xShape, [2, 1]);
  t.equal(ds.length, 3);
  t.same(Array.from(ds.x), [1, 2, 3, 4, 5, 6]);
  t.ok(ds.y instanceof Int32Array);
  t.same(Array.from(ds.y), [2, 0, 1]);
  t.notOk(xs.isDisposed, 'the caller still owns xs');
  (ds.x as Float32Array)[0] = 100;
  t.equal(xs.dataSync()[0], 1, 'the data set holds a copy');
  const hot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([0, 1, 1], 'int32'), 2), 'float32'));
  const hotDs = fromTensors(xs, hot);
  t.same(hotDs.yShape, [2]);
  t.ok(hotDs.y instanceof Float32Array);
  t.same(Array.from(hotDs.y), [1, 0, 0, 1, 0, 1]);
  tf.dispose([xs, ys, hot]);
  t.equal(tf.memory().numTensors, before, 'fromTensors makes no tensors of its own');
});

t.test('fromTensors shape errors', async (t) => {
  const xs = tf.zeros([4, 3]);
  const ys = tf.zeros([5]);
  const s = tf.scalar(1);
  throwsWith(t, () => fromTensors(xs, ys), 'SHAPE_MISMATCH', ['4 samples', '[4, 3]', 'ys has 5', '[5]']);
  throwsWith(t, () => fromTensors(s, ys), 'SHAPE_MISMATCH', ['xs []', 'ys [5]']);
  throwsWith(t, () => fromTensors([1] as never, ys), 'INVALID_CONFIG', ["'xs'"]);
  tf.dispose([xs, ys, s]);
});
