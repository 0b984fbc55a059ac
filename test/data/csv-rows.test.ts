import t from 'tap';
import { csvRows } from '../../lib/data/csv-rows.js';
import { throwsWith } from './helpers.js';

t.test('rows with their starting line numbers', async (t) => {
  const rows = csvRows('a,b\r\n\r\n"x\ny",2\n"say ""hi""",\n,\n', ',', 'f.csv');
  t.same(rows, [
    { line: 1, fields: ['a', 'b'] },
    { line: 3, fields: ['x\ny', '2'] },
    { line: 5, fields: ['say "hi"', ''] },
    { line: 6, fields: ['', ''] },
  ]);
});

t.test('no trailing newline, a trailing delimiter, CR line ends, spaces after a closing quote', async (t) => {
  t.same(csvRows('1,2', ',', 'f'), [{ line: 1, fields: ['1', '2'] }]);
  t.same(csvRows('1,2,', ',', 'f'), [{ line: 1, fields: ['1', '2', ''] }]);
  t.same(csvRows('1\r2\r', ',', 'f'), [{ line: 1, fields: ['1'] }, { line: 2, fields: ['2'] }]);
  t.same(csvRows('"a"  ;b', ';', 'f'), [{ line: 1, fields: ['a', 'b'] }]);
  t.same(csvRows('', ',', 'f'), []);
});

t.test('skipLines skips physical lines and keeps counting them', async (t) => {
  t.same(csvRows('# "comment\r\nskip\n1,2\n', ',', 'f', 2), [{ line: 3, fields: ['1', '2'] }]);
});

t.test('quote errors name the file, line and column', async (t) => {
  throwsWith(t, () => csvRows('a,b\n1,"2\n3\n', ',', 'f.csv'), 'DATA_FORMAT', ['f.csv', 'line 2', 'column index 1', 'never closed']);
  throwsWith(t, () => csvRows('a,b\n\n"1"2,3\n', ',', 'f.csv'), 'DATA_FORMAT', ['f.csv', 'line 3', 'column index 0', 'after a closing quote']);
});
