import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadIdx, loadIdxDataset, parseIdx } from '../../lib/data/idx.js';
import { throwsWith } from './helpers.js';

const SIZES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

/** An IDX file, written big-endian as the format requires. */
function idx(code: number, dims: number[], values: number[]): Buffer {
  const size = SIZES[code]!;
  const buf = Buffer.alloc(4 + 4 * dims.length + values.length * size);
  buf[2] = code;
  buf[3] = dims.length;
  dims.forEach((d, k) => buf.writeUInt32BE(d, 4 + 4 * k));
  const at = 4 + 4 * dims.length;
  values.forEach((v, i) => {
    const o = at + i * size;
    if (code === 0x08) buf.writeUInt8(v, o);
    else if (code === 0x09) buf.writeInt8(v, o);
    else if (code === 0x0b) buf.writeInt16BE(v, o);
    else if (code === 0x0c) buf.writeInt32BE(v, o);
    else if (code === 0x0d) buf.writeFloatBE(v, o);
    else buf.writeDoubleBE(v, o);
  });
  return buf;
}

t.test('every IDX value type, big-endian, with its shape', async (t) => {
  const cases: Array<[number, string, number[]]> = [
    [0x08, 'uint8', [0, 1, 128, 255, 7, 9]],
    [0x09, 'int8', [-128, -1, 0, 1, 100, 127]],
    [0x0b, 'int16', [-32768, -2, 0, 3, 300, 32767]],
    [0x0c, 'int32', [-2147483648, -5, 0, 70000, 1, 2147483647]],
    [0x0d, 'float32', [-1.5, 0, 0.25, 3.5, 1e6, -2]],
    [0x0e, 'float64', [Math.PI, -Math.E, 0, 1e-300, 5, 6]],
  ];
  for (const [code, dtype, values] of cases) {
    const a = parseIdx(idx(code, [2, 3], values), `t.${dtype}`);
    t.equal(a.dtype, dtype);
    t.same(a.shape, [2, 3], dtype);
    t.same(Array.from(a.data), values, `${dtype} values`);
  }
});

t.test('loadIdx reads plain and gzip files', async (t) => {
  const dir = t.testdir({});
  const bytes = idx(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  writeFileSync(join(dir, 'a-idx3-ubyte'), bytes);
  writeFileSync(join(dir, 'a-idx3-ubyte.gz'), gzipSync(bytes));
  for (const f of ['a-idx3-ubyte', 'a-idx3-ubyte.gz']) {
    const a = loadIdx(join(dir, f));
    t.same(a.shape, [2, 2, 2], f);
    t.same(Array.from(a.data), [1, 2, 3, 4, 5, 6, 7, 8], f);
  }
  throwsWith(t, () => loadIdx(join(dir, 'missing-idx1-ubyte.gz')), 'DATA_MISSING', [join(dir, 'missing-idx1-ubyte.gz')]);
});

t.test('header errors name the file and what is wrong', async (t) => {
  throwsWith(t, () => parseIdx(new Uint8Array([0, 0, 8]), 'tiny.idx'), 'DATA_FORMAT', ['tiny.idx', '3 bytes', 'magic']);
  throwsWith(t, () => parseIdx(new Uint8Array([0x50, 0x4b, 8, 1, 0, 0, 0, 0]), 'zip.idx'), 'DATA_FORMAT', ['zip.idx', 'bad magic', '0x50 0x4B', 'expected 0x00 0x00']);
  throwsWith(t, () => parseIdx(idx(0x08, [1], [1]).fill(0x0a, 2, 3), 'type.idx'), 'DATA_FORMAT', ['type.idx', 'unknown type code 0x0A']);
  throwsWith(t, () => parseIdx(new Uint8Array([0, 0, 8, 0]), 'zero.idx'), 'DATA_FORMAT', ['zero.idx', '0 dimensions']);
  throwsWith(t, () => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), 'dims.idx'), 'DATA_FORMAT', ['dims.idx', '3 dimensions', '16 header bytes', 'only 8 bytes']);
  const truncated = idx(0x08, [10, 4], new Array(40).fill(1)).subarray(0, 12 + 30);
  const e = throwsWith(t, () => parseIdx(truncated, 'cut.idx'), 'DATA_FORMAT', ['cut.idx', '[10, 4]', 'need 52 bytes', '12 header + 40 data', 'has 42', 'truncated']);
  t.match(e?.details, { file: 'cut.idx', expected: 52, actual: 42 });
  const long = Buffer.concat([idx(0x0c, [2], [1, 2]), Buffer.from([9])]);
  throwsWith(t, () => parseIdx(long, 'long.idx'), 'DATA_FORMAT', ['long.idx', 'need 16 bytes', 'has 17', 'trailing']);
});

