/**
 * Where the shipped pre-trained models are: the `models/` folder at the root of the rxtrain package,
 * found by walking up from this file (it runs from `lib/transfer/` or `dist/lib/transfer/`) to the
 * folder whose package.json is rxtrain's, as `bundledDataDir` does for `data/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RxtrainError } from '../errors.js';

let cached: string | undefined;

/** The absolute path of rxtrain's `models/` folder. */
export function modelsDir(): string {
  if (cached !== undefined) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    if (isRxtrainRoot(dir) && existsSync(join(dir, 'models'))) return (cached = join(dir, 'models'));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new RxtrainError('DATA_MISSING', `the pre-trained models folder was not found: no folder above ${start} has rxtrain's package.json and a models/ folder (is the package installed with its models/ files?)`, { from: start });
}

function isRxtrainRoot(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'rxtrain';
  } catch {
    return false;
  }
}
