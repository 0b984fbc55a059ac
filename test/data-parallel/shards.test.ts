import t from 'tap';
import { shardRows } from '../../lib/data-parallel/shards.js';

t.test('rows are split contiguously, sizes differing by at most one, larger shards first', async (t) => {
  t.same(shardRows(128, 2), [{ rank: 0, from: 0, to: 64 }, { rank: 1, from: 64, to: 128 }]);
  t.same(shardRows(37, 2), [{ rank: 0, from: 0, to: 19 }, { rank: 1, from: 19, to: 37 }]);
  t.same(shardRows(5, 3), [{ rank: 0, from: 0, to: 2 }, { rank: 1, from: 2, to: 4 }, { rank: 2, from: 4, to: 5 }]);
  t.same(shardRows(10, 1), [{ rank: 0, from: 0, to: 10 }]);
});

t.test('a batch smaller than the group leaves the last workers without a shard', async (t) => {
  t.same(shardRows(1, 2), [{ rank: 0, from: 0, to: 1 }]);
  t.same(shardRows(2, 4), [{ rank: 0, from: 0, to: 1 }, { rank: 1, from: 1, to: 2 }]);
  t.same(shardRows(0, 2), []);
});
