import t from 'tap';
import { fromArrays } from '../../lib/data/from-arrays.js';
import { classIdsOf, toOneHot } from '../../lib/data/one-hot.js';
import { throwsWith } from './helpers.js';

t.test('class ids to one-hot rows', async (t) => {
  const ds = fromArrays([[1], [2], [3]], [2, 0, 1], { classNames: ['a', 'b', 'c'] });
  const hot = toOneHot(ds);
  t.same(hot.yShape, [3]);
  t.ok(hot.y instanceof Float32Array);
  t.same(Array.from(hot.y), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
  t.same(hot.classNames, ['a', 'b', 'c']);
  t.equal(hot.x, ds.x, 'features are shared, not copied');
  t.equal(toOneHot(hot), hot, 'one-hot already: returned as it is');
  t.same(Array.from(classIdsOf(hot)!), [2, 0, 1], 'classIdsOf reads one-hot rows back');
});

t.test('the number of classes: given, from classNames, or the largest label + 1', async (t) => {
  const ds = fromArrays([[1], [2]], [0, 1]);
  t.same(toOneHot(ds).yShape, [2]);
  t.same(toOneHot(ds).classNames, ['0', '1']);
  t.same(toOneHot(ds, 4).yShape, [4]);
  throwsWith(t, () => toOneHot(ds, 1), 'INVALID_CONFIG', ["'classes'", 'sample 1', 'label 1']);
  throwsWith(t, () => toOneHot(ds, 0), 'INVALID_CONFIG', ["'classes'"]);
  throwsWith(t, () => toOneHot(toOneHot(ds), 3), 'SHAPE_MISMATCH', ['2 classes', 'not 3']);
});

t.test('float targets are not class ids', async (t) => {
  const reg = fromArrays([[1], [2]], [0.5, 1.5], { name: 'prices' });
  throwsWith(t, () => toOneHot(reg), 'SHAPE_MISMATCH', ["'prices'", 'float targets', 'class ids']);
  t.equal(classIdsOf(reg), undefined);
  const multi = fromArrays([[1], [2]], [[0.1, 0.9], [0.3, 0.2]]);
  t.equal(classIdsOf(multi), undefined, 'float rows without classNames are not taken for one-hot');
});
