import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readDataFile, readTextFile } from '../../lib/data/read-file.js';
import { throwsWith } from './helpers.js';

t.test('gzip is recognised by content, whatever the name', async (t) => {
  const dir = t.testdir({ 'plain.txt': 'hello', 'plain-named.gz': 'not compressed' });
  writeFileSync(join(dir, 'packed.gz'), gzipSync('hello'));
  writeFileSync(join(dir, 'packed.txt'), gzipSync('hello'));
  t.equal(readTextFile(join(dir, 'plain.txt')), 'hello');
  t.equal(readTextFile(join(dir, 'packed.gz')), 'hello');
  t.equal(readTextFile(join(dir, 'packed.txt')), 'hello');
  t.equal(readTextFile(join(dir, 'plain-named.gz')), 'not compressed');
  t.same(Array.from(readDataFile(join(dir, 'packed.gz'))), Array.from(Buffer.from('hello')));
});

t.test('a byte-order mark is dropped', async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, 'bom.csv'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b')]));
  t.equal(readTextFile(join(dir, 'bom.csv')), 'a,b');
});

t.test('missing and corrupt files', async (t) => {
  const dir = t.testdir({ folder: {} });
  throwsWith(t, () => readDataFile(join(dir, 'none.gz'), 'try X'), 'DATA_MISSING', [join(dir, 'none.gz'), 'not found', 'try X']);
  throwsWith(t, () => readDataFile(join(dir, 'folder')), 'DATA_MISSING', [join(dir, 'folder'), 'cannot read']);
  writeFileSync(join(dir, 'bad.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
  throwsWith(t, () => readDataFile(join(dir, 'bad.gz')), 'DATA_FORMAT', [join(dir, 'bad.gz'), 'gzip']);
});
