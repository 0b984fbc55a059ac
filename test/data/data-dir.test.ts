import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundledDataDir } from '../../lib/data/data-dir.js';

const source = (rel: string): string => readFileSync(new URL(`../../lib/${rel}`, import.meta.url), 'utf8');

/** Install a copy of data-dir.ts (and the errors module it imports) at `libDir` and import it. */
async function copyAt(libDir: string): Promise<typeof import('../../lib/data/data-dir.js')> {
  mkdirSync(join(libDir, 'data'), { recursive: true });
  writeFileSync(join(libDir, 'errors.ts'), source('errors.ts'));
  writeFileSync(join(libDir, 'data', 'data-dir.ts'), source('data/data-dir.ts'));
  return (await import(pathToFileURL(join(libDir, 'data', 'data-dir.ts')).href)) as typeof import('../../lib/data/data-dir.js');
}

t.test('from source: the package root data/ folder', async (t) => {
  t.equal(bundledDataDir(), new URL('../../data', import.meta.url).pathname);
});

t.test('from the compiled layout dist/lib/data/: still the package root data/ folder', async (t) => {
  const root = t.testdir({ 'package.json': JSON.stringify({ name: 'rxtrain' }), data: { 'iris.csv': '' } });
  const mod = await copyAt(join(root, 'dist', 'lib'));
  t.equal(mod.bundledDataDir(), join(root, 'data'));
});

t.test('another package that also has a data/ folder is skipped', async (t) => {
  const root = t.testdir({
    'package.json': JSON.stringify({ name: 'rxtrain' }),
    data: {},
    node_modules: { other: { 'package.json': JSON.stringify({ name: 'other' }), data: {} } },
  });
  const mod = await copyAt(join(root, 'node_modules', 'other', 'lib'));
  t.equal(mod.bundledDataDir(), join(root, 'data'));
});

t.test('no rxtrain package above: DATA_MISSING naming where it looked', async (t) => {
  // Outside the repository (tap's fixtures live inside it, under rxtrain's own package.json).
  const root = mkdtempSync(join(tmpdir(), 'rxtrain-data-dir-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'not-rxtrain' }));
  mkdirSync(join(root, 'data'));
  const mod = await copyAt(join(root, 'lib'));
  const err = t.throws(() => mod.bundledDataDir(), { code: 'DATA_MISSING' }) as Error | undefined;
  t.ok(err?.message.includes(join(root, 'lib', 'data')), `names where it started: ${err?.message}`);
});
