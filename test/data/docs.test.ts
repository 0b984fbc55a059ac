/**
 * docs/data.md promises that its code blocks run as they are: run each one, with `'rxtrain'` pointing
 * at this checkout's lib/index.ts, and check what they print.
 */
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(join(root, 'docs', 'data.md'), 'utf8');
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const fashionInstalled = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

t.test('docs/data.md code blocks run and print what their comments say', async (t) => {
  t.ok(blocks.length >= 8, `found ${blocks.length} blocks`);
  const dir = t.testdir({});
  const shim = join(dir, 'rxtrain.ts');
  writeFileSync(shim, `export * from ${JSON.stringify(join(root, 'lib/index.ts'))};\n`);
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { breakLength: Infinity, compact: true }))).join(' '));
  try {
    for (const [k, code] of blocks.entries()) {
      if (code.includes('fashionMnist(') && !fashionInstalled) continue;
      const file = join(dir, `block-${k}.ts`);
      writeFileSync(file, code.replaceAll(`from 'rxtrain'`, `from ${JSON.stringify(pathToFileURL(shim).href)}`));
      await import(pathToFileURL(file).href);
    }
  } finally {
    console.log = log;
  }
  const out = printed.join('\n');
  for (const expected of [
    '1797 [ 64 ]',
    '[ 8, 8, 1 ]',
    "alcohol [ 'malignant', 'benign' ] 150",
    "442 [ 1 ] [ 'age', 'sex', 'bmi', 'bp' ] 151",
    '1258 180 359',
    '100 300',
    '10 3',
    "[ 'setosa', 'versicolor', 'virginica' ] [ 'sepal', 'petal' ] standard",
    'Float32Array(2) [ 250.5, 410 ]',
    'DATA_FORMAT data.csv: line 3: 2 fields where the header (line 1) has 3: column "label" (index 2) is missing',
    'DATA_FORMAT data.csv: line 3, column "b" (index 1): the feature value "abc" is not a number',
    'DATA_FORMAT data.csv: line 2, column "b" (index 1): the feature value is empty',
    'DATA_FORMAT data.csv: label column "species" not found; the columns are "a" (0), "b" (1), "label" (2)',
    "dtype: 'uint8', shape: [ 2, 3 ]",
    'cut.idx: not a valid IDX file: dimensions [2, 3] of uint8 need 18 bytes (12 header + 6 data), but the file has 15 (truncated)',
    '[ 2 ] Int32Array(4) [ 0, 1, 1, 0 ] Float32Array(8) [ 1, 0, 0, 1, 0, 1, 1, 0 ]',
    '2 Int32Array(2) [ 0, 1 ]',
    'SHAPE_MISMATCH xs row 2 is ragged: expected shape [2] (from row 0), got [1]',
    ...(fashionInstalled ? ['1000 1000 [ 28, 28, 1 ] Ankle boot'] : []),
  ]) {
    t.ok(out.includes(expected), `prints ${JSON.stringify(expected)}`);
  }
  if (!t.passing()) t.comment(out);
});
