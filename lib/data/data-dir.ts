/**
 * Where the bundled data files are: the `data/` folder at the root of the rxtrain package. The module
 * runs from source (`lib/data/`) or compiled (`dist/lib/data/`), so walk up from this file to the
 * folder whose package.json is rxtrain's, rather than assuming a fixed depth.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RxtrainError } from '../errors.js';

let cached: string | undefined;

/** The absolute path of rxtrain's bundled `data/` folder. */
export function bundledDataDir(): string {
  if (cached !== undefined) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    if (isRxtrainRoot(dir) && existsSync(join(dir, 'data'))) {
      cached = join(dir, 'data');
      return cached;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new RxtrainError('DATA_MISSING', `the bundled data folder was not found: no folder above ${start} has rxtrain's package.json and a data/ folder (is the package installed with its data/ files?)`, { from: start });
}

function isRxtrainRoot(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'rxtrain';
  } catch {
    return false;
  }
}