t.test('loadIdxDataset: images and labels as a data set', async (t) => {
  const dir = t.testdir({});
  const pixels = Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 20);
  writeFileSync(join(dir, 'img.gz'), gzipSync(idx(0x08, [3, 2, 2], pixels)));
  writeFileSync(join(dir, 'lab.gz'), gzipSync(idx(0x08, [3], [2, 0, 1])));
  const ds = loadIdxDataset(join(dir, 'img.gz'), join(dir, 'lab.gz'));
  t.equal(ds.length, 3);
  t.same(ds.xShape, [2, 2, 1]);
  t.same(ds.yShape, []);
  t.ok(ds.y instanceof Int32Array);
  t.same(Array.from(ds.y), [2, 0, 1]);
  t.same(ds.classNames, ['0', '1', '2']);
  t.same(Array.from(ds.x), Array.from(Float32Array.from(pixels, (p) => p / 255)), 'scaled by 1/255');
  const raw = loadIdxDataset(join(dir, 'img.gz'), join(dir, 'lab.gz'), { scale: 1, channelsLast: false, limit: 2, classNames: ['a', 'b', 'c'] });
  t.same(raw.xShape, [1, 2, 2]);
  t.equal(raw.length, 2);
  t.same(Array.from(raw.x), pixels.slice(0, 8));
  t.same(raw.classNames, ['a', 'b', 'c']);
});

t.test('loadIdxDataset errors name both files and both counts', async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, 'img'), idx(0x08, [3, 2, 2], new Array(12).fill(0)));
  writeFileSync(join(dir, 'lab'), idx(0x08, [4], [0, 1, 0, 1]));
  writeFileSync(join(dir, 'lab2d'), idx(0x08, [3, 1], [0, 1, 0]));
  writeFileSync(join(dir, 'labf'), idx(0x0d, [3], [0, 1, 0]));
  const e = throwsWith(t, () => loadIdxDataset(join(dir, 'img'), join(dir, 'lab')), 'DATA_FORMAT', [join(dir, 'img'), join(dir, 'lab'), '3 samples', 'holds 4']);
  t.match(e?.details, { expected: 3, actual: 4 });
  throwsWith(t, () => loadIdxDataset(join(dir, 'img'), join(dir, 'lab2d')), 'DATA_FORMAT', [join(dir, 'lab2d'), '1-D integers', '[3, 1]']);
  throwsWith(t, () => loadIdxDataset(join(dir, 'img'), join(dir, 'labf')), 'DATA_FORMAT', [join(dir, 'labf'), 'float32']);
  writeFileSync(join(dir, 'lab3'), idx(0x08, [3], [0, 1, 5]));
  throwsWith(t, () => loadIdxDataset(join(dir, 'img'), join(dir, 'lab3'), { classNames: ['a', 'b'] }), 'INVALID_CONFIG', ["'classNames'", 'label 5']);
  throwsWith(t, () => loadIdxDataset(join(dir, 'img'), join(dir, 'lab'), { scale: 0 }), 'INVALID_CONFIG', ["'scale'"]);
  throwsWith(t, () => loadIdxDataset(join(dir, 'img'), join(dir, 'lab'), { limit: -1 }), 'INVALID_CONFIG', ["'limit'"]);
});
