/**
 * What a browser build gets in place of lib/backend/blas/blas-addon.ts (package.json's `browser` map):
 * a page has no native add-on, so wasm runs on its own kernels, and says why.
 */
import type { AddonLoad } from './blas-addon.js';

export type { AddonLoad, BlasAddon, ConvGeometryArgs } from './blas-addon.js';

/** In a browser: no add-on. */
export function loadBlasAddon(): AddonLoad {
  return { reason: 'a browser has no native add-on' };
}
