import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseCsv } from '../../lib/data/csv.js';
import { loadCsv } from '../../lib/data/load-csv.js';
import { throwsWith } from './helpers.js';

const IRISH = 'sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.5,setosa\n';

t.test('header by name, integer labels with sorted class names', async (t) => {
  const ds = parseCsv(IRISH, { label: 'species' });
  t.same(ds.xShape, [2]);
  t.equal(ds.length, 4);
  t.same(Array.from(ds.x), Array.from(Float32Array.from([5.1, 1.4, 7.0, 4.7, 6.3, 6.0, 4.9, 1.5])));
  t.ok(ds.y instanceof Int32Array);
  t.same(Array.from(ds.y), [0, 1, 2, 0]);
  t.same(ds.yShape, []);
  t.same(ds.classNames, ['setosa', 'versicolor', 'virginica']);
  t.same(ds.featureNames, ['sepal', 'petal']);
  t.equal(ds.normalizer, undefined);
});

t.test('numeric labels sort numerically, so "10" comes after "9"', async (t) => {
  const ds = parseCsv('1,10\n2,9\n3,0\n4,10\n', { label: 1 });
  t.same(ds.classNames, ['0', '9', '10']);
  t.same(Array.from(ds.y), [2, 1, 0, 2]);
});

t.test('one-hot and regression labels', async (t) => {
  const hot = parseCsv(IRISH, { label: 'species', labels: 'onehot' });
  t.ok(hot.y instanceof Float32Array);
  t.same(hot.yShape, [3]);
  t.same(Array.from(hot.y), [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
  const reg = parseCsv('x,price\n1,2.5\n2,-3e2\n', { label: 'price', labels: 'regression' });
  t.ok(reg.y instanceof Float32Array);
  t.same(reg.yShape, []);
  t.same(Array.from(reg.y), [2.5, -300]);
  t.equal(reg.classNames, undefined);
});

t.test('header auto-detection, label by (negative) index, no header', async (t) => {
  const noHeader = parseCsv('1,2,a\n3,4,b\n', { label: -1 });
  t.equal(noHeader.length, 2, 'a numeric first row is data');
  t.equal(noHeader.featureNames, undefined);
  const withHeader = parseCsv('x,y,class\n1,2,a\n', { label: 2 });
  t.equal(withHeader.length, 1, 'a non-numeric first row is a header');
  t.same(withHeader.featureNames, ['x', 'y']);
  const forced = parseCsv('1,2,3\n4,5,6\n', { label: 0, header: true });
  t.equal(forced.length, 1);
  t.same(forced.featureNames, ['2', '3']);
  t.same(Array.from(forced.x), [5, 6]);
  const label0 = parseCsv('a,1,2\nb,3,4\n', { label: 0 });
  t.equal(label0.length, 2, 'a non-numeric label in the first row does not make it a header');
});

t.test('quoted fields, escaped quotes, delimiters and line breaks inside quotes', async (t) => {
  const text = 'id,"a, b","say ""hi""",label\r\n1,"2",3,"x,y"\r\n4,5,6,"multi\r\nline"\r\n';
  const ds = parseCsv(text, { label: 'label', skipColumns: ['id'] });
  t.same(ds.featureNames, ['a, b', 'say "hi"']);
  t.same(Array.from(ds.x), [2, 3, 5, 6]);
  t.same(ds.classNames, ['multi\r\nline', 'x,y']);
});

t.test('CRLF, CR, blank lines, trailing newline, BOM and spaces around values', async (t) => {
  const a = parseCsv('a,b,c\r\n1,2,x\r\n\r\n3,4,y\r\n', { label: 'c' });
  const b = parseCsv('a,b,c\r1,2,x\r3,4,y', { label: 'c' });
  const c = parseCsv('\n\na , b,c\n 1, 2 ,x\n3,4, y \n\n\n', { label: 'c' });
  for (const ds of [a, b, c]) {
    t.same(Array.from(ds.x), [1, 2, 3, 4]);
    t.same(ds.classNames, ['x', 'y']);
  }
  t.same(c.featureNames, ['a', 'b']);
});

t.test('delimiter and skipColumns by index', async (t) => {
  const semi = parseCsv('a;b;c\n1,5;2;0\n', { label: 'c', delimiter: ';', skipColumns: [0] });
  t.same(Array.from(semi.x), [2]);
  const tab = parseCsv('1\t2\t0\n3\t4\t1\n', { label: 2, delimiter: '\t' });
  t.same(Array.from(tab.x), [1, 2, 3, 4]);
});

t.test('normalize: fitted on the file, statistics returned, or given statistics applied', async (t) => {
  const text = 'a,b,y\n1,10,0\n2,10,1\n3,10,0\n';
  const std = parseCsv(text, { label: 'y', normalize: 'standard' });
  t.ok(std.normalizer && std.normalizer.kind === 'standard');
  if (std.normalizer?.kind !== 'standard') return;
  t.same(std.normalizer.mean, [2, 10]);
  t.ok(Math.abs(std.normalizer.std[0]! - Math.sqrt(2 / 3)) < 1e-6);
  t.equal(std.normalizer.std[1], 0, 'constant column: std 0');
  const col0 = [std.x[0]!, std.x[2]!, std.x[4]!];
  t.ok(Math.abs(col0.reduce((a, b) => a + b) / 3) < 1e-6, 'mean 0');
  t.same([std.x[1], std.x[3], std.x[5]], [0, 0, 0], 'a constant column becomes 0, not NaN');
  const mm = parseCsv(text, { label: 'y', normalize: 'minmax' });
  t.same(Array.from(mm.x), [0, 0, 0.5, 0, 1, 0]);
  const other = parseCsv('a,b,y\n5,12,1\n', { label: 'y', normalize: mm.normalizer! });
  t.same(Array.from(other.x), [2, 2], 'statistics fitted elsewhere are applied as they are');
  t.same(other.normalizer, mm.normalizer);
});

t.test('loadCsv reads files, gzip by name or by content, and names the missing file', async (t) => {
  const dir = t.testdir({ 'plain.csv': IRISH });
  writeFileSync(join(dir, 'packed.csv.gz'), gzipSync(IRISH));
  writeFileSync(join(dir, 'hidden-gzip.csv'), gzipSync(IRISH));
  for (const f of ['plain.csv', 'packed.csv.gz', 'hidden-gzip.csv']) {
    const ds = loadCsv(join(dir, f), { label: 'species' });
    t.equal(ds.length, 4, f);
    t.equal(ds.name, join(dir, f));
    t.same(ds.classNames, ['setosa', 'versicolor', 'virginica'], f);
  }
  const missing = join(dir, 'nope.csv');
  throwsWith(t, () => loadCsv(missing, { label: 0 }), 'DATA_MISSING', [missing]);
  writeFileSync(join(dir, 'broken.csv.gz'), Buffer.concat([gzipSync(IRISH).subarray(0, 20), Buffer.from('garbage')]));
  throwsWith(t, () => loadCsv(join(dir, 'broken.csv.gz'), { label: 0 }), 'DATA_FORMAT', ['broken.csv.gz', 'gzip']);
});

t.test('malformed files: each error names the file, the 1-based line and the column', async (t) => {
  const dir = t.testdir({
    'short.csv': 'a,b,label\n1,2,x\n3,4\n',
    'long.csv': 'a,b,label\n1,2,x\n3,4,y,9\n',
    'text.csv': 'a,b,label\n1,2,x\n\n3,abc,y\n',
    'empty.csv': 'a,b,label\n1,,x\n',
    'nolabel.csv': 'a,b,label\n1,2,\n',
    'inf.csv': 'a,b,label\n1,Infinity,x\n',
    'quoted.csv': 'a,b,label\n1,2,"x\ny"\n4,five,z\n',
  });
  const f = (name: string): string => join(dir, name);
  throwsWith(t, () => loadCsv(f('short.csv'), { label: 'label' }), 'DATA_FORMAT', [f('short.csv'), 'line 3', '2 fields', 'has 3', 'column "label" (index 2)'], 'too few fields');
  throwsWith(t, () => loadCsv(f('long.csv'), { label: 'label' }), 'DATA_FORMAT', [f('long.csv'), 'line 3', '4 fields', 'column index 3'], 'too many fields');
  const e = throwsWith(t, () => loadCsv(f('text.csv'), { label: 'label' }), 'DATA_FORMAT', [f('text.csv'), 'line 4', 'column "b" (index 1)', '"abc"', 'not a number'], 'non-numeric feature');
  t.match(e?.details, { file: f('text.csv'), line: 4, column: 'b', columnIndex: 1 });
  throwsWith(t, () => loadCsv(f('empty.csv'), { label: 'label' }), 'DATA_FORMAT', [f('empty.csv'), 'line 2', 'column "b" (index 1)', 'empty'], 'empty feature');
  throwsWith(t, () => loadCsv(f('nolabel.csv'), { label: 'label' }), 'DATA_FORMAT', [f('nolabel.csv'), 'line 2', 'column "label" (index 2)', 'label is empty'], 'empty label');
  throwsWith(t, () => loadCsv(f('inf.csv'), { label: 'label' }), 'DATA_FORMAT', [f('inf.csv'), 'line 2', 'column "b" (index 1)', 'not a number'], 'non-finite feature');
  throwsWith(t, () => loadCsv(f('quoted.csv'), { label: 'label' }), 'DATA_FORMAT', [f('quoted.csv'), 'line 4', 'column "b" (index 1)', '"five"'], 'line numbers count line breaks inside quotes');
  throwsWith(t, () => parseCsv('1,a,0\n2,3,1\n', { label: 2, header: false }, 'noheader.csv'), 'DATA_FORMAT', ['noheader.csv', 'line 1', 'column index 1', '"a"'], 'no header: the column by index');
  throwsWith(t, () => parseCsv('a preamble, not data\n1,2,0\n3,x,1\n', { label: 2, skipLines: 1 }, 'pre.csv'), 'DATA_FORMAT', ['pre.csv', 'line 3', 'column index 1', '"x"'], 'skipLines keeps physical line numbers');
});

t.test('label columns that do not exist list the available columns', async (t) => {
  throwsWith(t, () => parseCsv(IRISH, { label: 'class' }, 'iris.csv'), 'DATA_FORMAT', ['iris.csv', '"class"', 'not found', '"sepal" (0)', '"petal" (1)', '"species" (2)']);
  throwsWith(t, () => parseCsv(IRISH, { label: 3 }, 'iris.csv'), 'DATA_FORMAT', ['iris.csv', 'index 3', 'out of range', '3 columns', '"species" (2)']);
  throwsWith(t, () => parseCsv('1,2\n', { label: -3 }, 'n.csv'), 'DATA_FORMAT', ['n.csv', 'index -3', '2 columns', 'no header']);
  throwsWith(t, () => parseCsv(IRISH, { label: 'species', skipColumns: ['id'] }, 'iris.csv'), 'DATA_FORMAT', ['iris.csv', 'skipColumns', '"id"', 'not found']);
});

t.test('quoting errors name the line and column', async (t) => {
  throwsWith(t, () => parseCsv('a,b,c\n1,"2,3\n4,5,6\n', { label: 'c' }, 'q.csv'), 'DATA_FORMAT', ['q.csv', 'line 2', 'column index 1', 'never closed']);
  throwsWith(t, () => parseCsv('a,b,c\n1,"2"x,3\n', { label: 'c' }, 'q.csv'), 'DATA_FORMAT', ['q.csv', 'line 2', 'column index 1', 'after a closing quote']);
});

t.test('empty files, header-only files, non-numeric regression targets', async (t) => {
  throwsWith(t, () => parseCsv('\n\n', { label: 0 }, 'e.csv'), 'DATA_FORMAT', ['e.csv', 'empty']);
  throwsWith(t, () => parseCsv('a,b\n', { label: 'b' }, 'h.csv'), 'DATA_FORMAT', ['h.csv', 'no data rows', 'line 1']);
  throwsWith(t, () => parseCsv('x,y\n1,2\n2,big\n', { label: 'y', labels: 'regression' }, 'r.csv'), 'DATA_FORMAT', ['r.csv', 'line 3', 'column "y" (index 1)', '"big"']);
  throwsWith(t, () => parseCsv('y\n1\n', { label: 'y' }, 'one.csv'), 'DATA_FORMAT', ['one.csv', 'no feature columns']);
});

t.test('invalid options name the field', async (t) => {
  throwsWith(t, () => parseCsv(IRISH, { label: 'species', labels: 'hot' as never }), 'INVALID_CONFIG', ["'labels'", 'onehot']);
  throwsWith(t, () => parseCsv(IRISH, { label: 'species', normalise: 'standard' } as never), 'INVALID_CONFIG', ["'normalise'", 'not a known option']);
  throwsWith(t, () => parseCsv(IRISH, { label: 'species', delimiter: ';;' }), 'INVALID_CONFIG', ["'delimiter'"]);
  throwsWith(t, () => parseCsv(IRISH, { label: 1.5 }), 'INVALID_CONFIG', ["'label'"]);
  throwsWith(t, () => parseCsv(IRISH, { label: 'species', header: false }), 'INVALID_CONFIG', ["'label'", 'header']);
  throwsWith(t, () => parseCsv(IRISH, { label: 'species', skipColumns: ['species'] }), 'INVALID_CONFIG', ["'skipColumns'", 'label']);
  throwsWith(t, () => parseCsv(IRISH, { label: 'species', normalize: 'zscore' as never }), 'INVALID_CONFIG', ["'normalize'"]);
  throwsWith(t, () => loadCsv('', { label: 0 }), 'INVALID_CONFIG', ["'path'"]);
});
